import { describe, expect, test } from 'vitest';
import { can, type RoleGrant } from '../../core/auth/authz.policy.ts';

const headOfVillage1: RoleGrant = { role: 'village_head', villageId: 1, districtCode: 'goseong-eup' };
const staffOfGoseongEup: RoleGrant = { role: 'district_staff', villageId: null, districtCode: 'goseong-eup' };
const countyStaff: RoleGrant = { role: 'county_staff', villageId: null, districtCode: null };
const village1 = { villageId: 1, districtCode: 'goseong-eup' };
const village2 = { villageId: 2, districtCode: 'goseong-eup' };
const samsanVillage = { villageId: 4, districtCode: 'samsan' };

describe('one authorisation table: role × action × scope', () => {
  test.each([
    ['a village head decides registrations of their village', [headOfVillage1], 'registration.decide', village1, true],
    ['a village head of another village cannot approve', [headOfVillage1], 'registration.decide', village2, false],
    ['district staff decide in their district', [staffOfGoseongEup], 'registration.decide', village2, true],
    [
      'district staff cannot decide in another district',
      [staffOfGoseongEup],
      'registration.decide',
      samsanVillage,
      false,
    ],
    ['county staff decide anywhere', [countyStaff], 'registration.decide', samsanVillage, true],
    ['a resident decides nothing', [], 'registration.decide', village1, false],
    ['a village head cannot send notices', [headOfVillage1], 'notice.send', village1, false],
    [
      'district staff cannot send notices outside their district',
      [staffOfGoseongEup],
      'notice.send',
      samsanVillage,
      false,
    ],
    ['a village head relays notices into their own village only', [headOfVillage1], 'notice.relay', village1, true],
    ['a village head cannot relay into another village', [headOfVillage1], 'notice.relay', village2, false],
    ['staff do not relay for a village head', [countyStaff], 'notice.relay', village1, false],
    ['district staff answer reports of their district', [staffOfGoseongEup], 'report.answer', village2, true],
    [
      'district staff cannot answer reports of another district',
      [staffOfGoseongEup],
      'report.answer',
      samsanVillage,
      false,
    ],
    ['a village head cannot answer reports', [headOfVillage1], 'report.answer', village1, false],
    ['only admins appoint staff', [countyStaff], 'staff.appoint', village1, false],
    ['a village head links only their village chat', [headOfVillage1], 'group.link', village2, false],
    ['a village head cannot make a staff room', [headOfVillage1], 'staffroom.link', village1, false],
    [
      "district staff make their own district's staff room",
      [staffOfGoseongEup],
      'staffroom.link',
      { districtCode: 'goseong-eup' },
      true,
    ],
    [
      "district staff cannot make another district's staff room",
      [staffOfGoseongEup],
      'staffroom.link',
      { districtCode: 'samsan' },
      false,
    ],
    ['county staff make the HQ staff room', [countyStaff], 'staffroom.link', {}, true],
    [
      "district staff manage their own district's workshops",
      [staffOfGoseongEup],
      'workshop.manage',
      { districtCode: 'goseong-eup' },
      true,
    ],
    [
      "district staff cannot manage another district's workshops",
      [staffOfGoseongEup],
      'workshop.manage',
      { districtCode: 'samsan' },
      false,
    ],
    ['county staff manage workshops anywhere', [countyStaff], 'workshop.manage', samsanVillage, true],
    ['a village head manages no workshop', [headOfVillage1], 'workshop.manage', village1, false],
  ] as const)('%s', (_name, grants, action, target, expected) => {
    expect(can(grants, action, target)).toBe(expected);
  });
});
