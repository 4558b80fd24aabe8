import { describe, expect, test } from 'vitest';
import {
  budgetPhase,
  checkBudgetBallot,
  checkChoices,
  checkPollDraft,
  eligibility,
  formatKrw,
  fundProjects,
  parseKrw,
  phase,
  quorum,
  rankResults,
  tally,
} from '../../core/votes/votes.rules.ts';

const now = new Date('2026-12-01T00:00:00Z');
const later = (h: number) => new Date(now.getTime() + h * 3_600_000);

describe('a poll as staff describe it', () => {
  const ok = { question: '읍장 추천', options: ['가', '나'], maxChoices: 1, opensAt: now, closesAt: later(2) };
  test.each([
    [{}, null],
    [{ question: ' ' }, 'question'],
    [{ options: ['가'] }, 'too_few_options'],
    [{ options: Array.from({ length: 11 }, (_, i) => `${i}`) }, 'too_many_options'],
    [{ options: ['가', '가'] }, 'duplicate_option'],
    [{ maxChoices: 3 }, 'max_choices'],
    [{ maxChoices: 0 }, 'max_choices'],
    [{ closesAt: now }, 'window'],
    [{ opensAt: later(-3), closesAt: later(-1) }, 'past'],
  ])('%o → %s', (change, problem) => {
    expect(checkPollDraft({ ...ok, ...change }, now)).toBe(problem);
  });
});

describe('which choices a ballot may hold', () => {
  test.each([
    [{ minChoices: 1, maxChoices: 1 }, [1], null],
    [{ minChoices: 1, maxChoices: 1 }, [1, 2], { kind: 'count', min: 1, max: 1 }],
    [{ minChoices: 1, maxChoices: 2 }, [], { kind: 'count', min: 1, max: 2 }],
    [{ minChoices: 1, maxChoices: 2 }, [2, 2], { kind: 'duplicate' }],
    [{ minChoices: 1, maxChoices: 2 }, [9], { kind: 'unknown_option' }],
    [{ minChoices: 1, maxChoices: 3 }, [1, 2, 3], null],
  ])('%o with %o → %o', (poll, chosen, problem) => {
    expect(checkChoices(poll, [1, 2, 3], chosen)).toEqual(problem);
  });
});

describe("Decidim's budgeting rule: within the budget, between the minimum and maximum number of projects", () => {
  const budget = 100_000_000;
  test.each([
    [{ minProjects: 1, maxProjects: null }, [60_000_000, 40_000_000], null],
    [
      { minProjects: 1, maxProjects: null },
      [60_000_000, 40_000_001],
      { kind: 'over_budget', totalKrw: 100_000_001, budgetKrw: budget },
    ],
    [{ minProjects: 1, maxProjects: null }, [], { kind: 'too_few', min: 1 }],
    [{ minProjects: 2, maxProjects: null }, [10], { kind: 'too_few', min: 2 }],
    [{ minProjects: 1, maxProjects: 2 }, [1, 1, 1], { kind: 'too_many', max: 2 }],
    [{ minProjects: 0, maxProjects: null }, [], null],
  ])('%o with costs %o → %o', (rule, costs, problem) => {
    expect(checkBudgetBallot({ budgetKrw: budget, ...rule }, costs)).toEqual(problem);
  });
});

describe('results', () => {
  const options = [
    { id: 10, label: '가', position: 1, costKrw: 50 },
    { id: 11, label: '나', position: 2, costKrw: 60 },
    { id: 12, label: '다', position: 3, costKrw: 30 },
    { id: 13, label: '라', position: 4, costKrw: 10 },
  ];
  test('the tally counts each choice of each ballot, and every option appears', () => {
    expect(tally([10, 11, 12, 13], [[10], [10, 12], [12], [10]])).toEqual({ '10': 3, '11': 0, '12': 2, '13': 0 });
  });
  test('ranked by votes; equal votes share a rank and keep the list order', () => {
    const ranked = rankResults(options, { '10': 2, '11': 5, '12': 2, '13': 0 });
    expect(ranked.map((r) => [r.label, r.votes, r.rank])).toEqual([
      ['나', 5, 1],
      ['가', 2, 2],
      ['다', 2, 2],
      ['라', 0, 4],
    ]);
  });
  test.each([
    // budget, votes → funded labels, spent
    [100, { '10': 3, '11': 5, '12': 2, '13': 1 }, ['나', '다', '라'], 100],
    [110, { '10': 3, '11': 5, '12': 2, '13': 1 }, ['나', '가'], 110],
    [50, { '10': 3, '11': 5, '12': 2, '13': 0 }, ['가'], 50],
    [200, { '10': 0, '11': 0, '12': 0, '13': 0 }, [], 0],
  ])('budget %i funds projects in order of votes until it is used', (budget, votes, funded, spent) => {
    const result = fundProjects(rankResults(options, votes), budget);
    expect(result.projects.filter((p) => p.funded).map((p) => p.label)).toEqual(funded);
    expect(result.spentKrw).toBe(spent);
  });
});

describe('quorum against the registered residents', () => {
  test.each([
    [
      { attended: 10, residents: 100, percent: 10 },
      { needed: 10, met: true, sharePercent: 10 },
    ],
    [
      { attended: 9, residents: 100, percent: 10 },
      { needed: 10, met: false, sharePercent: 9 },
    ],
    [
      { attended: 3, residents: 21, percent: 10 },
      { needed: 3, met: true, sharePercent: 14.3 },
    ],
    [
      { attended: 0, residents: 0, percent: 10 },
      { needed: 0, met: false, sharePercent: 0 },
    ],
  ])('%o → %o', (input, expected) => {
    expect(quorum(input)).toEqual(expected);
  });
});

describe('eligibility', () => {
  const resident = { status: 'approved', districtCode: 'samsan' };
  const base = {
    electorate: 'residents' as const,
    pollDistrictCode: 'samsan',
    registration: resident,
    holdsRole: false,
    onRoster: false,
    present: false,
  };
  test.each([
    [{}, { ok: true }],
    [{ registration: null }, { ok: false, reason: 'not_registered' }],
    [{ registration: { ...resident, status: 'pending' } }, { ok: false, reason: 'not_approved' }],
    [{ pollDistrictCode: 'hail' }, { ok: false, reason: 'other_district' }],
    [{ pollDistrictCode: null }, { ok: true }],
    [{ holdsRole: true }, { ok: false, reason: 'not_resident' }],
    [{ electorate: 'list' as const }, { ok: false, reason: 'not_on_roster' }],
    // A committee member may hold a role and live anywhere: the roster decides.
    [{ electorate: 'list' as const, onRoster: true, holdsRole: true, pollDistrictCode: 'hail' }, { ok: true }],
    [{ electorate: 'attendees' as const }, { ok: false, reason: 'not_present' }],
    [{ electorate: 'attendees' as const, present: true }, { ok: true }],
  ])('%o → %o', (change, expected) => {
    expect(eligibility({ ...base, ...change })).toEqual(expected);
  });
});

describe('windows and amounts', () => {
  test.each([
    [later(-1), 'before'],
    [now, 'open'],
    [later(2), 'after'],
  ])('at %s a window from now for two hours is %s', (at, expected) => {
    expect(phase({ opensAt: now, closesAt: later(2) }, at)).toBe(expected);
  });
  test('a budget round moves from proposals to screening, voting and closed', () => {
    const round = { proposalsCloseAt: later(1), votingOpensAt: later(2), votingClosesAt: later(3) };
    expect([0, 1, 2, 3].map((h) => budgetPhase(round, later(h)))).toEqual([
      'proposals',
      'screening',
      'voting',
      'closed',
    ]);
  });
  test.each([
    ['3000만원', 30_000_000],
    ['30,000천원', 30_000_000],
    ['1억 2천만원', 120_000_000],
    ['25000000', 25_000_000],
    ['2500만', 25_000_000],
    ['오천만원', null],
    ['0', null],
  ])('%s → %s won', (text, won) => {
    expect(parseKrw(text)).toBe(won);
  });
  test('budgets are written in thousands of won', () => {
    expect(formatKrw(100_000_000)).toBe('100,000천원');
    expect(formatKrw(1500)).toBe('1,500원');
    expect(formatKrw(1234)).toBe('1,234원');
  });
});
