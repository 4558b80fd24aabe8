import type { RoleGrant } from '../auth/authz.policy.ts';
import { maskName } from '../privacy/privacy.mask.ts';

/** 보고's rules, pure: whose report it is, how long it may be, how it reads in a staff room and who answers. */
export const REPORT_MAX_LENGTH = 1000;

/** A head of two villages reports for the first; the card names the village, so staff know which. */
export function reportingVillage(grants: readonly RoleGrant[]): number | null {
  return grants.find((g) => g.role === 'village_head' && g.villageId !== null)?.villageId ?? null;
}

export type CheckedText = { kind: 'ok'; text: string } | { kind: 'empty' } | { kind: 'too_long'; length: number };

/** A report or an answer: trimmed, not empty, at most REPORT_MAX_LENGTH characters (as people count them). */
export function checkText(input: string): CheckedText {
  const text = input.trim();
  if (!text) return { kind: 'empty' };
  const length = [...text].length;
  return length > REPORT_MAX_LENGTH ? { kind: 'too_long', length } : { kind: 'ok', text };
}

/** The card in the staff room: many read it, so the head's name is masked, as on feedback cards. */
export function reportCard(input: {
  reportId: number;
  districtName: string;
  villageName: string;
  headName: string | null;
  body: string;
}): string {
  const head = input.headName ? maskName(input.headName) : '';
  return `[이장 보고 #${input.reportId}] ${input.districtName} ${input.villageName} · 이장 ${head}\n${input.body}\n\n답변: "보고답변 ${input.reportId} 내용"`;
}

/** Who answered, as the head reads it: the county office for county staff, else the district's office. */
export function answererLabel(
  grants: readonly RoleGrant[],
  names: { countyName: string | null; districtName: string | null },
): string {
  if (grants.some((g) => g.role === 'county_staff' || g.role === 'admin')) return `${names.countyName ?? '군'}청`;
  return `${names.districtName ?? ''}사무소`;
}

/** The district whose name signs an answer by district staff. */
export function answererDistrict(grants: readonly RoleGrant[]): string | null {
  return grants.find((g) => g.role === 'district_staff')?.districtCode ?? null;
}

export function answerMessage(input: { reportId: number; answer: string; label: string }): string {
  return `[보고 #${input.reportId} 답변]\n${input.answer}\n— ${input.label}`;
}
