import { describe, expect, test } from 'vitest';
import { staffRoomsFor, type StaffRoomRef } from '../../core/feedback/feedback.routing.ts';
import { triageByRules } from '../../core/feedback/feedback.rules.ts';
import { dueAfterWorkingDays } from '../../core/feedback/feedback.sla.ts';
import { normalizeReceipt } from '../../core/feedback/feedback.usecases.ts';
import { scrubForModel } from '../../core/privacy/privacy.mask.ts';

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

describe('a first answer is due three working days later', () => {
  test.each([
    ['Tuesday 10:00 → Friday 10:00', '2026-11-24T01:00:00Z', '2026-11-27T01:00:00.000Z'],
    ['Thursday 15:00 → Tuesday 15:00 (the weekend does not count)', '2026-11-26T06:00:00Z', '2026-12-01T06:00:00.000Z'],
    ['Saturday 10:00 → Wednesday 10:00 (counted from Monday)', '2026-11-28T01:00:00Z', '2026-12-02T01:00:00.000Z'],
    ['Friday 23:30 KST (Friday 14:30 UTC) → Wednesday 23:30 KST', '2026-11-27T14:30:00Z', '2026-12-02T14:30:00.000Z'],
  ])('%s', (_name, created, due) => {
    expect(dueAfterWorkingDays(new Date(created), 3, 'Asia/Seoul').toISOString()).toBe(due);
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
