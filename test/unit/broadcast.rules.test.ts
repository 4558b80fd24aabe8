import { describe, expect, test } from 'vitest';
import {
  BROADCAST_MAX_LENGTH,
  broadcastMessage,
  byCount,
  checkTextAndTime,
  missedByVillage,
  nonreceiptText,
  previewStillFresh,
  scopeColumns,
  scopeOf,
  senderLabelOf,
  tallyByPlatform,
} from '../../core/broadcasts/broadcast.rules.ts';
import type { BroadcastScope } from '../../core/broadcasts/broadcast.scope.ts';

const now = new Date('2026-11-24T01:00:00Z'); // 10:00 KST
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

describe('the text and the time of a draft', () => {
  test.each([
    ['an empty text', { body: '   ' }, { kind: 'empty' }],
    ['a text one over the limit', { body: '가'.repeat(BROADCAST_MAX_LENGTH + 1) }, { kind: 'too_long', length: 1001 }],
    ['no time: now', { body: ' 안내 ' }, { kind: 'ok', body: '안내', sendAt: now, scheduled: false }],
    ['a time just past (under a minute): now', { body: '안내', sendAt: minutes(-0.5) }, { kind: 'ok', sendAt: now }],
    ['a time well past', { body: '안내', sendAt: minutes(-2) }, { kind: 'past', sendAt: minutes(-2) }],
    ['a later time: scheduled', { body: '안내', sendAt: minutes(60) }, { kind: 'ok', scheduled: true }],
    ['31 days ahead is allowed', { body: '안내', sendAt: minutes(31 * 1440) }, { kind: 'ok', scheduled: true }],
    ['past 31 days', { body: '안내', sendAt: minutes(31 * 1440 + 1) }, { kind: 'too_far' }],
  ])('%s', (_name, input, expected) => {
    expect(checkTextAndTime(input, now)).toMatchObject(expected);
  });
});

describe('what residents read', () => {
  test.each([
    ['general', '[마을방송]\n경로당 청소\n— 고성1리 이장 · 11.24.(화) 10:00'],
    ['event', '[마을방송·행사]\n경로당 청소\n— 고성1리 이장 · 11.24.(화) 10:00'],
    ['urgent', '[긴급 마을방송]\n경로당 청소\n— 고성1리 이장 · 11.24.(화) 10:00'],
  ] as const)('a %s broadcast', (category, text) => {
    expect(broadcastMessage({ category, body: '경로당 청소', senderLabel: '고성1리 이장' }, now, 'Asia/Seoul')).toEqual(
      { text },
    );
  });

  test.each([
    [{ kind: 'county', name: '고성군' }, '고성군청'],
    [{ kind: 'county', name: undefined }, '군청'],
    [{ kind: 'district', name: '고성읍' }, '고성읍사무소'],
    [{ kind: 'village', name: '고성1리' }, '고성1리 이장'],
  ] as const)('sender %o reads as %s', (from, label) => {
    expect(senderLabelOf(from)).toBe(label);
  });
});

describe('scopes as stored', () => {
  test.each<[BroadcastScope]>([
    [{ kind: 'county' }],
    [{ kind: 'districts', codes: ['goseong-eup', 'samsan'] }],
    [{ kind: 'villages', ids: [1, 4] }],
  ])('%o goes to its columns and back', (scope) => {
    expect(scopeOf(scopeColumns(scope))).toEqual(scope);
  });
});

describe('reach and non-receipt', () => {
  test('deliveries by platform: retrying waits, a fallback is among the sent', () => {
    expect(
      tallyByPlatform([
        { platform: 'line', status: 'sent', fallback: false, n: 5 },
        { platform: 'line', status: 'sent', fallback: true, n: 1 },
        { platform: 'line', status: 'retrying', fallback: false, n: 2 },
        { platform: 'line', status: 'queued', fallback: false, n: 1 },
        { platform: 'discord', status: 'failed', fallback: false, n: 3 },
      ]),
    ).toEqual([
      { platform: 'discord', queued: 0, sent: 0, failed: 3, fallback: 0 },
      { platform: 'line', queued: 3, sent: 6, failed: 0, fallback: 1 },
    ]);
  });

  test('the missed are the residents not reached, by village, never the sender', () => {
    const residents = [
      { memberId: 1, villageId: 10 },
      { memberId: 2, villageId: 10 },
      { memberId: 3, villageId: 11 },
      { memberId: 9, villageId: 11 },
    ];
    expect([...missedByVillage(residents, new Set([2]), 9)]).toEqual([
      [10, [{ memberId: 1, villageId: 10 }]],
      [11, [{ memberId: 3, villageId: 11 }]],
    ]);
    expect(missedByVillage(residents, new Set([1, 2, 3]), 9).size).toBe(0);
  });

  test('a head reads the missed residents by masked name', () => {
    expect(nonreceiptText(7, '고성1리', ['김*자', '이*수'])).toBe(
      '[마을방송 #7 못 받은 주민 2명 — 고성1리]\n김*자, 이*수\n휴대전화가 꺼져 있거나 알림을 막아 두신 분들입니다. 직접 전해 주시면 고맙겠습니다.',
    );
  });

  test('counts by platform: most first, ties by name, none left out', () => {
    expect(
      byCount([
        { platform: 'websim', count: 2 },
        { platform: 'line', count: 0 },
        { platform: 'discord', count: 2 },
        { platform: 'kakao', count: 5 },
      ]),
    ).toEqual([
      { platform: 'kakao', count: 5 },
      { platform: 'discord', count: 2 },
      { platform: 'websim', count: 2 },
    ]);
  });
});

describe('a preview may be confirmed for half an hour (chat and console)', () => {
  const shown = '2026-11-25T03:00:00.000Z';
  test.each([
    ['at once', shown, '2026-11-25T03:00:00Z', true],
    ['after 30 minutes', shown, '2026-11-25T03:30:00Z', true],
    ['after 30 minutes and a second', shown, '2026-11-25T03:30:01Z', false],
    ['with no time kept (an old form)', undefined, '2026-11-25T03:00:00Z', false],
    ['with a time that is no time', 'soon', '2026-11-25T03:00:00Z', false],
  ])('%s', (_what, previewedAt, now, fresh) => {
    expect(previewStillFresh(previewedAt, new Date(now))).toBe(fresh);
  });
});
