import { describe, expect, test } from 'vitest';
import { matchCommand } from '../core/features.ts';
import { countHops, missingHops, type RecipientHops } from '../core/notices/notice.rules.ts';
import {
  followUpStep,
  parseDeadline,
  parseNoticeNumber,
  parseNoticeText,
  relayText,
} from '../core/notices/notice.text.ts';

describe('공지 options lead the text: priority, places, deadline', () => {
  test.each([
    ['회의가 있습니다', 'normal', [], null, '회의가 있습니다'],
    ['중요 회의가 있습니다', 'high', [], null, '회의가 있습니다'],
    ['[중요] 회의', 'high', [], null, '회의'],
    ['중요한 회의가 있습니다', 'normal', [], null, '중요한 회의가 있습니다'],
    ['[고성읍, 삼산1리] 회의', 'normal', ['고성읍', '삼산1리'], null, '회의'],
    ['[기한 11.25 18:00] 회의', 'normal', [], '11.25 18:00', '회의'],
    ['[내일 오후 6시까지] 회의', 'normal', [], '내일 오후 6시', '회의'],
    ['중요 [삼산면] [마감 11.25 18:00] 회의', 'high', ['삼산면'], '11.25 18:00', '회의'],
  ] as const)('%s', (args, priority, places, deadline, body) => {
    expect(parseNoticeText(args)).toEqual({ priority, places, deadline, body });
  });

  test('a deadline is read in county time', () => {
    expect(parseDeadline('11.25 18:00', new Date('2026-11-24T01:00:00Z'), 'Asia/Seoul')?.toISOString()).toBe(
      '2026-11-25T09:00:00.000Z',
    );
    expect(parseDeadline('언젠가', new Date('2026-11-24T01:00:00Z'), 'Asia/Seoul')).toBeNull();
  });

  test.each([
    ['12', { id: 12, rest: '' }],
    ['#12 새 내용', { id: 12, rest: '새 내용' }],
    ['12번', { id: 12, rest: '' }],
    ['열두', null],
  ] as const)('notice number %s', (text, expected) => {
    expect(parseNoticeNumber(text)).toEqual(expected);
  });
});

describe('notice commands are matched by their words, longest first', () => {
  test.each([
    ['공지 [기한 11.25 18:00] 회의', 'notice_send', '[기한 11.25 18:00] 회의'],
    ['공지 확인 3', 'notice_ack', '3'],
    ['공지 전달 3', 'notice_relay', '3'],
    ['전달 3', 'notice_relay', '3'],
    ['/relay 3', 'notice_relay', '3'],
    ['공지 정정 3 새 내용', 'notice_correct', '3 새 내용'],
    ['공지 철회 3', 'notice_withdraw', '3'],
    ['withdraw notice 3', 'notice_withdraw', '3'],
    ['보고 다리가 부서졌습니다', 'report', '다리가 부서졌습니다'],
    ['보고답변 2 살펴보겠습니다', 'report_answer', '2 살펴보겠습니다'],
    ['현황 3', 'status', '3'],
  ] as const)('%s', (text, command, args) => {
    expect(matchCommand(text)).toEqual({ command, args });
  });
});

describe('when a notice is followed up', () => {
  const at = (hhmm: string) => new Date(`2026-11-24T${hhmm}:00+09:00`);
  const notice = {
    createdAt: at('10:00'),
    ackDeadline: at('18:00'),
    remindedAt: null,
    escalatedAt: null,
    withdrawnAt: null,
  };
  test.each([
    ['long before the deadline: nothing', notice, '15:59', null],
    ['two hours before: remind', notice, '16:00', 'remind'],
    ['reminded already: nothing', { ...notice, remindedAt: at('16:00') }, '17:00', null],
    ['at the deadline: escalate', notice, '18:00', 'escalate'],
    ['escalated already: nothing', { ...notice, escalatedAt: at('18:00') }, '19:00', null],
    ['a short window: not in its first half', { ...notice, ackDeadline: at('11:00') }, '10:20', null],
    ['a short window: in its second half', { ...notice, ackDeadline: at('11:00') }, '10:30', 'remind'],
    ['no deadline: never', { ...notice, ackDeadline: null }, '19:00', null],
    ['withdrawn: never', { ...notice, withdrawnAt: at('12:00') }, '19:00', null],
  ] as const)('%s', (_name, n, now, step) => {
    expect(followUpStep(n, at(now))).toBe(step);
  });
});

describe('counting hops', () => {
  const hop = (o: Partial<RecipientHops>): RecipientHops => ({
    districtCode: 'd',
    districtName: 'D',
    villageId: 1,
    villageName: 'V',
    headMemberId: 1,
    headName: null,
    delivered: true,
    acknowledgedAt: null,
    villageRelayed: false,
    ...o,
  });
  test('a head of two villages is one person; two heads of one village one village', () => {
    const rows = [
      hop({ villageId: 1, headMemberId: 10, acknowledgedAt: new Date() }),
      hop({ villageId: 2, headMemberId: 10, villageRelayed: true }),
      hop({ villageId: 2, headMemberId: 11, delivered: false, villageRelayed: true }),
    ];
    expect(countHops(rows)).toEqual({ heads: 2, delivered: 1, acknowledged: 1, villages: 2, relayedVillages: 1 });
    expect(missingHops(rows)).toHaveLength(3);
  });

  test('the village room sees the head masked, or the automatic relay', () => {
    const n = { countyName: '고성군', priority: 'normal' as const, body: '회의', senderLabel: '고성읍사무소' };
    expect(relayText(n, { kind: 'head', maskedName: '홍*동' })).toBe(
      '[고성군 공지]\n회의\n— 고성읍사무소 발신 · 이장 홍*동 전달',
    );
    expect(relayText({ ...n, priority: 'high' }, { kind: 'auto' }, true)).toBe(
      '[고성군 공지 · 중요] (정정됨)\n회의\n— 고성읍사무소 발신 · 자동 전달',
    );
  });
});
