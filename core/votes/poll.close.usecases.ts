import type { DbOrTx } from '../../db/db.client.ts';
import type { CoreDeps } from '../core.deps.ts';
import { voteKey } from '../delivery/delivery.keys.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { tellStaff } from '../staff/staff.rooms.ts';
import * as repo from './poll.repository.ts';
import type { Poll, PollOption } from './poll.repository.ts';
import { closeCheckLine, resultLines, resultsMessage } from './votes.notify.ts';
import { rankResults, tally, type RankedOption } from './votes.rules.ts';

type Ctx = { tx: DbOrTx; deps: CoreDeps };

export type ClosedPoll = {
  poll: Poll;
  options: PollOption[];
  ranked: RankedOption[];
  voters: number;
  ballots: number;
  electorate: number[];
};

/**
 * The close: the ballots are mixed one last time with their receipts dropped and the poll's receipt key erased, then
 * voters and ballots are counted (they must be equal: reported either way) and the tally is kept. `announce` sends
 * the results to the electorate and the staff (the budget and assembly features add their own lines).
 */
export async function sealPoll(input: Ctx & { pollId: number }): Promise<ClosedPoll | null> {
  const { tx, deps } = input;
  const locked = await repo.getPoll(tx, input.pollId, 'update');
  if (!locked || locked.status === 'closed') return null;
  await repo.mixBallots(tx, locked.id, true);
  const voters = await repo.countVoters(tx, locked.id);
  const ballots = await repo.countBallots(tx, locked.id);
  const options = await repo.optionsOf(tx, locked.id);
  const counts = tally(
    options.map((o) => o.id),
    await repo.ballotChoices(tx, locked.id),
  );
  const poll = await repo.updatePoll(tx, locked.id, {
    status: 'closed',
    closedAt: deps.clock.now(),
    receiptKeyEnc: null,
    mixPending: false,
    votersAtClose: voters,
    ballotsAtClose: ballots,
    tally: counts,
  });
  return {
    poll,
    options,
    ranked: rankResults(options, counts),
    voters,
    ballots,
    electorate: await repo.electorateOf(tx, poll),
  };
}

export async function announceResults(
  input: Ctx & { closed: ClosedPoll; lines?: string[]; footer?: string },
): Promise<{ members: number; staff: number }> {
  const { tx, deps, closed } = input;
  const message = resultsMessage({
    poll: closed.poll,
    voters: closed.voters,
    electorate: closed.electorate.length,
    lines: input.lines ?? resultLines(closed.ranked),
    ...(input.footer ? { footer: input.footer } : {}),
  });
  let members = 0;
  for (const memberId of closed.electorate)
    if (
      await enqueueToMember(tx, deps, {
        memberId,
        purpose: 'vote.results',
        dedupeKey: voteKey({ subject: 'poll', id: closed.poll.id, part: `results:${memberId}` }),
        messages: [message],
      })
    )
      members++;
  const staff = await tellStaff(tx, deps, {
    districtCode: closed.poll.districtCode,
    key: voteKey({ subject: 'poll', id: closed.poll.id, part: 'results:staff' }),
    purpose: 'vote.staff',
    messages: [{ text: `${message.text}\n${closeCheckLine(closed.voters, closed.ballots)}` }],
  });
  return { members, staff };
}

/** A plain poll's close: sealed, then its results announced. */
export async function closePoll(input: Ctx & { pollId: number }): Promise<ClosedPoll | null> {
  const closed = await sealPoll(input);
  if (closed) await announceResults({ ...input, closed });
  return closed;
}

/** The mix of an open poll (every minute when someone voted): see repo.mixBallots. */
export async function mixPoll(input: Ctx & { pollId: number }): Promise<number> {
  const poll = await repo.getPoll(input.tx, input.pollId, 'update');
  if (!poll || poll.status === 'closed') return 0;
  return repo.mixBallots(input.tx, poll.id, false);
}
