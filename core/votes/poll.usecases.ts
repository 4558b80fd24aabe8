import type { DbOrTx } from '../../db/db.client.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
import { recordAudit } from '../audit/audit.usecases.ts';
import type { CoreDeps } from '../core.deps.ts';
import type { AuditVia } from '../../db/schema/audit.schema.ts';
import { voteKey } from '../delivery/delivery.keys.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import * as budgetRepo from './budget.repository.ts';
import * as repo from './poll.repository.ts';
import type { Poll, PollOption } from './poll.repository.ts';
import { readRoster, type RosterResult } from './votes.roster.ts';
import { ballotMessage } from './votes.notify.ts';
import {
  checkBudgetBallot,
  checkChoices,
  checkPollDraft,
  eligibility,
  phase,
  type BudgetProblem,
  type ChoiceProblem,
  type Eligibility,
  type PollDraftProblem,
} from './votes.rules.ts';
import { newReceiptKey, receiptOf } from './votes.secret.ts';

type Ctx = { tx: DbOrTx; deps: CoreDeps };
export type Staff = { memberId: number; grants: readonly RoleGrant[] };
export type { Poll, PollOption };

export type PollInput = {
  question: string;
  options: string[];
  maxChoices: number;
  allowChange: boolean;
  /** Null: the whole county. */
  districtCode: string | null;
  electorate: { kind: 'residents' } | { kind: 'list'; csv: string };
  opensAt: Date;
  closesAt: Date;
};

export type CreatePollResult =
  | { kind: 'created'; poll: Poll; options: PollOption[]; opened: number | null; roster: number | null }
  | { kind: 'forbidden' }
  | { kind: 'invalid'; problem: PollDraftProblem }
  | { kind: 'bad_roster'; errors: string[] };

/**
 * A poll made by staff of its scope (chat, the console, the budget and assembly features): stored with its options
 * (and its roster of mobile numbers, kept by blind index), and opened at once when its opening time has come.
 */
export async function createPoll(
  input: Ctx & { staff: Staff; poll: PollInput; via?: AuditVia },
): Promise<CreatePollResult> {
  if (!can(input.staff.grants, 'vote.manage', { districtCode: input.poll.districtCode })) return { kind: 'forbidden' };
  const result = await storePoll({ ...input, createdBy: input.staff.memberId });
  if (result.kind === 'created')
    await recordAudit(input, {
      actorMemberId: input.staff.memberId,
      action: 'vote.create',
      subject: `poll:${result.poll.id}`,
      scope: { districtCode: input.poll.districtCode },
      via: input.via ?? 'chat',
    });
  return result;
}

/**
 * The poll stored (the budget and assembly features call this with their own kind, options and electorate, after
 * their own authorisation): checked, kept with its options and roster, opened at once when its time has come.
 */
export async function storePoll(
  input: Ctx & {
    createdBy: number | null;
    poll: PollInput;
    kind?: Poll['kind'];
    extra?: { budgetRoundId?: number; assemblyId?: number; costs?: (number | null)[]; proposalIds?: number[] };
    electorateOverride?: 'attendees';
    minChoices?: number;
  },
): Promise<CreatePollResult> {
  const { tx, deps, poll: p } = input;
  const now = deps.clock.now();
  const problem = checkPollDraft(p, now);
  // A budget vote may have a single project on it (it is still a choice: fund it or not).
  if (problem && !(problem === 'too_few_options' && input.kind === 'budget' && p.options.length === 1))
    return { kind: 'invalid', problem };
  let roster: RosterResult | null = null;
  if (p.electorate.kind === 'list') {
    roster = readRoster(p.electorate.csv, deps.cipher);
    if (!roster.ok) return { kind: 'bad_roster', errors: roster.errors };
  }
  const created = await repo.insertPoll(
    tx,
    {
      kind: input.kind ?? 'poll',
      question: p.question.trim(),
      districtCode: p.districtCode,
      electorate: input.electorateOverride ?? p.electorate.kind,
      minChoices: input.minChoices ?? 1,
      maxChoices: p.maxChoices,
      allowChange: p.allowChange,
      opensAt: p.opensAt,
      closesAt: p.closesAt,
      receiptKeyEnc: p.allowChange ? deps.cipher.encrypt(newReceiptKey()) : null,
      budgetRoundId: input.extra?.budgetRoundId ?? null,
      assemblyId: input.extra?.assemblyId ?? null,
      createdBy: input.createdBy,
      createdAt: now,
    },
    p.options.map((label, i) => ({
      label: label.trim(),
      costKrw: input.extra?.costs?.[i] ?? null,
      proposalId: input.extra?.proposalIds?.[i] ?? null,
    })),
  );
  if (roster?.ok) await repo.insertRoster(tx, created.poll.id, roster.hashes);
  let opened: number | null = null;
  let poll = created.poll;
  if (p.opensAt <= now) {
    const result = await openPoll({ tx, deps, pollId: poll.id });
    opened = result.sent;
    poll = result.poll ?? poll;
  }
  return { kind: 'created', poll, options: created.options, opened, roster: roster?.ok ? roster.hashes.length : null };
}

/** Opens a scheduled poll and sends each eligible member the ballot on their platform. */
export async function openPoll(input: Ctx & { pollId: number }): Promise<{ poll: Poll | null; sent: number }> {
  const { tx, deps } = input;
  const poll = await repo.getPoll(tx, input.pollId, 'update');
  if (!poll || poll.status !== 'scheduled') return { poll: poll ?? null, sent: 0 };
  const opened = await repo.updatePoll(tx, poll.id, { status: 'open', openedAt: deps.clock.now() });
  const options = await repo.optionsOf(tx, poll.id);
  let sent = 0;
  for (const memberId of await repo.electorateOf(tx, opened))
    if (await sendBallot({ tx, deps, poll: opened, options, memberId })) sent++;
  return { poll: opened, sent };
}

/** The ballot to one member (when a poll opens, or when they arrive at the assembly). */
export async function sendBallot(
  input: Ctx & { poll: Poll; options: readonly PollOption[]; memberId: number },
): Promise<boolean> {
  return enqueueToMember(input.tx, input.deps, {
    memberId: input.memberId,
    purpose: 'vote.ballot',
    dedupeKey: voteKey({ subject: 'poll', id: input.poll.id, part: `ballot:${input.memberId}` }),
    messages: [ballotMessage(input.poll, input.options, input.deps.timezone)],
  });
}

export type CastResult =
  | { kind: 'cast'; poll: Poll }
  | { kind: 'changed'; poll: Poll }
  | { kind: 'not_found' }
  | { kind: 'not_open'; phase: 'before' | 'after'; poll: Poll }
  | { kind: 'ineligible'; reason: Extract<Eligibility, { ok: false }>['reason']; poll: Poll }
  | { kind: 'already_voted'; poll: Poll }
  | { kind: 'invalid'; problem: ChoiceProblem; poll: Poll }
  | { kind: 'over_rule'; problem: BudgetProblem; poll: Poll };

/**
 * One member's ballot. The member is marked as having voted and the ballot is stored in the same transaction, apart:
 * the ballot carries no member, no time and a random id. Whichever of a member's platforms they vote from, the member
 * votes once. `choices` are list numbers (1-based), as on the ballot.
 */
export async function castBallot(
  input: Ctx & { memberId: number; pollId: number; choices: number[] },
): Promise<CastResult> {
  const { tx, deps } = input;
  const poll = await repo.getPoll(tx, input.pollId, 'share');
  if (!poll) return { kind: 'not_found' };
  const at = phase(poll, deps.clock.now());
  if (at !== 'open' || poll.status === 'closed')
    return { kind: 'not_open', phase: at === 'before' ? 'before' : 'after', poll };
  const facts = await repo.voterFacts(tx, poll, input.memberId);
  const eligible = eligibility({ electorate: poll.electorate, pollDistrictCode: poll.districtCode, ...facts });
  if (!eligible.ok) return { kind: 'ineligible', reason: eligible.reason, poll };
  if (!poll.allowChange && (await repo.hasVoted(tx, poll.id, input.memberId))) return { kind: 'already_voted', poll };
  const options = await repo.optionsOf(tx, poll.id);
  const picked = input.choices.map((n) => options.find((o) => o.position === n)?.id ?? -1);
  const problem = checkChoices(
    poll.kind === 'budget' ? { minChoices: 0, maxChoices: options.length } : poll,
    options.map((o) => o.id),
    picked,
  );
  if (problem) return { kind: 'invalid', problem, poll };
  const round = poll.budgetRoundId !== null ? await budgetRepo.getRound(tx, poll.budgetRoundId) : undefined;
  if (round) {
    const costs = picked.map((id) => options.find((o) => o.id === id)?.costKrw ?? 0);
    const over = checkBudgetBallot(round, costs);
    if (over) return { kind: 'over_rule', problem: over, poll };
  }
  const choices = [...picked].sort((a, b) => a - b);
  const receipt =
    poll.allowChange && poll.receiptKeyEnc
      ? receiptOf(deps.cipher.decrypt(poll.receiptKeyEnc), poll.id, input.memberId)
      : null;
  await repo.updatePoll(tx, poll.id, { mixPending: true });
  if (await repo.markVoted(tx, poll.id, input.memberId)) {
    await repo.addBallot(tx, poll.id, choices, receipt);
    return { kind: 'cast', poll };
  }
  if (!receipt || !(await repo.replaceBallot(tx, poll.id, receipt, choices))) return { kind: 'already_voted', poll };
  return { kind: 'changed', poll };
}
