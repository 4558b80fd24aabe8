import { can, type RoleGrant } from '../auth/authz.policy.ts';
import { countyParts, countyTime } from '../time/county.time.ts';

/**
 * The decisions of workshops (교육), as pure functions of the facts and the instant: places and waitlist, when
 * sign-up closes, which reminders are due, when attendance may be said, how long a certificate holds.
 */

export type SignupStatus = 'confirmed' | 'waitlisted';

/** A new sign-up is confirmed while places are left, else it joins the end of the waitlist (position is 1-based). */
export function placeFor(input: { capacity: number; confirmed: number; waitlisted: number }): {
  status: SignupStatus;
  position: number;
} {
  if (input.confirmed < input.capacity) return { status: 'confirmed', position: input.confirmed + 1 };
  return { status: 'waitlisted', position: input.waitlisted + 1 };
}

/** How many of the waitlist move up when places free: the first ones in order of sign-up. */
export function promotions(input: { capacity: number; confirmed: number; waitlisted: number }): number {
  return Math.max(0, Math.min(input.waitlisted, input.capacity - input.confirmed));
}

/**
 * Sign-up is open through the whole county day `closesDaysBefore` days before the workshop's day ("3일 전까지"):
 * a workshop on Thursday 8.20 with 3 closes when 8.18 begins, 00:00 county time. 0 keeps it open until the start.
 */
export function signupClosesAt(startsAt: Date, closesDaysBefore: number, timeZone: string): Date {
  if (closesDaysBefore <= 0) return startsAt;
  const day = countyParts(startsAt, timeZone);
  const lastDay = new Date(Date.UTC(day.year, day.month - 1, day.day - closesDaysBefore + 1));
  return countyTime(
    { year: lastDay.getUTCFullYear(), month: lastDay.getUTCMonth() + 1, day: lastDay.getUTCDate(), hour: 0, minute: 0 },
    timeZone,
  );
}

/** The last day one may still sign up (shown to residents): the county day before signupClosesAt. */
export function lastSignupDay(startsAt: Date, closesDaysBefore: number, timeZone: string): Date {
  return new Date(signupClosesAt(startsAt, closesDaysBefore, timeZone).getTime() - 60_000);
}

export type ReminderKind = 'day_before' | 'two_hours';

/** 18:00 county time the day before, and two hours before the start. */
export function reminderTimes(startsAt: Date, timeZone: string): Record<ReminderKind, Date> {
  const day = countyParts(startsAt, timeZone);
  const eve = new Date(Date.UTC(day.year, day.month - 1, day.day - 1));
  return {
    day_before: countyTime(
      { year: eve.getUTCFullYear(), month: eve.getUTCMonth() + 1, day: eve.getUTCDate(), hour: 18, minute: 0 },
      timeZone,
    ),
    two_hours: new Date(startsAt.getTime() - 2 * 3_600_000),
  };
}

/**
 * The reminder due at `now` for a workshop at its current time, if any: the latest one whose time has come, while it
 * still means something (the day-before one only until the two-hour one is due, that one only until the start). A job
 * that was down for a while sends one reminder, not two; a reschedule moves both, since they are computed here.
 */
export function dueReminder(startsAt: Date, now: Date, timeZone: string): ReminderKind | null {
  if (now >= startsAt) return null;
  const times = reminderTimes(startsAt, timeZone);
  if (now >= times.two_hours) return 'two_hours';
  if (now >= times.day_before) return 'day_before';
  return null;
}

/** 출석 <code> is accepted from 30 minutes before the start to the end. */
export function checkInWindow(startsAt: Date, endsAt: Date, now: Date): 'early' | 'open' | 'over' {
  if (now.getTime() < startsAt.getTime() - 30 * 60_000) return 'early';
  if (now > endsAt) return 'over';
  return 'open';
}

/** Arriving within 10 minutes of the start counts the whole workshop; later, the minutes from arrival to the end. */
export const LATE_GRACE_MINUTES = 10;

/**
 * The minutes credited by `at` to someone present since `arrivedAt` (or seen by staff: `fromStart`): only what has
 * passed of the workshop counts, from the start (arriving within the grace, or marked by staff) or from arrival, to
 * `at` or the end, whichever is first. Said before the start, it is 0: a certificate cannot come before the hours.
 */
export function creditedMinutes(input: {
  startsAt: Date;
  endsAt: Date;
  arrivedAt: Date;
  at: Date;
  fromStart?: boolean;
}): number {
  const lateBy = (input.arrivedAt.getTime() - input.startsAt.getTime()) / 60_000;
  const from = input.fromStart || lateBy <= LATE_GRACE_MINUTES ? input.startsAt : input.arrivedAt;
  const until = Math.min(input.at.getTime(), input.endsAt.getTime());
  return Math.max(0, Math.floor((until - from.getTime()) / 60_000));
}

/** The minutes one will have at the end, staying from `checkedInAt`. */
export function attendedMinutes(startsAt: Date, endsAt: Date, checkedInAt: Date): number {
  return creditedMinutes({ startsAt, endsAt, arrivedAt: checkedInAt, at: endsAt });
}

export const CERTIFICATE_YEARS = 3;
export const EXPIRY_REMINDER_DAYS = 30;

/** Valid through the same county date three years later (a 2.29 issue: through 3.1). */
export function certificateValidUntil(issuedAt: Date, timeZone: string): Date {
  const day = countyParts(issuedAt, timeZone);
  const until = new Date(Date.UTC(day.year + CERTIFICATE_YEARS, day.month - 1, day.day));
  return countyTime(
    { year: until.getUTCFullYear(), month: until.getUTCMonth() + 1, day: until.getUTCDate(), hour: 23, minute: 59 },
    timeZone,
  );
}

/**
 * The expiry reminder is due from the start of the county day 30 days before the last valid day (validUntil is that
 * day's 23:59), until it lapses: a daily job then sends it on that day, not a day late.
 */
export const EXPIRY_REMINDER_LEAD_MS = EXPIRY_REMINDER_DAYS * 86_400_000 + (24 * 60 - 1) * 60_000;

export function expiryReminderDue(validUntil: Date, now: Date): boolean {
  return now < validUntil && now.getTime() >= validUntil.getTime() - EXPIRY_REMINDER_LEAD_MS;
}

/** GS-2026-0001: the county's letters, the year of issue (county time), a running number of that year. */
export function certificateNumber(prefix: string, year: number, sequence: number): string {
  return `${prefix}-${year}-${String(sequence).padStart(4, '0')}`;
}

const KNOWN_PREFIXES: Record<string, string> = { goseong: 'GS', jeungpyeong: 'JP' };

export function certificatePrefix(countyCode: string | undefined): string {
  return KNOWN_PREFIXES[countyCode ?? ''] ?? (countyCode ?? 'MA').slice(0, 2).toUpperCase();
}

/**
 * Wrong codes a person may send in a county day before 출석 stops taking codes from them (they ask the staff at the
 * venue, who mark them with 출석 확인). With four digits, finding one workshop's code takes some 1,800 days.
 */
export const CHECK_IN_WRONG_LIMIT = 5;

/**
 * Check-in codes: four digits, said aloud at the venue (and typed by residents in their seventies), five once
 * four-digit codes grow scarce. The daily limit of wrong codes, not the length, is what stops guessing.
 */
export function checkInCodeCandidate(random: (max: number) => number, attempt: number): string {
  return attempt < 20 ? String(1000 + random(9000)) : String(10000 + random(90000));
}

/** Who may manage a workshop: a county-wide one is the county's; district staff manage only their own district's. */
export function mayManage(grants: readonly RoleGrant[], districtCode: string | null): boolean {
  return districtCode === null
    ? can(grants, 'workshop.manage', {}) && grants.some((g) => g.role === 'county_staff' || g.role === 'admin')
    : can(grants, 'workshop.manage', { districtCode });
}

/** Where a workshop made in chat is for: a district by name or code, null for the whole county, undefined if unknown. */
export function pickDistrict<T extends { code: string; nameKo: string }>(
  list: readonly T[],
  where: string,
): T | null | undefined {
  if (['전체', '군 전체', '전 군'].includes(where.trim())) return null;
  return list.find((d) => d.nameKo === where.trim() || d.code === where.trim());
}

/** One of 교육 현황 N's list by its number, or by a name only one person on it has. */
export function pickAttendee<T extends { name: string }>(list: readonly T[], pick: string): T | undefined {
  const n = /^\d{1,4}$/.test(pick) ? Number(pick) : null;
  if (n !== null) return list[n - 1];
  const same = list.filter((a) => a.name === pick);
  return same.length === 1 ? same[0] : undefined;
}
