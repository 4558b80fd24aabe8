import { expect, test } from 'vitest';
import { staffRoomTargets, type StaffRoomRef } from '../../core/staff/staff.rooms.ts';

const room = (chatId: string, staffDistrictCode: string | null, isHqStaffRoom = false): StaffRoomRef => ({
  platform: 'discord',
  chatId,
  staffDistrictCode,
  isHqStaffRoom,
});
const rooms = [
  room('goseong-a', 'goseong-eup'),
  room('goseong-b', 'goseong-eup'),
  room('samsan', 'samsan'),
  room('hq', null, true),
];

test.each([
  [
    'a district matter: every room of that district',
    { districtCode: 'goseong-eup', alsoHq: false },
    ['goseong-a', 'goseong-b'],
  ],
  ['…and HQ when asked', { districtCode: 'samsan', alsoHq: true }, ['samsan', 'hq']],
  ['a district without a room: HQ', { districtCode: 'hai', alsoHq: false }, ['hq']],
  ['a county-wide matter (no district): HQ', { districtCode: null, alsoHq: false }, ['hq']],
] as const)('%s', (_name, input, expected) => {
  expect(staffRoomTargets(input, rooms).map((r) => r.chatId)).toEqual(expected);
});
