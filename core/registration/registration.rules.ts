import type { RoleName } from '../../db/schema/members.schema.ts';
import { can, type RoleGrant, type Target } from '../auth/authz.policy.ts';
import { countyDateKey, countyParts, startOfCountyDay } from '../time/county.time.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';

/**
 * The registration feature's decisions, pure: who may decide a registration that carries an appointment, which
 * approvers' tier a request goes to, when it reaches the first of them, how that is said.
 */
const rank: Record<RoleName, number> = { village_head: 1, district_staff: 2, county_staff: 3, admin: 4 };

/** The highest role among these, or null: it decides who may approve the registration that grants them. */
export function highestRole(roles: readonly RoleName[]): RoleName | null {
  return roles.reduce<RoleName | null>((top, r) => (top === null || rank[r] > rank[top] ? r : top), null);
}

/**
 * Approving a registration grants the roles appointed to its number, so it is decided only by staff who stand at
 * least as high as the highest of them: a roster head by district staff (not by the head they may replace), district
 * staff by district or county staff, county staff by county staff, an admin by an admin. Never by a village head.
 * Within that, the decider's reach over the registration's village is the ordinary `registration.decide` rule.
 */
export function mayDecideAppointed(
  grants: readonly RoleGrant[],
  appointed: readonly RoleName[],
  target: Target,
): boolean {
  const top = highestRole(appointed);
  if (top === null) return can(grants, 'registration.decide', target);
  const standing = grants.filter((g) => g.role !== 'village_head' && rank[g.role] >= rank[top]);
  return can(standing, 'registration.decide', target);
}

/** Which approvers' tiers may decide a registration that carries these appointments (used to route the request). */
export function approverRolesFor(appointed: readonly RoleName[]): RoleName[] {
  const top = highestRole(appointed);
  const all: RoleName[] = ['village_head', 'district_staff', 'county_staff', 'admin'];
  if (top === null) return all;
  return all.filter((r) => r !== 'village_head' && rank[r] >= rank[top]);
}

/** Who decides a registration whose number carries these appointments, said to a decider who may not. */
export function appointmentDecidedBy(appointed: readonly RoleName[]): 'district' | 'county' {
  const top = highestRole(appointed);
  return top === 'village_head' || top === 'district_staff' ? 'district' : 'county';
}

export type Approver = 'head' | 'district' | 'county';

/** What the applicant is told about who decides: the village's head, else district staff, else the county. */
export function approverKind(
  held: readonly { role: RoleName; villageId: number | null }[],
  villageId: number,
): Approver {
  if (held.some((r) => r.role === 'village_head' && r.villageId === villageId)) return 'head';
  return held.some((r) => r.role === 'district_staff') ? 'district' : 'county';
}

/**
 * When the first approver gets the request: null for "now" (someone is awake), else the earliest end of their
 * quiet hours. `holds` has one entry per approver the request was queued for: null when it goes at once.
 */
export function firstReach(holds: readonly (Date | null)[]): Date | null {
  if (holds.length === 0 || holds.some((h) => h === null)) return null;
  return (holds as Date[]).reduce((a, b) => (b < a ? b : a));
}

/** "오늘 07:00", "내일 07:00", or the date for anything later ("11.26.(목) 07:00"). */
export function whenInWords(at: Date, now: Date, timeZone: string): string {
  const p = countyParts(at, timeZone);
  const hhmm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  if (countyDateKey(at, timeZone) === countyDateKey(now, timeZone)) return `오늘 ${hhmm}`;
  // Midday of the next county day, whatever the length of today.
  const tomorrow = new Date(startOfCountyDay(now, timeZone).getTime() + 36 * 3_600_000);
  if (countyDateKey(at, timeZone) === countyDateKey(tomorrow, timeZone)) return `내일 ${hhmm}`;
  return formatKoreanDateTime(at, timeZone);
}
