import { describe, expect, test } from 'vitest';
import { countHops, missingHops, type RecipientHops, withHops } from '../../core/notices/notice.rules.ts';

const hop = (over: Partial<RecipientHops>): RecipientHops => ({
  districtCode: 'goseong-eup',
  districtName: '고성읍',
  villageId: 1,
  villageName: '고성1리',
  headMemberId: 100,
  headName: null,
  delivered: false,
  acknowledgedAt: null,
  villageRelayed: false,
  ...over,
});
const at = new Date('2026-11-24T01:00:00Z');

describe('the hops of a notice', () => {
  test.each([
    ['nobody yet', [hop({})], { heads: 1, delivered: 0, acknowledged: 0, villages: 1, relayedVillages: 0 }],
    [
      'a head of two villages is one person',
      [hop({ villageId: 1, delivered: true }), hop({ villageId: 2, acknowledgedAt: at })],
      { heads: 1, delivered: 1, acknowledged: 1, villages: 2, relayedVillages: 0 },
    ],
    [
      'two heads of one village: one village, relayed by either',
      [hop({ headMemberId: 100, villageRelayed: true }), hop({ headMemberId: 101 })],
      { heads: 2, delivered: 0, acknowledged: 0, villages: 1, relayedVillages: 1 },
    ],
  ])('%s', (_name, recipients, counts) => {
    expect(countHops(recipients)).toEqual(counts);
  });

  test('missing a hop: not acknowledged, or the village chats never got it', () => {
    const done = hop({ headMemberId: 1, acknowledgedAt: at, villageRelayed: true });
    const unread = hop({ headMemberId: 2, villageRelayed: true });
    const unrelayed = hop({ headMemberId: 3, acknowledgedAt: at });
    expect(missingHops([done, unread, unrelayed])).toEqual([unread, unrelayed]);
  });

  test('hops are put together per notice: a card sent for one notice does not count for another', () => {
    const rows = [
      { noticeId: 1, villageId: 1, headMemberId: 100 },
      { noticeId: 2, villageId: 1, headMemberId: 100 },
    ];
    expect(withHops(rows, [{ noticeId: 1, memberId: 100 }], [{ noticeId: 2, villageId: 1 }])).toEqual([
      { noticeId: 1, villageId: 1, headMemberId: 100, delivered: true, villageRelayed: false },
      { noticeId: 2, villageId: 1, headMemberId: 100, delivered: false, villageRelayed: true },
    ]);
  });
});
