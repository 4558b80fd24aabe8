import { describe, expect, test } from 'vitest';
import { defaultScope, parseBroadcastText } from '../../core/broadcasts/broadcast.scope.ts';
import { matchCommand } from '../../core/conversation/command.match.ts';

describe('who broadcasts to whom', () => {
  test.each([
    ['county staff: the county', [{ role: 'county_staff', villageId: null, districtCode: null }], { kind: 'county' }],
    ['district staff: their district', [{ role: 'district_staff', villageId: null, districtCode: 'samsan' }], { kind: 'districts', codes: ['samsan'] }],
    ['a village head: their village', [{ role: 'village_head', villageId: 7, districtCode: 'samsan' }], { kind: 'villages', ids: [7] }],
    ['a resident: nobody', [], null],
  ] as const)('%s', (_name, grants, scope) => {
    expect(defaultScope(grants)).toEqual(scope);
  });
});

describe('the category is the first word', () => {
  test.each([
    ['긴급 산불 조심', 'urgent', '산불 조심'],
    ['[긴급] 산불 조심', 'urgent', '산불 조심'],
    ['재난 대피하세요', 'urgent', '대피하세요'],
    ['행사 마을 잔치', 'event', '마을 잔치'],
    ['긴급회의는 없습니다', 'general', '긴급회의는 없습니다'],
    ['내일 정전', 'general', '내일 정전'],
  ])('%s', (args, category, body) => {
    expect(parseBroadcastText(args)).toEqual({ category, body });
  });
});

test.each([
  ['방송', 'broadcasts', ''],
  ['방송 도로', 'broadcasts', '도로'],
  ['마을방송', 'broadcasts', ''],
  ['방송 보내기 긴급 산불', 'send_broadcast', '긴급 산불'],
  ['방송보내기 내일 정전', 'send_broadcast', '내일 정전'],
  ['broadcast hello', 'send_broadcast', 'hello'],
])('%s → %s', (input, command, args) => {
  expect(matchCommand(input)).toEqual({ command, args });
});
