import type { CoreDeps } from '../core.deps.ts';
import * as assemblies from './assembly.repository.ts';
import { closeAssembly } from './assembly.usecases.ts';
import * as budget from './budget.repository.ts';
import { advanceBudgetRound, closeBudgetPoll } from './budget.usecases.ts';
import * as polls from './poll.repository.ts';
import { closePoll, mixPoll } from './poll.close.usecases.ts';
import { openPoll } from './poll.usecases.ts';

export type VoteClockResult = {
  opened: number;
  closed: number;
  mixed: number;
  rounds: number;
  assemblies: number;
  /** Polls whose voters and ballots differed at the close (reported to staff; should always be 0). */
  mismatched: number;
};

/**
 * What the clock does for votes, each step in a transaction of its own (one poll failing does not hold the others):
 * budget rounds move on (proposals close, the vote opens), due polls open and their ballots go out, due polls and
 * ended assemblies close (sealed, results announced), and the ballots of open polls that got votes are mixed.
 * `now` is the injected clock's (the job's slot): nothing opens or closes by the wall clock.
 */
export async function runVoteClock(input: { deps: CoreDeps; now: Date }): Promise<VoteClockResult> {
  const { deps, now } = input;
  const clocked = { ...deps, clock: { now: () => now } };
  const result: VoteClockResult = { opened: 0, closed: 0, mixed: 0, rounds: 0, assemblies: 0, mismatched: 0 };
  const inTx = <T>(work: (tx: Parameters<Parameters<CoreDeps['db']['transaction']>[0]>[0]) => Promise<T>) =>
    deps.db.transaction(work);

  for (const round of await budget.roundsDue(deps.db, now))
    if (await inTx((tx) => advanceBudgetRound({ tx, deps: clocked, roundId: round.id }))) result.rounds++;
  for (const pollId of await polls.pollsToOpen(deps.db, now))
    if ((await inTx((tx) => openPoll({ tx, deps: clocked, pollId }))).poll) result.opened++;
  for (const id of await assemblies.assembliesToClose(deps.db, now))
    if (await inTx((tx) => closeAssembly({ tx, deps: clocked, assemblyId: id }))) result.assemblies++;
  for (const pollId of await polls.pollsToClose(deps.db, now)) {
    const closed = await inTx(async (tx) => {
      const poll = await polls.getPoll(tx, pollId);
      if (poll?.kind === 'budget') return (await closeBudgetPoll({ tx, deps: clocked, pollId }))?.closed ?? null;
      return closePoll({ tx, deps: clocked, pollId });
    });
    if (!closed) continue;
    result.closed++;
    if (closed.voters !== closed.ballots) result.mismatched++;
  }
  for (const pollId of await polls.pollsToMix(deps.db)) {
    await inTx((tx) => mixPoll({ tx, deps: clocked, pollId }));
    result.mixed++;
  }
  return result;
}
