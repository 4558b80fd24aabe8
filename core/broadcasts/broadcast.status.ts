import { and, arrayOverlaps, count, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { broadcasts, outbox, villages } from '../../db/schema/index.ts';
import type { BroadcastScope } from './broadcast.scope.ts';

export type BroadcastReach = {
  id: number;
  body: string;
  sendAt: Date;
  /** Null while a scheduled broadcast waits for its time. */
  fannedOutAt: Date | null;
  /** `fallback`: of `sent`, how many reached the person here after another platform failed for good. */
  byPlatform: { platform: string; queued: number; sent: number; failed: number; fallback: number }[];
};

/** 현황: for the recent broadcasts within the viewer's scope, how many deliveries are waiting, sent and failed, by platform. */
export async function broadcastReach(tx: DbOrTx, scope: BroadcastScope, limit = 5): Promise<BroadcastReach[]> {
  // District staff see their district's broadcasts, the county's, and those of any village of their district.
  const districtVillages =
    scope.kind === 'districts'
      ? (await tx.select({ id: villages.id }).from(villages).where(inArray(villages.districtCode, scope.codes))).map(
          (v) => v.id,
        )
      : [];
  const visible =
    scope.kind === 'county'
      ? undefined
      : scope.kind === 'districts'
        ? or(
            eq(broadcasts.scopeKind, 'county'),
            arrayOverlaps(broadcasts.scopeDistricts, scope.codes),
            arrayOverlaps(broadcasts.scopeVillages, districtVillages),
          )
        : arrayOverlaps(broadcasts.scopeVillages, scope.ids);
  const recent = await tx
    .select({
      id: broadcasts.id,
      body: broadcasts.body,
      sendAt: broadcasts.sendAt,
      fannedOutAt: broadcasts.fannedOutAt,
    })
    .from(broadcasts)
    .where(visible)
    .orderBy(desc(broadcasts.sendAt), desc(broadcasts.id))
    .limit(limit);
  if (recent.length === 0) return [];
  const counts = await tx
    .select({
      broadcastId: outbox.broadcastId,
      platform: outbox.platform,
      status: outbox.status,
      fallback: sql<boolean>`${outbox.fallbackOf} is not null`,
      n: count(),
    })
    .from(outbox)
    .where(
      and(
        inArray(
          outbox.broadcastId,
          recent.map((b) => b.id),
        ),
        eq(outbox.chatType, 'direct'),
      ),
    )
    .groupBy(outbox.broadcastId, outbox.platform, outbox.status, sql`${outbox.fallbackOf} is not null`);
  return recent.map((b) => {
    const mine = counts.filter((c) => c.broadcastId === b.id);
    const platforms = [...new Set(mine.map((c) => c.platform))].sort();
    return {
      ...b,
      byPlatform: platforms.map((platform) => {
        const of = (...statuses: string[]) =>
          mine
            .filter((c) => c.platform === platform && statuses.includes(c.status))
            .reduce((sum, c) => sum + Number(c.n), 0);
        const fallback = mine
          .filter((c) => c.platform === platform && c.status === 'sent' && c.fallback)
          .reduce((sum, c) => sum + Number(c.n), 0);
        return { platform, queued: of('queued', 'retrying'), sent: of('sent'), failed: of('failed'), fallback };
      }),
    };
  });
}
