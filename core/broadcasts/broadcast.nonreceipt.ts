import { and, eq, inArray, isNotNull, isNull, lte, notExists, or } from 'drizzle-orm';
import { broadcasts, members, outbox, registrations, roles, villages } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { maskName } from '../privacy/privacy.mask.ts';

/**
 * When every delivery of a broadcast has ended, each village head gets the residents of their village it did not
 * reach (names masked), so that they can knock on the door, as the seed counties do. Runs after delivery passes;
 * a broadcast is reported once.
 */
export async function reportFinishedBroadcasts(deps: CoreDeps): Promise<number> {
  const pending = deps.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.broadcastId, broadcasts.id), inArray(outbox.status, ['queued', 'retrying'])));
  const finished = await deps.db
    .select()
    .from(broadcasts)
    .where(and(isNotNull(broadcasts.fannedOutAt), isNull(broadcasts.reportedAt), notExists(pending)));
  for (const broadcast of finished) {
    await deps.db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(broadcasts)
        .set({ reportedAt: deps.clock.now() })
        .where(and(eq(broadcasts.id, broadcast.id), isNull(broadcasts.reportedAt)))
        .returning({ id: broadcasts.id });
      if (!claimed) return; // another instance reported it
      const reached = await tx
        .select({ memberId: outbox.memberId })
        .from(outbox)
        .where(and(eq(outbox.broadcastId, broadcast.id), eq(outbox.status, 'sent'), isNotNull(outbox.memberId)));
      const reachedIds = new Set(reached.map((r) => r.memberId));
      const villageFilter =
        broadcast.scopeKind === 'county'
          ? undefined
          : broadcast.scopeKind === 'districts'
            ? inArray(villages.districtCode, broadcast.scopeDistricts)
            : inArray(villages.id, broadcast.scopeVillages);
      // Residents of the broadcast's moment: not those approved since, and not those who chose the evening digest
      // (a non-urgent broadcast reaches them there).
      const residents = await tx
        .select({
          memberId: registrations.memberId,
          realName: registrations.realName,
          villageId: villages.id,
          villageName: villages.nameKo,
        })
        .from(registrations)
        .innerJoin(villages, eq(villages.id, registrations.villageId))
        .innerJoin(members, eq(members.id, registrations.memberId))
        .where(
          and(
            eq(registrations.status, 'approved'),
            villageFilter,
            or(
              isNull(registrations.decidedAt),
              lte(registrations.decidedAt, broadcast.fannedOutAt ?? broadcast.sendAt),
            ),
            broadcast.category === 'urgent' ? undefined : eq(members.broadcastMode, 'instant'),
          ),
        );
      const missed = residents.filter((r) => !reachedIds.has(r.memberId) && r.memberId !== broadcast.createdBy);
      const byVillage = Map.groupBy(missed, (r) => r.villageId);
      for (const [villageId, people] of byVillage) {
        const heads = await tx
          .select({ memberId: roles.memberId })
          .from(roles)
          .where(and(eq(roles.role, 'village_head'), eq(roles.villageId, villageId)));
        const names = people.map((p) => maskName(p.realName ?? '주민')).join(', ');
        const text = `[마을방송 #${broadcast.id} 못 받은 주민 ${people.length}명 — ${people[0]?.villageName ?? ''}]\n${names}\n휴대전화가 꺼져 있거나 알림을 막아 두신 분들입니다. 직접 전해 주시면 고맙겠습니다.`;
        for (const head of heads)
          await enqueueToMember(tx, deps, {
            memberId: head.memberId,
            messages: [{ text }],
            purpose: 'broadcast.nonreceipt',
            dedupeKey: `broadcast:${broadcast.id}:nonreceipt:${villageId}:${head.memberId}`,
          });
      }
    });
  }
  return finished.length;
}
