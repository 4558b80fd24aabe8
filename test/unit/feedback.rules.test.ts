import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../bots/app/app.config.ts';
import { staffRoomsFor, type StaffRoomRef } from '../../core/feedback/feedback.routing.ts';
import {
  checkText,
  dueAfterWorkingDays,
  isSatisfaction,
  mayReopen,
  normalizeReceipt,
  readResolved,
  startOfDay,
  startOfNextDay,
  triageByRules,
} from '../../core/feedback/feedback.rules.ts';
import { feedbackSettings } from '../../core/feedback/feedback.usecases.ts';
import { scrubForModel } from '../../core/privacy/privacy.mask.ts';
import { TEST_SECRET_KEY } from '../support/test.keys.ts';

describe('offline triage rules', () => {
  test.each([
    ['마을 앞 도로에 구멍이 생겨 위험합니다', 'road', true],
    ['분리수거 쓰레기를 아무도 안 가져가요', 'environment', false],
    ['혼자 사시는 어르신 도시락 배달이 끊겼어요', 'welfare', false],
    ['뒷산에서 산불이 났어요 빨리 와 주세요', 'safety', true],
    ['농로가 패여서 농기계가 못 다닙니다', 'farming', false],
    ['등본 발급 수수료가 궁금합니다', 'admin', false],
    ['감사합니다 좋은 하루 되세요', 'other', false],
  ] as const)('%s → %s (urgent: %s)', (text, category, urgent) => {
    expect(triageByRules(text)).toMatchObject({ category, urgent });
  });

  test('the summary is the first sentence, cut to 40 characters', () => {
    expect(triageByRules('가로등이 꺼졌습니다. 밤에 어둡습니다.').summary).toBe('가로등이 꺼졌습니다.');
    expect([...triageByRules('가'.repeat(80)).summary]).toHaveLength(40);
  });
});

describe('a first answer is due at the end of the third working day after it (18:00 county time)', () => {
  test.each([
    ['Tuesday 10:00 → Friday 18:00', '2026-11-24T01:00:00Z', '2026-11-27T09:00:00.000Z'],
    ['Thursday 15:00 → Tuesday 18:00 (the weekend does not count)', '2026-11-26T06:00:00Z', '2026-12-01T09:00:00.000Z'],
    ['Saturday 10:00 → Wednesday 18:00 (counted from Monday)', '2026-11-28T01:00:00Z', '2026-12-02T09:00:00.000Z'],
    ['Friday 23:30 → Wednesday 18:00', '2026-11-27T14:30:00Z', '2026-12-02T09:00:00.000Z'],
    ['Wednesday 02:54 → Monday 18:00, not 02:54', '2026-12-01T17:54:00Z', '2026-12-07T09:00:00.000Z'],
    ['Monday 17:59 → Thursday 18:00', '2026-11-30T08:59:00Z', '2026-12-03T09:00:00.000Z'],
  ])('%s', (_name, created, due) => {
    expect(dueAfterWorkingDays(new Date(created), 3, 'Asia/Seoul').toISOString()).toBe(due);
  });
  test('one working day after a Friday is Monday, 18:00', () => {
    expect(dueAfterWorkingDays(new Date('2026-11-27T01:00:00Z'), 1, 'Asia/Seoul').toISOString()).toBe(
      '2026-11-30T09:00:00.000Z',
    );
  });
});

describe('daily limits count county days', () => {
  test.each([
    ['late evening', '2026-12-01T14:30:00Z', '2026-12-01T15:00:00.000Z', '2026-11-30T15:00:00.000Z'],
    ['just after midnight', '2026-12-01T15:05:00Z', '2026-12-02T15:00:00.000Z', '2026-12-01T15:00:00.000Z'],
    ['the last day of a month', '2026-11-30T05:00:00Z', '2026-11-30T15:00:00.000Z', '2026-11-29T15:00:00.000Z'],
  ])('%s: the day started at %s… and the next starts at midnight KST', (_name, now, next, start) => {
    expect(startOfNextDay(new Date(now), 'Asia/Seoul').toISOString()).toBe(next);
    expect(startOfDay(new Date(now), 'Asia/Seoul').toISOString()).toBe(start);
  });
});

describe('what a resident may send', () => {
  test.each([
    ['  가로등이 꺼졌어요 ', 1000, { kind: 'ok', text: '가로등이 꺼졌어요' }],
    ['   ', 1000, { kind: 'empty' }],
    ['가'.repeat(1001), 1000, { kind: 'too_long', length: 1001 }],
    ['👍'.repeat(1000), 1000, { kind: 'ok', text: '👍'.repeat(1000) }],
  ] as const)('%#: %s', (text, max, expected) => {
    expect(checkText(text, max)).toEqual(expected);
  });

  test.each([
    ['closed a day ago', '2026-11-23T01:00:00Z', true],
    ['closed exactly 14 days ago', '2026-11-10T01:00:00Z', true],
    ['closed 15 days ago', '2026-11-09T01:00:00Z', false],
  ])('reopening: %s → %s', (_name, closedAt, expected) => {
    expect(mayReopen(new Date(closedAt), new Date('2026-11-24T01:00:00Z'), 14)).toBe(expected);
  });

  test.each([
    [1, true],
    [5, true],
    [0, false],
    [6, false],
    [2.5, false],
    [Number.NaN, false],
  ])('satisfaction %s → %s', (value, expected) => {
    expect(isSatisfaction(value)).toBe(expected);
  });

  test.each([
    ['해결', true],
    ['미해결', false],
    ['아니요', false],
    ['안 됐어요', false],
  ])('resolved "%s" → %s', (value, expected) => {
    expect(readResolved(value)).toBe(expected);
  });
});

describe('where an item is shown', () => {
  const room = (chatId: string, staffDistrictCode: string | null, isHqStaffRoom = false): StaffRoomRef => ({
    platform: 'line',
    chatId,
    staffDistrictCode,
    isHqStaffRoom,
  });
  const rooms = [room('goseong', 'goseong-eup'), room('samsan', 'samsan'), room('hq', null, true)];
  test.each([
    [
      'an ordinary item: its district only',
      { districtCode: 'goseong-eup', urgent: false, category: 'road' },
      ['goseong'],
    ],
    [
      'an urgent item: its district and HQ',
      { districtCode: 'goseong-eup', urgent: true, category: 'road' },
      ['goseong', 'hq'],
    ],
    [
      'a safety item: its district and HQ',
      { districtCode: 'samsan', urgent: false, category: 'safety' },
      ['samsan', 'hq'],
    ],
    ['a district without a staff room: HQ', { districtCode: 'hai', urgent: false, category: 'road' }, ['hq']],
  ] as const)('%s', (_name, item, expected) => {
    expect(staffRoomsFor(item, rooms).map((r) => r.chatId)).toEqual(expected);
  });
  test('no staff room anywhere: nothing (staff are told directly)', () => {
    expect(staffRoomsFor({ districtCode: 'hai', urgent: true, category: 'safety' }, [])).toEqual([]);
  });
});

test.each([
  ['2026-000123', '2026-000123'],
  ['2026-123', '2026-000123'],
  ['#123', '2026-000123'],
  ['123', '2026-000123'],
  ['도로', null],
])('receipt %s → %s', (text, expected) => {
  expect(normalizeReceipt(text, 2026)).toBe(expected);
});

describe('what may leave for a model', () => {
  test.each([
    ['홍길동입니다 010-1234-5678로 연락 주세요', '[이름]입니다 [휴대전화]로 연락 주세요'],
    ['주민번호 900101-1234567', '주민번호 [주민번호]'],
    ['고성로 123 앞 도로가 패였어요', '[주소] 앞 도로가 패였어요'],
    ['중앙길 45-6번지 가로등', '[주소] 가로등'],
    ['고성리 123번지 뒤 하천', '[주소] 뒤 하천'],
    ['101동 202호 누수', '[주소] 누수'],
    ['마을회관 앞 도로에 구멍', '마을회관 앞 도로에 구멍'],
  ])('%s', (text, expected) => {
    expect(scrubForModel(text, ['홍길동'])).toBe(expected);
  });
});

describe("a county's feedback settings", () => {
  test('the configured limits replace the defaults, one by one', () => {
    expect(feedbackSettings({ feedback: { replyDailyLimit: 2, dailyLimit: undefined } })).toMatchObject({
      dailyLimit: 5,
      replyDailyLimit: 2,
      slaWorkingDays: 3,
    });
  });
  test('FEEDBACK_REPLY_DAILY_LIMIT is read from the environment, 5 by default', () => {
    expect(loadConfig({ MAEUL_SECRET_KEY: TEST_SECRET_KEY }).FEEDBACK_REPLY_DAILY_LIMIT).toBe(5);
    expect(
      loadConfig({ MAEUL_SECRET_KEY: TEST_SECRET_KEY, FEEDBACK_REPLY_DAILY_LIMIT: '12' }).FEEDBACK_REPLY_DAILY_LIMIT,
    ).toBe(12);
  });
});
