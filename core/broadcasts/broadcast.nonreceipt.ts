import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { callsOfBroadcasts } from '../phone/phone.broadcast.usecases.ts';
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
  let reported = 0;
  for (const broadcast of finished) {
    // Calls (issue 17): reported once the last attempt has ended; a resident whose every call went unanswered is
    // missed even if the SMS went out, and the head reads "전화 안 받으심 (3회)".
    const calls = await callsOfBroadcasts({ tx: deps.db, broadcastIds: [broadcast.id] });
    if (calls.some((c) => c.open)) continue;
    const unanswered = new Map(calls.filter((c) => !c.answered && c.attempts > 0).map((c) => [c.memberId, c.attempts]));
    reported++;
    await deps.db.transaction(async (tx) => {
      if (!(await repo.claimReport(tx, broadcast.id, deps.clock.now()))) return; // another instance reported it
      const reached = new Set(
        [...(await repo.reachedMemberIds(tx, broadcast.id))].filter((id) => id === null || !unanswered.has(id)),
      );
      const residents = await repo.residentsAtBroadcast(tx, broadcast);
      for (const [villageId, people] of missedByVillage(residents, reached, broadcast.createdBy)) {
        const names = people.map((p) => {
          const tries = unanswered.get(p.memberId);
          return `${maskName(p.realName ?? '주민')}${tries ? ` — 전화 안 받으심 (${tries}회)` : ''}`;
        });
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
  return reported;
}
