/**
 * Pure rules of votes (투표): what a poll may be, which choices a ballot may hold, the participatory budget's vote rule
 * (Decidim's budgets: the projects chosen must cost at most the budget, plus a minimum and maximum number of
 * projects — `vote_rule_minimum_budget_projects` / `vote_rule_selected_projects` in decidim-budgets), the tally, the
 * funding of projects in order of votes, and the quorum of an assembly. No database, no clock of their own.
 */

export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 10;

export type PollDraftProblem =
  'question' | 'too_few_options' | 'too_many_options' | 'duplicate_option' | 'max_choices' | 'window' | 'past';

/** A poll as staff describe it: a question, 2–10 distinct options, up to N choices, a window that is still to end. */
export function checkPollDraft(
  draft: { question: string; options: readonly string[]; maxChoices: number; opensAt: Date; closesAt: Date },
  now: Date,
): PollDraftProblem | null {
  if (!draft.question.trim() || draft.question.length > 200) return 'question';
  if (draft.options.length < MIN_OPTIONS) return 'too_few_options';
  if (draft.options.length > MAX_OPTIONS) return 'too_many_options';
  if (new Set(draft.options.map((o) => o.trim())).size !== draft.options.length) return 'duplicate_option';
  if (!Number.isInteger(draft.maxChoices) || draft.maxChoices < 1 || draft.maxChoices > draft.options.length)
    return 'max_choices';
  if (!(draft.opensAt < draft.closesAt)) return 'window';
  if (draft.closesAt <= now) return 'past';
  return null;
}

/** "1, 3", "1 3", "1·3" → [1, 3] (list numbers, 1-based); null when anything else is in it. */
export function parseNumbers(text: string): number[] | null {
  const parts = text
    .trim()
    .split(/[\s,·、/]+/)
    .filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^\d{1,2}(번)?$/.test(p))) return null;
  return parts.map((p) => Number(p.replace('번', '')));
}

export type ChoiceProblem =
  { kind: 'unknown_option' } | { kind: 'duplicate' } | { kind: 'count'; min: number; max: number };

/** The options a ballot names: known, each once, between the poll's minimum and maximum. */
export function checkChoices(
  poll: { minChoices: number; maxChoices: number },
  optionIds: readonly number[],
  chosen: readonly number[],
): ChoiceProblem | null {
  if (chosen.some((id) => !optionIds.includes(id))) return { kind: 'unknown_option' };
  if (new Set(chosen).size !== chosen.length) return { kind: 'duplicate' };
  if (chosen.length < poll.minChoices || chosen.length > poll.maxChoices)
    return { kind: 'count', min: poll.minChoices, max: poll.maxChoices };
  return null;
}

export type BudgetRule = { budgetKrw: number; minProjects: number; maxProjects: number | null };
export type BudgetProblem =
  | { kind: 'over_budget'; totalKrw: number; budgetKrw: number }
  | { kind: 'too_few'; min: number }
  | { kind: 'too_many'; max: number };

/** Decidim's budgeting rule: the total stays within the budget, and the number of projects within the bounds. */
export function checkBudgetBallot(rule: BudgetRule, costs: readonly number[]): BudgetProblem | null {
  const totalKrw = costs.reduce((sum, c) => sum + c, 0);
  if (costs.length < rule.minProjects) return { kind: 'too_few', min: rule.minProjects };
  if (rule.maxProjects !== null && costs.length > rule.maxProjects) return { kind: 'too_many', max: rule.maxProjects };
  if (totalKrw > rule.budgetKrw) return { kind: 'over_budget', totalKrw, budgetKrw: rule.budgetKrw };
  return null;
}

/** Votes per option id from the ballots' choices (every option appears, with 0 when nobody chose it). */
export function tally(optionIds: readonly number[], ballots: readonly (readonly number[])[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(optionIds.map((id) => [String(id), 0]));
  for (const choices of ballots) for (const id of choices) if (String(id) in counts) counts[String(id)]! += 1;
  return counts;
}

export type RankedOption = { id: number; label: string; votes: number; rank: number; costKrw: number | null };

/** Options by votes (most first); equal votes share a rank and keep the list's order (position). */
export function rankResults(
  options: readonly { id: number; label: string; position: number; costKrw?: number | null }[],
  counts: Record<string, number>,
): RankedOption[] {
  const sorted = [...options]
    .map((o) => ({ ...o, votes: counts[String(o.id)] ?? 0 }))
    .sort((a, b) => b.votes - a.votes || a.position - b.position);
  return sorted.map((o) => ({
    id: o.id,
    label: o.label,
    votes: o.votes,
    rank: 1 + sorted.filter((p) => p.votes > o.votes).length,
    costKrw: o.costKrw ?? null,
  }));
}

export type FundedProject = RankedOption & { funded: boolean };

/**
 * Projects funded in order of votes until the budget is used: each in turn is funded if it still fits in what is
 * left; one that does not fit is passed over and a cheaper one further down may still be funded. Projects with no
 * vote are never funded.
 */
export function fundProjects(
  ranked: readonly RankedOption[],
  budgetKrw: number,
): { projects: FundedProject[]; spentKrw: number } {
  let left = budgetKrw;
  const projects = ranked.map((p) => {
    const cost = p.costKrw ?? 0;
    const funded = p.votes > 0 && cost <= left;
    if (funded) left -= cost;
    return { ...p, funded };
  });
  return { projects, spentKrw: budgetKrw - left };
}

/** The quorum of an assembly: present residents against the district's registered ones. */
export function quorum(input: { attended: number; residents: number; percent: number }): {
  needed: number;
  met: boolean;
  sharePercent: number;
} {
  const needed = Math.ceil((input.residents * input.percent) / 100);
  const sharePercent = input.residents === 0 ? 0 : Math.round((input.attended / input.residents) * 1000) / 10;
  return { needed, met: input.residents > 0 && input.attended >= needed, sharePercent };
}

export type Eligibility =
  | { ok: true }
  | {
      ok: false;
      reason: 'not_registered' | 'not_approved' | 'other_district' | 'not_resident' | 'not_on_roster' | 'not_present';
    };

/** Who may vote in a poll, from the facts about one member. */
export function eligibility(input: {
  electorate: 'residents' | 'list' | 'attendees';
  pollDistrictCode: string | null;
  registration: { status: string; districtCode: string } | null;
  holdsRole: boolean;
  onRoster: boolean;
  present: boolean;
}): Eligibility {
  const r = input.registration;
  if (!r) return { ok: false, reason: 'not_registered' };
  if (r.status !== 'approved') return { ok: false, reason: 'not_approved' };
  if (input.electorate === 'list') return input.onRoster ? { ok: true } : { ok: false, reason: 'not_on_roster' };
  if (input.pollDistrictCode !== null && r.districtCode !== input.pollDistrictCode)
    return { ok: false, reason: 'other_district' };
  if (input.holdsRole) return { ok: false, reason: 'not_resident' };
  if (input.electorate === 'attendees' && !input.present) return { ok: false, reason: 'not_present' };
  return { ok: true };
}

/** Where a window stands at `now`. */
export function phase(window: { opensAt: Date; closesAt: Date }, now: Date): 'before' | 'open' | 'after' {
  if (now < window.opensAt) return 'before';
  return now < window.closesAt ? 'open' : 'after';
}

/** Where a budget round stands: proposals, screening (proposals closed, vote not open), voting, or over. */
export function budgetPhase(
  round: { proposalsCloseAt: Date; votingOpensAt: Date; votingClosesAt: Date },
  now: Date,
): 'proposals' | 'screening' | 'voting' | 'closed' {
  if (now < round.proposalsCloseAt) return 'proposals';
  if (now < round.votingOpensAt) return 'screening';
  return now < round.votingClosesAt ? 'voting' : 'closed';
}

/** "3000만원", "30,000천원", "1억 2천만원", "25000000", "2500만" → won; null when it is not an amount. */
export function parseKrw(text: string): number | null {
  const t = text.replace(/[\s,]/g, '').replace(/원$/, '');
  if (/^\d+$/.test(t)) return Number(t) > 0 ? Number(t) : null;
  const m = /^(?:(\d+)억)?(?:(\d+)천만)?(?:(\d+)(천만|백만|만|천))?$/.exec(t);
  if (!m || (!m[1] && !m[2] && !m[3])) return null;
  const unit: Record<string, number> = { 천만: 10_000_000, 백만: 1_000_000, 만: 10_000, 천: 1_000 };
  const won =
    Number(m[1] ?? 0) * 100_000_000 + Number(m[2] ?? 0) * 10_000_000 + Number(m[3] ?? 0) * (unit[m[4] ?? ''] ?? 1);
  return won > 0 ? won : null;
}

/** As the county writes budgets: thousands of won (100,000천원), or won below a thousand. */
export function formatKrw(won: number): string {
  return won % 1000 === 0 ? `${(won / 1000).toLocaleString('en-US')}천원` : `${won.toLocaleString('en-US')}원`;
}
