import { describe, expect, test } from 'vitest';
import {
  catalogWithin,
  defaultScope,
  describeScope,
  matchPlaces,
  placesAtStart,
  parseBroadcastText,
  parseSendTime,
  type PlaceCatalog,
} from '../../core/broadcasts/broadcast.scope.ts';
import { matchCommand } from '../../core/features.ts';

describe('who broadcasts to whom', () => {
  test.each([
    ['county staff: the county', [{ role: 'county_staff', villageId: null, districtCode: null }], { kind: 'county' }],
    [
      'district staff: their district',
      [{ role: 'district_staff', villageId: null, districtCode: 'samsan' }],
      { kind: 'districts', codes: ['samsan'] },
    ],
    [
      'a village head: their village',
      [{ role: 'village_head', villageId: 7, districtCode: 'samsan' }],
      { kind: 'villages', ids: [7] },
    ],
    ['a resident: nobody', [], null],
  ] as const)('%s', (_name, grants, scope) => {
    expect(defaultScope(grants)).toEqual(scope);
  });
});

describe('options lead the text: category, places, send time', () => {
  test.each([
    ['긴급 산불 조심', 'urgent', [], null, '산불 조심'],
    ['[긴급] 산불 조심', 'urgent', [], null, '산불 조심'],
    ['재난 대피하세요', 'urgent', [], null, '대피하세요'],
    ['행사 마을 잔치', 'event', [], null, '마을 잔치'],
    ['긴급회의는 없습니다', 'general', [], null, '긴급회의는 없습니다'],
    ['일반 쓰레기는 화요일에 내놓으세요', 'general', [], null, '일반 쓰레기는 화요일에 내놓으세요'],
    ['내일 정전', 'general', [], null, '내일 정전'],
    ['[고성1리, 고성2리] 물탱크 청소', 'general', ['고성1리', '고성2리'], null, '물탱크 청소'],
    ['[내일 09:00] 대청소', 'general', [], '내일 09:00', '대청소'],
    ['행사 [삼산면] [11.25 오후 2시] 잔치', 'event', ['삼산면'], '11.25 오후 2시', '잔치'],
    ['[공지] 내일 정전', 'general', ['공지'], null, '내일 정전'],
  ] as const)('%s', (args, category, places, when, body) => {
    expect(parseBroadcastText(args)).toEqual({ category, places, when, body });
  });
});

describe('a send time as staff write it, in county time', () => {
  // Tuesday 2026-11-24 10:00 KST.
  const now = new Date('2026-11-24T01:00:00Z');
  test.each([
    ['09:00', '2026-11-25T00:00:00.000Z'], // 09:00 has passed today: tomorrow
    ['14:30', '2026-11-24T05:30:00.000Z'],
    ['내일 09:00', '2026-11-25T00:00:00.000Z'],
    ['내일 9시', '2026-11-25T00:00:00.000Z'],
    ['모레 오후 2시 반', '2026-11-26T05:30:00.000Z'],
    ['오후 3시 15분', '2026-11-24T06:15:00.000Z'],
    ['11.25 09:00', '2026-11-25T00:00:00.000Z'],
    ['11/25 9:00', '2026-11-25T00:00:00.000Z'],
    ['12월 1일 8시', '2026-11-30T23:00:00.000Z'],
    ['1.5 09:00', '2027-01-05T00:00:00.000Z'], // a date already past this year is next year's
    ['2026-11-25 09:00', '2026-11-25T00:00:00.000Z'],
    ['오늘 08:00', '2026-11-23T23:00:00.000Z'], // said "today": kept, and refused later as past
    ['2.30 09:00', null],
    ['25:00', null],
    ['다음주', null],
  ])('%s', (text, expected) => {
    expect(parseSendTime(text, now, 'Asia/Seoul')?.toISOString() ?? null).toBe(expected);
  });
});

describe('places named → a scope', () => {
  const catalog: PlaceCatalog = {
    districts: [
      { code: 'goseong-eup', nameKo: '고성읍' },
      { code: 'samsan', nameKo: '삼산면' },
      { code: 'hai', nameKo: '하이면' },
    ],
    villages: [
      { id: 1, nameKo: '고성1리', districtCode: 'goseong-eup' },
      { id: 2, nameKo: '고성2리', districtCode: 'goseong-eup' },
      { id: 4, nameKo: '삼산1리', districtCode: 'samsan' },
      { id: 7, nameKo: '신촌리', districtCode: 'samsan' },
      { id: 8, nameKo: '신촌리', districtCode: 'hai' },
    ],
  };
  test.each([
    [
      'districts only: a district scope',
      ['고성읍', '삼산면'],
      { kind: 'scope', scope: { kind: 'districts', codes: ['goseong-eup', 'samsan'] } },
    ],
    ['villages: a village scope', ['고성1리', '삼산1리'], { kind: 'scope', scope: { kind: 'villages', ids: [1, 4] } }],
    [
      'a district and a village: every village of both',
      ['삼산1리', '고성읍'],
      { kind: 'scope', scope: { kind: 'villages', ids: [4, 1, 2] } },
    ],
    ['spaces do not matter', ['고성 1리'], { kind: 'scope', scope: { kind: 'villages', ids: [1] } }],
    [
      'a village name two districts share must name its district',
      ['신촌리'],
      { kind: 'ambiguous', name: '신촌리', options: ['삼산면 신촌리', '하이면 신촌리'] },
    ],
    ['…and then it is found', ['하이면 신촌리'], { kind: 'scope', scope: { kind: 'villages', ids: [8] } }],
    ['an unknown name is said back', ['공지'], { kind: 'unknown', name: '공지' }],
  ] as const)('%s', (_name, names, expected) => {
    expect(matchPlaces(names, catalog)).toEqual(expected);
  });
});

describe('a place name that opens the text, without brackets', () => {
  const catalog: PlaceCatalog = {
    districts: [
      { code: 'goseong-eup', nameKo: '고성읍' },
      { code: 'samsan', nameKo: '삼산면' },
    ],
    villages: [
      { id: 1, nameKo: '고성1리', districtCode: 'goseong-eup' },
      { id: 2, nameKo: '고성2리', districtCode: 'goseong-eup' },
      { id: 4, nameKo: '삼산1리', districtCode: 'samsan' },
      { id: 5, nameKo: '삼산2리', districtCode: 'samsan' },
    ],
  };
  test.each([
    ['a village', '고성1리 수도관 파열로 단수됩니다', ['고성1리'], { kind: 'villages', ids: [1] }],
    ['a district', '삼산면 분리수거 안내', ['삼산면'], { kind: 'districts', codes: ['samsan'] }],
    ['a village with its district', '고성읍 고성2리 마을회관 보수', ['고성읍 고성2리'], { kind: 'villages', ids: [2] }],
    [
      'two villages, with a comma',
      '고성1리, 삼산2리 합동 행사',
      ['고성1리', '삼산2리'],
      { kind: 'villages', ids: [1, 5] },
    ],
    ['a place closed by a colon', '고성1리: 단수 안내', ['고성1리'], { kind: 'villages', ids: [1] }],
  ] as const)('%s is offered', (_name, text, names, scope) => {
    expect(placesAtStart(text, catalog)).toEqual({ names, scope });
  });
  test.each([
    ['a text that does not start with a place', '내일 고성1리 대청소'],
    ['a place with a particle, read as part of the sentence', '고성1리에 단수가 있습니다'],
    ['a text that is only a place', '고성1리'],
  ])('%s is not', (_name, text) => {
    expect(placesAtStart(text, catalog)).toBeNull();
  });
  test("only the sender's own places are offered: a head of 삼산1리 is not offered 고성1리 or the whole 삼산면", () => {
    const own = catalogWithin(catalog, [{ id: 4, districtCode: 'samsan' }]);
    expect(placesAtStart('고성1리 소식', own)).toBeNull();
    expect(placesAtStart('삼산면 소식', own)).toBeNull();
    expect(placesAtStart('삼산1리 소식', own)).toEqual({ names: ['삼산1리'], scope: { kind: 'villages', ids: [4] } });
  });
  test('a scope in words names whole districts, and the villages of the others', () => {
    const words = { ...catalog, countyName: '고성군' };
    expect(describeScope({ kind: 'county' }, words)).toBe('고성군 전체');
    expect(describeScope({ kind: 'districts', codes: ['samsan'] }, words)).toBe('삼산면 전체');
    expect(describeScope({ kind: 'villages', ids: [1, 4, 5] }, words)).toBe('고성읍 고성1리 · 삼산면 전체');
  });
});

test.each([
  ['방송', 'broadcasts', ''],
  ['방송 도로', 'broadcasts', '도로'],
  ['마을방송', 'broadcasts', ''],
  ['방송 보내기 긴급 산불', 'send_broadcast', '긴급 산불'],
  ['방송보내기 내일 정전', 'send_broadcast', '내일 정전'],
  ['broadcast hello', 'send_broadcast', 'hello'],
  ['방송 취소 12', 'cancel_broadcast', '12'],
  ['예약 취소 12', 'cancel_broadcast', '12'],
  ['직원방 연결', 'link_staff_room', ''],
  ['직원방 해제', 'unlink_group', ''],
])('%s → %s', (input, command, args) => {
  expect(matchCommand(input)).toEqual({ command, args });
});
