import type { DbOrTx } from '../../db/db.client.ts';
import { can } from '../auth/authz.policy.ts';
import type { CoreDeps } from '../core.deps.ts';
import * as budgetRepo from './budget.repository.ts';
import * as repo from './poll.repository.ts';
import type { Poll, PollOption } from './poll.repository.ts';
import type { Staff } from './poll.usecases.ts';
import { eligibility, phase, rankResults, type Eligibility, type RankedOption } from './votes.rules.ts';

type Ctx = { tx: DbOrTx; deps: CoreDeps };

export type PollStatus = {
  poll: Poll;
  options: PollOption[];
  voters: number;
  electorate: number;
  /** Only once closed: results are hidden until the close. */
  ranked: RankedOption[] | null;
};

/** Turnout (live) and, after the close, the results: for staff who manage votes of the poll's scope. */
export async function pollStatus(
  input: Ctx & { staff: Staff; pollId: number },
): Promise<{ kind: 'status'; status: PollStatus } | { kind: 'not_found' } | { kind: 'forbidden' }> {
  const poll = await repo.getPoll(input.tx, input.pollId);
  if (!poll) return { kind: 'not_found' };
  if (!can(input.staff.grants, 'vote.manage', { districtCode: poll.districtCode })) return { kind: 'forbidden' };
  return { kind: 'status', status: await statusOf(input.tx, poll) };
}

async function statusOf(tx: DbOrTx, poll: Poll): Promise<PollStatus> {
  const options = await repo.optionsOf(tx, poll.id);
  return {
    poll,
    options,
    voters: poll.votersAtClose ?? (await repo.countVoters(tx, poll.id)),
    electorate: (await repo.electorateOf(tx, poll)).length,
    ranked: poll.status === 'closed' && poll.tally ? rankResults(options, poll.tally) : null,
  };
}

export type OpenForMember = { poll: Poll; voted: boolean };

/** The open polls a member may vote in, with whether they have voted. */
export async function openPollsFor(input: Ctx & { memberId: number }): Promise<OpenForMember[]> {
  const out: OpenForMember[] = [];
  for (const poll of await repo.openPolls(input.tx)) {
    const facts = await repo.voterFacts(input.tx, poll, input.memberId);
    if (!eligibility({ electorate: poll.electorate, pollDistrictCode: poll.districtCode, ...facts }).ok) continue;
    out.push({ poll, voted: await repo.hasVoted(input.tx, poll.id, input.memberId) });
  }
  return out;
}

export async function pollWithOptions(
  input: Ctx & { pollId: number },
): Promise<{ poll: Poll; options: PollOption[] } | null> {
  const poll = await repo.getPoll(input.tx, input.pollId);
  return poll ? { poll, options: await repo.optionsOf(input.tx, poll.id) } : null;
}

/** The recent polls of the staff member's scope, with turnout (bare 투표 현황). */
export async function pollsOfScope(input: Ctx & { staff: Staff; limit?: number }): Promise<PollStatus[]> {
  const out: PollStatus[] = [];
  for (const poll of await repo.recentPolls(input.tx, 100)) {
    if (!can(input.staff.grants, 'vote.manage', { districtCode: poll.districtCode })) continue;
    out.push(await statusOf(input.tx, poll));
    if (out.length >= (input.limit ?? 10)) break;
  }
  return out;
}

export type BallotFor =
  | {
      kind: 'ballot';
      poll: Poll;
      options: PollOption[];
      voted: boolean;
      budget: { budgetKrw: number; minProjects: number; maxProjects: number | null } | null;
    }
  | { kind: 'not_found' }
  | { kind: 'not_open'; phase: 'before' | 'after'; poll: Poll }
  | { kind: 'ineligible'; reason: Extract<Eligibility, { ok: false }>['reason']; poll: Poll }
  | { kind: 'already_voted'; poll: Poll };

/** The ballot a member is about to fill in, or why they cannot (the same checks castBallot makes again). */
export async function ballotFor(input: Ctx & { memberId: number; pollId: number }): Promise<BallotFor> {
  const { tx, deps } = input;
  const poll = await repo.getPoll(tx, input.pollId);
  if (!poll) return { kind: 'not_found' };
  const at = phase(poll, deps.clock.now());
  if (at !== 'open' || poll.status === 'closed')
    return { kind: 'not_open', phase: at === 'before' ? 'before' : 'after', poll };
  const facts = await repo.voterFacts(tx, poll, input.memberId);
  const eligible = eligibility({ electorate: poll.electorate, pollDistrictCode: poll.districtCode, ...facts });
  if (!eligible.ok) return { kind: 'ineligible', reason: eligible.reason, poll };
  const voted = await repo.hasVoted(tx, poll.id, input.memberId);
  if (voted && !poll.allowChange) return { kind: 'already_voted', poll };
  const round = poll.budgetRoundId !== null ? await budgetRepo.getRound(tx, poll.budgetRoundId) : undefined;
  return {
    kind: 'ballot',
    poll,
    options: await repo.optionsOf(tx, poll.id),
    voted,
    budget: round
      ? { budgetKrw: round.budgetKrw, minProjects: round.minProjects, maxProjects: round.maxProjects }
      : null,
  };
}
