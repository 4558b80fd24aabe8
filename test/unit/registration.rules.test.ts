import { expect, test } from 'vitest';
import type { RoleGrant } from '../../core/auth/authz.policy.ts';
import {
  appointmentDecidedBy,
  approverKind,
  approverRolesFor,
  firstReach,
  mayDecideAppointed,
  whenInWords,
} from '../../core/registration/registration.rules.ts';

const head1: RoleGrant = { role: 'village_head', villageId: 1, districtCode: 'goseong-eup' };
const goseongStaff: RoleGrant = { role: 'district_staff', villageId: null, districtCode: 'goseong-eup' };
const samsanStaff: RoleGrant = { role: 'district_staff', villageId: null, districtCode: 'samsan' };
const county: RoleGrant = { role: 'county_staff', villageId: null, districtCode: null };
const admin: RoleGrant = { role: 'admin', villageId: null, districtCode: null };
const village1 = { villageId: 1, districtCode: 'goseong-eup' };

test.each([
  ["a head, an ordinary resident's registration in their village", head1, [], true],
  ["a head, a roster head's registration in their village", head1, ['village_head'], false],
  ["district staff, a roster head's registration in their district", goseongStaff, ['village_head'], true],
  ["district staff of another district, a roster head's registration", samsanStaff, ['village_head'], false],
  ['district staff, an appointed district staff member', goseongStaff, ['district_staff'], true],
  ['district staff, an appointed county staff member', goseongStaff, ['county_staff'], false],
  ['county staff, an appointed county staff member', county, ['county_staff'], true],
  ['county staff, an appointed admin', county, ['admin'], false],
  ['an admin, an appointed admin', admin, ['admin'], true],
] as const)('%s → %s', (_who, grant, appointed, allowed) => {
  expect(mayDecideAppointed([grant], appointed, village1)).toBe(allowed);
});

test.each([
  [[], ['village_head', 'district_staff', 'county_staff', 'admin'], 'county'],
  [['village_head'], ['district_staff', 'county_staff', 'admin'], 'district'],
  [['district_staff', 'village_head'], ['district_staff', 'county_staff', 'admin'], 'district'],
  [['county_staff'], ['county_staff', 'admin'], 'county'],
  [['admin'], ['admin'], 'county'],
] as const)('appointed %j: asked %j, else decided by %s', (appointed, tiers, decidedBy) => {
  expect(approverRolesFor(appointed)).toEqual(tiers);
  if (appointed.length > 0) expect(appointmentDecidedBy(appointed)).toBe(decidedBy);
});

test.each([
  ['the head of the village', [{ role: 'village_head', villageId: 1 }], 'head'],
  [
    'a head of another village and district staff',
    [
      { role: 'village_head', villageId: 2 },
      { role: 'district_staff', villageId: null },
    ],
    'district',
  ],
  ['county staff only', [{ role: 'county_staff', villageId: null }], 'county'],
] as const)('the applicant is told: %s → %s', (_who, held, kind) => {
  expect(approverKind(held, 1)).toBe(kind);
});

const at = (iso: string) => new Date(iso);
test.each([
  ['nobody reached', [], null],
  ['one awake approver', [null], null],
  ['one awake, one asleep', [at('2026-11-25T22:00:00Z'), null], null],
  ['two asleep: the earlier end', [at('2026-11-25T23:00:00Z'), at('2026-11-25T22:00:00Z')], at('2026-11-25T22:00:00Z')],
] as const)('the request first reaches someone: %s', (_case, holds, expected) => {
  expect(firstReach(holds)).toEqual(expected);
});

// 2026-11-25 is a Wednesday; 23:30 KST is 14:30 UTC.
const now = at('2026-11-25T14:30:00Z');
test.each([
  ['later today', at('2026-11-25T14:45:00Z'), '오늘 23:45'],
  ['tomorrow morning', at('2026-11-25T22:00:00Z'), '내일 07:00'],
])('%s reads "%s"', (_case, when, words) => {
  expect(whenInWords(when, now, 'Asia/Seoul')).toBe(words);
});
test('a later day reads as its date', () => {
  expect(whenInWords(at('2026-11-26T22:00:00Z'), now, 'Asia/Seoul')).toMatch(/^11\.27\./);
});
