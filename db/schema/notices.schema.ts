import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { members } from './members.schema.ts';
import { districts, villages } from './places.schema.ts';

/**
 * A notice (공지, smart 이장넷) from county or district staff to the village heads of a scope, to be acknowledged
 * and relayed into village chats. Public text for the villages: kept readable.
 */
export const notices = pgTable(
  'notices',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    scopeKind: text({ enum: ['county', 'districts', 'villages'] }).notNull(),
    scopeDistricts: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    scopeVillages: integer()
      .array()
      .notNull()
      .default(sql`'{}'::integer[]`),
    priority: text({ enum: ['normal', 'high'] })
      .notNull()
      .default('normal'),
    body: text().notNull(),
    senderLabel: text().notNull(),
    createdBy: integer()
      .notNull()
      .references(() => members.id),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    /** Village heads are reminded before it and the district staff room is told who is missing after it. */
    ackDeadline: timestamp({ withTimezone: true }),
    /** Bumped by each correction; relayed copies are edited (Discord) or followed by a correction (LINE). */
    version: integer().notNull().default(1),
    correctedAt: timestamp({ withTimezone: true }),
    withdrawnAt: timestamp({ withTimezone: true }),
    remindedAt: timestamp({ withTimezone: true }),
    escalatedAt: timestamp({ withTimezone: true }),
    /** Room for details that need no query of their own. */
    meta: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [index('notices_created_idx').on(t.createdAt)],
);

/** Each village head a notice went to, per village: acknowledged and relayed when. */
export const noticeRecipients = pgTable(
  'notice_recipients',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    noticeId: integer()
      .notNull()
      .references(() => notices.id),
    villageId: integer()
      .notNull()
      .references(() => villages.id),
    headMemberId: integer()
      .notNull()
      .references(() => members.id),
    acknowledgedAt: timestamp({ withTimezone: true }),
    relayedAt: timestamp({ withTimezone: true }),
    remindedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    unique('notice_recipients_uq').on(t.noticeId, t.villageId, t.headMemberId),
    index('notice_recipients_village_idx').on(t.villageId),
  ],
);

/** A copy of a notice posted into a village group chat: by whom, where, and the platform's message (to edit it). */
export const noticeRelays = pgTable(
  'notice_relays',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    noticeId: integer()
      .notNull()
      .references(() => notices.id),
    villageId: integer()
      .notNull()
      .references(() => villages.id),
    platform: text().notNull(),
    chatId: text().notNull(),
    /** Null for an automatic relay (the village opted in). */
    relayedBy: integer().references(() => members.id),
    relayedAt: timestamp({ withTimezone: true }).notNull(),
    /** The outbox row that carried it: its platformMessageId is what a correction edits. */
    outboxId: integer(),
  },
  (t) => [unique('notice_relays_uq').on(t.noticeId, t.platform, t.chatId)],
);

/** 보고: a village head's report up to the district office, and the staff answer that goes back to them. */
export const reports = pgTable(
  'reports',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    villageId: integer()
      .notNull()
      .references(() => villages.id),
    districtCode: text()
      .notNull()
      .references(() => districts.code),
    authorMemberId: integer()
      .notNull()
      .references(() => members.id),
    bodyEnc: text(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    answerEnc: text(),
    answeredBy: integer().references(() => members.id),
    answeredAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('reports_district_idx').on(t.districtCode, t.createdAt)],
);
