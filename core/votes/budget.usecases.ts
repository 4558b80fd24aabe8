import type { DbOrTx } from '../../db/db.client.ts';
import { can } from '../auth/authz.policy.ts';
import { recordAudit } from '../audit/audit.usecases.ts';
import type { CoreDeps } from '../core.deps.ts';
import type { AuditVia } from '../../db/schema/audit.schema.ts';
import { voteKey } from '../delivery/delivery.keys.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { tellStaff } from '../staff/staff.rooms.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import * as repo from './budget.repository.ts';
import type { BudgetRound, Proposal } from './budget.repository.ts';
import * as polls from './poll.repository.ts';
import { announceResults, sealPoll, type ClosedPoll } from './poll.close.usecases.ts';
import { storePoll, type Staff } from './poll.usecases.ts';
import { budgetFooter, resultLines } from './votes.notify.ts';
import { budgetPhase, formatKrw, fundProjects, rankResults, type FundedProject } from './votes.rules.ts';

type Ctx = { tx: DbOrTx; deps: CoreDeps };
export type { BudgetRound, Proposal };

export type CreateRoundResult =
  | { kind: 'created'; round: BudgetRound; districtName: string; told: number }
  | { kind: 'unknown_district' }
  | { kind: 'no_budget'; districtName: string }
  | { kind: 'forbidden' }
  | { kind: 'invalid' };

/**
 * A participatory-budget round of one district (주민참여예산): proposals from now until `proposalsCloseAt`, screening
 * until `votingOpensAt`, a vote until `votingClosesAt`. The budget is the district's from the districts file unless
 * given. The district's residents are told that proposals are open.
 */
export async function createBudgetRound(
  input: Ctx & {
    staff: Staff;
    via?: AuditVia;
    round: {
      title: string;
      where: string;
      proposalsCloseAt: Date;
      votingOpensAt: Date;
      votingClosesAt: Date;
      budgetKrw?: number;
      minProjects?: number;
      maxProjects?: number | null;
    };
  },
): Promise<CreateRoundResult> {
  const { tx, deps, round: r } = input;
  const now = deps.clock.now();
  const district = await repo.findDistrict(tx, r.where);
  if (!district) return { kind: 'unknown_district' };
  if (!can(input.staff.grants, 'vote.manage', { districtCode: district.code })) return { kind: 'forbidden' };
  const budgetKrw = r.budgetKrw ?? repo.districtBudget(district.code);
  if (!budgetKrw) return { kind: 'no_budget', districtName: district.nameKo };
  if (
    !r.title.trim() ||
    !(now < r.proposalsCloseAt && r.proposalsCloseAt <= r.votingOpensAt && r.votingOpensAt < r.votingClosesAt)
  )
    return { kind: 'invalid' };
  const round = await repo.insertRound(tx, {
    title: r.title.trim(),
    districtCode: district.code,
    budgetKrw,
    proposalsCloseAt: r.proposalsCloseAt,
    votingOpensAt: r.votingOpensAt,
    votingClosesAt: r.votingClosesAt,
    minProjects: r.minProjects ?? 1,
    maxProjects: r.maxProjects ?? null,
    createdBy: input.staff.memberId,
    createdAt: now,
  });
  await recordAudit(input, {
    actorMemberId: input.staff.memberId,
    action: 'budget.create',
    subject: `budget:${round.id}`,
    scope: { districtCode: district.code },
    via: input.via ?? 'chat',
  });
  const text =
    `[주민참여예산] ${district.nameKo} 「${round.title}」 사업 제안을 받습니다 (예산 ${formatKrw(budgetKrw)}).\n` +
    `${formatKoreanDateTime(round.proposalsCloseAt, deps.timezone)}까지 "예산 제안"을 보내 제목·내용·예상 비용을 알려 주세요. ` +
    `투표: ${formatKoreanDateTime(round.votingOpensAt, deps.timezone)} ~ ${formatKoreanDateTime(round.votingClosesAt, deps.timezone)}`;
  let told = 0;
  const residents = await polls.residentMembers(tx, district.code);
  for (const memberId of residents)
    if (
      await enqueueToMember(tx, deps, {
        memberId,
        purpose: 'vote.announce',
        dedupeKey: voteKey({ subject: 'budget', id: round.id, part: `open:${memberId}` }),
        messages: [{ text, buttons: [{ label: '예산 제안', command: '예산 제안' }] }],
      })
    )
      told++;
  return { kind: 'created', round, districtName: district.nameKo, told };
}

export type ProposeResult =
  | { kind: 'proposed'; proposal: Proposal; round: BudgetRound }
  | { kind: 'no_round' }
  | { kind: 'not_resident' }
  | { kind: 'invalid'; reason: 'title' | 'description' | 'cost' };

/** A resident of the district proposes a project while the round takes proposals; its staff are told. */
export async function proposeProject(
  input: Ctx & {
    memberId: number;
    districtCode: string | null;
    isResident: boolean;
    proposal: { title: string; description: string; costKrw: number };
  },
): Promise<ProposeResult> {
  const { tx, deps, proposal: p } = input;
  if (!input.isResident || !input.districtCode) return { kind: 'not_resident' };
  const now = deps.clock.now();
  const round = (await repo.roundsTakingProposals(tx, input.districtCode)).find(
    (r) => budgetPhase(r, now) === 'proposals',
  );
  if (!round) return { kind: 'no_round' };
  if (!p.title.trim() || p.title.length > 60) return { kind: 'invalid', reason: 'title' };
  if (!p.description.trim() || p.description.length > 1000) return { kind: 'invalid', reason: 'description' };
  if (!(p.costKrw > 0 && p.costKrw <= round.budgetKrw)) return { kind: 'invalid', reason: 'cost' };
  const proposal = await repo.insertProposal(tx, {
    roundId: round.id,
    memberId: input.memberId,
    title: p.title.trim(),
    description: p.description.trim(),
    costKrw: p.costKrw,
    createdAt: now,
  });
  await tellStaff(tx, deps, {
    districtCode: round.districtCode,
    key: voteKey({ subject: 'budget', id: round.id, part: `proposal:${proposal.id}` }),
    purpose: 'vote.staff',
    messages: [
      {
        text: `[주민참여예산 제안 #${proposal.id}] 「${proposal.title}」 ${formatKrw(proposal.costKrw)}\n${proposal.description}\n채택: "제안 채택 ${proposal.id}" · 반려: "제안 반려 ${proposal.id} 사유"`,
      },
    ],
  });
  return { kind: 'proposed', proposal, round };
}

export type ScreenResult =
  | { kind: 'accepted' | 'rejected'; proposal: Proposal; told: boolean }
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'too_late' }
  | { kind: 'needs_reason' };

/** Staff accept a proposal, or reject it with a reason the proposer is told; until the vote opens. */
export async function screenProposal(
  input: Ctx & { staff: Staff; proposalId: number; decision: 'accept' | 'reject'; reason?: string; via?: AuditVia },
): Promise<ScreenResult> {
  const { tx, deps } = input;
  const proposal = await repo.getProposal(tx, input.proposalId, true);
  if (!proposal) return { kind: 'not_found' };
  const round = await repo.getRound(tx, proposal.roundId);
  if (!round) return { kind: 'not_found' };
  if (!can(input.staff.grants, 'vote.manage', { districtCode: round.districtCode })) return { kind: 'forbidden' };
  if (round.status === 'voting' || round.status === 'closed') return { kind: 'too_late' };
  const reason = input.reason?.trim() ?? '';
  if (input.decision === 'reject' && !reason) return { kind: 'needs_reason' };
  const updated = await repo.updateProposal(tx, proposal.id, {
    status: input.decision === 'accept' ? 'accepted' : 'rejected',
    rejectReason: input.decision === 'reject' ? reason : null,
    decidedBy: input.staff.memberId,
    decidedAt: deps.clock.now(),
  });
  await recordAudit(input, {
    actorMemberId: input.staff.memberId,
    action: input.decision === 'accept' ? 'proposal.accept' : 'proposal.reject',
    subject: `proposal:${proposal.id}`,
    scope: { districtCode: round.districtCode },
    via: input.via ?? 'chat',
  });
  const text =
    input.decision === 'accept'
      ? `[주민참여예산] 제안하신 「${updated.title}」 사업이 투표에 오릅니다. 투표는 ${formatKoreanDateTime(round.votingOpensAt, deps.timezone)}에 시작합니다.`
      : `[주민참여예산] 제안하신 「${updated.title}」 사업은 투표에 오르지 못했습니다.\n사유: ${reason}`;
  const told = updated.memberId
    ? await enqueueToMember(tx, deps, {
        memberId: updated.memberId,
        purpose: 'vote.proposal',
        dedupeKey: voteKey({ subject: 'budget', id: round.id, part: `decision:${proposal.id}:${updated.status}` }),
        messages: [{ text }],
      })
    : false;
  return { kind: updated.status === 'accepted' ? 'accepted' : 'rejected', proposal: updated, told };
}

/** The proposals of the rounds of a scope's districts still open, for screening (staff). */
export async function proposalsToScreen(
  input: Ctx & { staff: Staff },
): Promise<{ round: BudgetRound; districtName: string | null; proposals: Proposal[] }[]> {
  const out = [];
  for (const round of await repo.activeRounds(input.tx)) {
    if (!can(input.staff.grants, 'vote.manage', { districtCode: round.districtCode })) continue;
    out.push({
      round,
      districtName: await repo.districtName(input.tx, round.districtCode),
      proposals: await repo.proposalsOf(input.tx, round.id),
    });
  }
  return out;
}

/**
 * The round's clock: proposals close (staff told how many wait for screening); at the vote's opening the accepted
 * projects become the options of a budget poll for the district's residents (sent at once); a round with no
 * accepted project closes without a vote, and its staff are told.
 */
export async function advanceBudgetRound(
  input: Ctx & { roundId: number },
): Promise<'screening' | 'voting' | 'closed' | null> {
  const { tx, deps } = input;
  const round = await repo.getRound(tx, input.roundId, true);
  if (!round || round.status === 'voting' || round.status === 'closed') return null;
  const now = deps.clock.now();
  const at = budgetPhase(round, now);
  if (at === 'proposals') return null;
  const staffNote = (part: string, text: string) =>
    tellStaff(tx, deps, {
      districtCode: round.districtCode,
      key: voteKey({ subject: 'budget', id: round.id, part }),
      purpose: 'vote.staff',
      messages: [{ text }],
    });
  if (at === 'screening') {
    if (round.status === 'screening') return null;
    await repo.updateRound(tx, round.id, { status: 'screening' });
    const waiting = (await repo.proposalsOf(tx, round.id, 'submitted')).length;
    await staffNote(
      'screening',
      `[주민참여예산] 「${round.title}」 제안을 마감했습니다. 심사할 제안 ${waiting}건: "제안 심사"`,
    );
    return 'screening';
  }
  const accepted = await repo.proposalsOf(tx, round.id, 'accepted');
  if (accepted.length === 0) {
    await repo.updateRound(tx, round.id, { status: 'closed' });
    await staffNote('no-vote', `[주민참여예산] 「${round.title}」 채택된 사업이 없어 투표를 열지 않았습니다.`);
    return 'closed';
  }
  const created = await storePoll({
    tx,
    deps,
    createdBy: round.createdBy,
    kind: 'budget',
    minChoices: 0,
    poll: {
      question: `${round.title} (예산 ${formatKrw(round.budgetKrw)})`,
      options: accepted.map((p) => p.title),
      maxChoices: accepted.length,
      allowChange: false,
      districtCode: round.districtCode,
      electorate: { kind: 'residents' },
      opensAt: round.votingOpensAt,
      closesAt: round.votingClosesAt,
    },
    extra: { budgetRoundId: round.id, costs: accepted.map((p) => p.costKrw), proposalIds: accepted.map((p) => p.id) },
  });
  if (created.kind !== 'created') throw new Error(`budget poll not created: ${created.kind}`);
  await repo.updateRound(tx, round.id, { status: 'voting', pollId: created.poll.id });
  return 'voting';
}

export type BudgetResults = { round: BudgetRound; projects: FundedProject[]; spentKrw: number; closed: ClosedPoll };

/** The vote's close: projects ranked by votes and funded in order until the budget is used; everyone told. */
export async function closeBudgetPoll(input: Ctx & { pollId: number }): Promise<BudgetResults | null> {
  const closed = await sealPoll(input);
  if (!closed || closed.poll.budgetRoundId === null) return null;
  const round = await repo.getRound(input.tx, closed.poll.budgetRoundId, true);
  if (!round) return null;
  const { projects, spentKrw } = fundProjects(closed.ranked, round.budgetKrw);
  await repo.updateRound(input.tx, round.id, { status: 'closed' });
  await announceResults({
    ...input,
    closed,
    lines: resultLines(projects),
    footer: budgetFooter(spentKrw, round.budgetKrw),
  });
  return { round, projects, spentKrw, closed };
}

/** A closed round's results for staff and the console. */
export async function budgetResults(
  input: Ctx & { roundId: number },
): Promise<{ projects: FundedProject[]; spentKrw: number } | null> {
  const round = await repo.getRound(input.tx, input.roundId);
  if (!round?.pollId) return null;
  const poll = await polls.getPoll(input.tx, round.pollId);
  if (!poll?.tally) return null;
  return fundProjects(rankResults(await polls.optionsOf(input.tx, poll.id), poll.tally), round.budgetKrw);
}
