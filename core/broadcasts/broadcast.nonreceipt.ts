import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { maskName } from '../privacy/privacy.mask.ts';
import * as repo from './broadcast.repository.ts';
import { missedByVillage, nonreceiptText } from './broadcast.rules.ts';

/**
 * When every delivery of a broadcast has ended, each village head gets the residents of their village it did not
 * reach (names masked), so that they can knock on the door, as the seed counties do. Runs after delivery passes;
 * a broadcast is reported once.
 */
export async function reportFinishedBroadcasts(deps: CoreDeps): Promise<number> {
  const finished = await repo.finishedUnreported(deps.db);
  for (const broadcast of finished) {
    await deps.db.transaction(async (tx) => {
      if (!(await repo.claimReport(tx, broadcast.id, deps.clock.now()))) return; // another instance reported it
      const reached = await repo.reachedMemberIds(tx, broadcast.id);
      const residents = await repo.residentsAtBroadcast(tx, broadcast);
      for (const [villageId, people] of missedByVillage(residents, reached, broadcast.createdBy)) {
        const names = people.map((p) => maskName(p.realName ?? '주민'));
        const text = nonreceiptText(broadcast.id, people[0]?.villageName ?? '', names);
        for (const memberId of await repo.villageHeadIds(tx, villageId))
          await enqueueToMember(tx, deps, {
            memberId,
            messages: [{ text }],
            purpose: 'broadcast.nonreceipt',
            dedupeKey: `broadcast:${broadcast.id}:nonreceipt:${villageId}:${memberId}`,
          });
      }
    });
  }
  return finished.length;
}
