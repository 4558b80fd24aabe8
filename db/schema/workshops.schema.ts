import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { members } from './members.schema.ts';
import { districts } from './places.schema.ts';

/** A series of sessions (Jeungpyeong's living-lab panel): completion counts hours across its workshops. */
export const workshopSeries = pgTable('workshop_series', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  title: text().notNull(),
  districtCode: text().references(() => districts.code),
  requiredMinutes: integer().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull(),
});

/** A workshop (교육): where and when, how many places, when sign-up closes, and the hours it counts for. */
export const workshops = pgTable(
  'workshops',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    seriesId: integer().references(() => workshopSeries.id),
    title: text().notNull(),
    /** Null: open to the whole county. */
    districtCode: text().references(() => districts.code),
    place: text().notNull(),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    capacity: integer().notNull(),
    /** Sign-up closes this many days before the start (Goseong: 3). */
    closesDaysBefore: integer().notNull().default(3),
    /** Minutes of attendance that complete it (Goseong: 6 hours). */
    requiredMinutes: integer().notNull(),
    /** Said at the venue: 출석 <code>. */
    checkInCode: text().notNull(),
    /** Where to call after sign-up closes (the district office). */
    contact: text(),
    /** pending: made in chat but not announced yet (staff are deciding about a sign-up deadline already past). */
    status: text({ enum: ['pending', 'scheduled', 'cancelled'] })
      .notNull()
      .default('scheduled'),
    /** Bumped by each reschedule: a reminder made for an older version is never sent. */
    version: integer().notNull().default(1),
    createdBy: integer().references(() => members.id),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
    announcedAt: timestamp({ withTimezone: true }),
    /** When its end was processed: attendance credited in full and certificates issued (workshop-completion job). */
    completedAt: timestamp({ withTimezone: true }),
    /** Room for details that need no query of their own. */
    meta: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [index('workshops_starts_idx').on(t.startsAt), unique('workshops_check_in_uq').on(t.checkInCode)],
);

export const signupStatuses = ['confirmed', 'waitlisted', 'cancelled'] as const;

export const workshopSignups = pgTable(
  'workshop_signups',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    workshopId: integer()
      .notNull()
      .references(() => workshops.id),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    status: text({ enum: signupStatuses }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    promotedAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
    attendedAt: timestamp({ withTimezone: true }),
    attendedMinutes: integer().notNull().default(0),
    /** Staff who marked attendance by hand; null when checked in with the code. */
    markedBy: integer().references(() => members.id),
  },
  (t) => [
    unique('workshop_signups_uq').on(t.workshopId, t.memberId),
    index('workshop_signups_status_idx').on(t.workshopId, t.status, t.createdAt),
  ],
);

/**
 * Wrong check-in codes (출석 <code>) per person and county day: after a few, the person is sent to the staff at the
 * venue instead of guessing on. One row per person (older days are deleted when a new day's row is written).
 */
export const checkInAttempts = pgTable(
  'check_in_attempts',
  {
    memberId: integer()
      .notNull()
      .references(() => members.id),
    /** The county date, YYYY-MM-DD. */
    day: text().notNull(),
    wrong: integer().notNull().default(0),
    lastAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.day] })],
);

/** 수료증: issued on completing the required hours, valid three years, with a reminder 30 days before it lapses. */
export const certificates = pgTable(
  'certificates',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    number: text().notNull(),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    workshopId: integer().references(() => workshops.id),
    seriesId: integer().references(() => workshopSeries.id),
    issuedAt: timestamp({ withTimezone: true }).notNull(),
    validUntil: timestamp({ withTimezone: true }).notNull(),
    expiryRemindedAt: timestamp({ withTimezone: true }),
  },
  (t) => [unique('certificates_number_uq').on(t.number), index('certificates_member_idx').on(t.memberId)],
);
