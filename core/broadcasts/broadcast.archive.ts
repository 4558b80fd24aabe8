import { and, arrayOverlaps, desc, eq, ilike, isNotNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { broadcasts } from '../../db/schema/index.ts';
import type { BroadcastCategory } from '../../db/schema/messaging.schema.ts';

/** The archive a resident may read again: broadcasts that reached their village, newest first, optionally searched. */
export async function listVillageBroadcasts(
  tx: DbOrTx,
  input: { villageId: number; districtCode: string; query?: string; limit?: number },
): Promise<{ id: number; category: BroadcastCategory; body: string; senderLabel: string; sendAt: Date }[]> {
  const reaches = or(
    eq(broadcasts.scopeKind, 'county'),
    and(eq(broadcasts.scopeKind, 'districts'), arrayOverlaps(broadcasts.scopeDistricts, [input.districtCode])),
    and(eq(broadcasts.scopeKind, 'villages'), arrayOverlaps(broadcasts.scopeVillages, [input.villageId])),
  );
  const query = input.query?.trim();
  const matches = query ? ilike(broadcasts.body, `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : sql`true`;
  return (
    tx
      .select({
        id: broadcasts.id,
        category: broadcasts.category,
        body: broadcasts.body,
        senderLabel: broadcasts.senderLabel,
        sendAt: broadcasts.sendAt,
      })
      .from(broadcasts)
      // A scheduled broadcast joins the archive once it has gone out.
      .where(and(reaches, matches, isNotNull(broadcasts.fannedOutAt)))
      .orderBy(desc(broadcasts.sendAt), desc(broadcasts.id))
      .limit(input.limit ?? 5)
  );
}
