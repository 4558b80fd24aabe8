import { expect, test } from 'vitest';
import type { RoleGrant } from '../../core/auth/authz.policy.ts';
import {
  answererDistrict,
  answererLabel,
  checkText,
  REPORT_MAX_LENGTH,
  reportCard,
  reportingVillage,
} from '../../core/reports/report.rules.ts';

const head = (villageId: number): RoleGrant => ({ role: 'village_head', villageId, districtCode: null });
const goseongStaff: RoleGrant = { role: 'district_staff', villageId: null, districtCode: 'goseong-eup' };
const county: RoleGrant = { role: 'county_staff', villageId: null, districtCode: null };

test.each([
  ['a head of one village', [head(3)], 3],
  ['a head of two villages reports for the first', [head(3), head(5)], 3],
  ['district staff are no head', [goseongStaff], null],
] as const)('%s → %s', (_who, grants, village) => {
  expect(reportingVillage(grants)).toBe(village);
});

test.each([
  ['  다리가 부서졌습니다  ', { kind: 'ok', text: '다리가 부서졌습니다' }],
  ['   ', { kind: 'empty' }],
  ['가'.repeat(REPORT_MAX_LENGTH), { kind: 'ok', text: '가'.repeat(REPORT_MAX_LENGTH) }],
  ['가'.repeat(REPORT_MAX_LENGTH + 1), { kind: 'too_long', length: REPORT_MAX_LENGTH + 1 }],
])('a text of %#', (text, expected) => {
  expect(checkText(text)).toEqual(expected);
});

test.each([
  ['district staff', [goseongStaff], '고성읍사무소'],
  ['county staff', [county], '고성군청'],
  ['county staff who are district staff too', [goseongStaff, county], '고성군청'],
] as const)('%s sign as %s', (_who, grants, label) => {
  expect(answererLabel(grants, { countyName: '고성군', districtName: '고성읍' })).toBe(label);
});

test('district staff sign with their own district', () => {
  expect(answererDistrict([county, goseongStaff])).toBe('goseong-eup');
  expect(answererDistrict([county])).toBeNull();
});

test('the staff card masks the head’s name and says how to answer', () => {
  expect(
    reportCard({
      reportId: 7,
      districtName: '고성읍',
      villageName: '고성1리',
      headName: '김영자',
      body: '길이 막혔어요',
    }),
  ).toBe('[이장 보고 #7] 고성읍 고성1리 · 이장 김*자\n길이 막혔어요\n\n답변: "보고답변 7 내용"');
});
