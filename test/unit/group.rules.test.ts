import { expect, test } from 'vitest';
import type { RoleGrant } from '../../core/auth/authz.policy.ts';
import { mayChangeLink, type ExistingLink } from '../../core/groups/group.rules.ts';

const head1: RoleGrant = { role: 'village_head', villageId: 1, districtCode: 'goseong-eup' };
const goseongStaff: RoleGrant = { role: 'district_staff', villageId: null, districtCode: 'goseong-eup' };
const samsanStaff: RoleGrant = { role: 'district_staff', villageId: null, districtCode: 'samsan' };
const county: RoleGrant = { role: 'county_staff', villageId: null, districtCode: null };

const village1: ExistingLink = { kind: 'village', villageId: 1, districtCode: 'goseong-eup' };
const village2: ExistingLink = { kind: 'village', villageId: 2, districtCode: 'goseong-eup' };
const goseongRoom: ExistingLink = { kind: 'staff_room', districtCode: 'goseong-eup' };
const hq: ExistingLink = { kind: 'hq' };

test.each([
  ['a head, an unlinked chat', head1, { kind: 'none' } as ExistingLink, true],
  ["a head, their own village's room", head1, village1, true],
  ["a head, another village's room", head1, village2, false],
  ['a head, a staff room', head1, goseongRoom, false],
  ['a head, the HQ room', head1, hq, false],
  ['district staff, a village room of their district', goseongStaff, village2, true],
  ["district staff, another district's village room", samsanStaff, village1, false],
  ["district staff, another district's staff room", samsanStaff, goseongRoom, false],
  ['district staff, the HQ room', goseongStaff, hq, false],
  ['county staff, the HQ room', county, hq, true],
  ['county staff, any village room', county, village1, true],
] as const)('%s → %s', (_who, grant, link, allowed) => {
  expect(mayChangeLink([grant], link)).toBe(allowed);
});
