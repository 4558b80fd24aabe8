import { index, integer, jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';

/**
 * A named lease that one instance holds at a time (e.g. the Discord gateway connection of a bot token): taken and
 * renewed with a conditional upsert, lapsing when its holder stops renewing, so that another instance takes over.
 */
export const leases = pgTable('leases', {
  name: text().primaryKey(),
  holder: text().notNull(),
  leaseUntil: timestamp({ withTimezone: true }).notNull(),
  acquiredAt: timestamp({ withTimezone: true }).notNull(),
});

export const jobRunStatuses = ['running', 'done', 'failed'] as const;

/**
 * One row per scheduled job and slot (the minute it was due, county time stored as timestamptz): an instance claims
 * the slot by inserting the row before it works, so that two instances never both run it, and a slot missed while
 * down is found and caught up once.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    job: text().notNull(),
    slot: timestamp({ withTimezone: true }).notNull(),
    instance: text().notNull(),
    status: text({ enum: jobRunStatuses }).notNull().default('running'),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    finishedAt: timestamp({ withTimezone: true }),
    /** Counts the run reports (e.g. digests queued); never personal data. */
    result: jsonb().$type<Record<string, unknown>>(),
    error: text(),
  },
  (t) => [unique('job_runs_job_slot_uq').on(t.job, t.slot), index('job_runs_job_started_idx').on(t.job, t.startedAt)],
);
