import { describe, expect, test } from 'vitest';
import {
  chooseKeeper,
  describeLinked,
  formatCode,
  linkedByCode,
  parseLinkArgs,
  platformNamed,
  reorder,
  spacedCode,
} from '../../core/linking/linking.rules.ts';
import { compareIdentities, type RankedIdentity } from '../../core/members/identity.order.ts';

describe('연결 codes', () => {
  test.each([
    ['', { kind: 'issue' }],
    ['123456', { kind: 'redeem', code: '123456' }],
    ['123 456', { kind: 'redeem', code: '123456' }],
    ['123-456', { kind: 'redeem', code: '123456' }],
    ['12345', { kind: 'invalid' }],
    ['1234567', { kind: 'invalid' }],
    ['abcdef', { kind: 'invalid' }],
    ['해 주세요 123456', { kind: 'invalid' }],
  ] as const)('"%s" → %o', (args, expected) => {
    expect(parseLinkArgs(args)).toEqual(expected);
  });

  test('six digits, zeros kept, read in two halves', () => {
    expect(formatCode(42)).toBe('000042');
    expect(formatCode(999_999)).toBe('999999');
    expect(spacedCode('000042')).toBe('000 042');
  });
});

describe('which member is kept', () => {
  const m = (memberId: number, registration: 'pending' | 'approved' | null, roles = 0) => ({
    memberId,
    registration,
    roles,
  });
  test.each([
    ['the registered one, even if newer', m(1, null), m(2, 'approved'), { kind: 'keep', keep: 2, absorb: 1 }],
    ['a pending registration too', m(5, 'pending'), m(3, null), { kind: 'keep', keep: 5, absorb: 3 }],
    ['the one with roles when neither registered', m(1, null), m(2, null, 1), { kind: 'keep', keep: 2, absorb: 1 }],
    ['the older when both are empty', m(9, null), m(4, null), { kind: 'keep', keep: 4, absorb: 9 }],
    ['registered beats roles', m(1, null, 2), m(2, 'pending'), { kind: 'keep', keep: 2, absorb: 1 }],
    ['never two registrations', m(1, 'approved'), m(2, 'pending'), { kind: 'both_registered' }],
  ] as const)('%s', (_case, a, b, expected) => {
    expect(chooseKeeper(a, b)).toEqual(expected);
  });
});

describe('the person’s order of platforms (core/members/identity.order.ts)', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 0, minute));
  const id = (i: number, platform: string, rank: number | null, seen: number | null): RankedIdentity => ({
    id: i,
    platform,
    rank,
    lastSeenAt: seen === null ? null : at(seen),
  });
  const order = (list: RankedIdentity[]) => [...list].sort(compareIdentities).map((i) => i.id);

  test.each([
    ['most recently seen first', [id(1, 'line', null, 1), id(2, 'websim', null, 5)], [2, 1]],
    ['never seen last', [id(1, 'line', null, null), id(2, 'websim', null, 0)], [2, 1]],
    ['ties to the oldest identity', [id(2, 'line', null, 3), id(1, 'websim', null, 3)], [1, 2]],
    ['the chosen one before a newer one', [id(1, 'line', 1, 0), id(2, 'websim', null, 9)], [1, 2]],
    ['ranks in order', [id(1, 'line', 2, 9), id(2, 'websim', 1, 0)], [2, 1]],
    ['phone last unless chosen', [id(1, 'phone', null, 9), id(2, 'line', null, 0)], [2, 1]],
    ['phone first when chosen', [id(1, 'phone', 1, 0), id(2, 'line', 2, 9)], [1, 2]],
    [
      'an unchosen phone after an unchosen chat',
      [id(1, 'line', 1, 0), id(2, 'phone', null, 9), id(3, 'discord', null, 1)],
      [1, 3, 2],
    ],
  ] as const)('%s', (_case, list, expected) => {
    expect(order([...list])).toEqual(expected);
  });

  test('choosing a platform puts it first and keeps the others as they were', () => {
    expect(reorder([3, 1, 2], 2)).toEqual([
      { id: 2, rank: 1 },
      { id: 3, rank: 2 },
      { id: 1, rank: 3 },
    ]);
  });
});

describe('platforms as people name them', () => {
  test.each([
    ['LINE', 'line'],
    ['라인', 'line'],
    ['디스코드', 'discord'],
    ['시뮬레이터', 'websim'],
    ['카카오톡', null],
    ['아무거나', null],
  ] as const)('"%s" → %s', (typed, expected) => {
    expect(platformNamed(typed, ['line', 'discord', 'websim'])).toBe(expected);
  });

  test('a phone identity follows the registration: it is not linked, or unlinked, by a code', () => {
    expect(['line', 'discord', 'websim', 'kakao', 'phone'].filter(linkedByCode)).toEqual([
      'line',
      'discord',
      'websim',
      'kakao',
    ]);
  });

  test('the list says where the person is writing from', () => {
    expect(describeLinked(['line', 'websim'], 'websim')).toEqual(['1. LINE', '2. 시뮬레이터 (지금 쓰시는 곳)']);
  });
});
