import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { members } from './members.schema.ts';
import { districts, villages } from './places.schema.ts';

/** Named counters that many instances increment atomically (a year's feedback receipt numbers). */
export const counters = pgTable('counters', {
  name: text().primaryKey(),
  value: integer().notNull().default(0),
});

export const feedbackCategories = ['road', 'environment', 'welfare', 'safety', 'farming', 'admin', 'other'] as const;
export type FeedbackCategory = (typeof feedbackCategories)[number];
export const feedbackStatuses = ['received', 'assigned', 'answered', 'closed'] as const;
export type FeedbackStatus = (typeof feedbackStatuses)[number];

/**
 * A resident's opinion or complaint (의견): a receipt number, where it comes from, what it is about, and where it
 * stands. The text and its summary are encrypted (residents write their numbers and addresses into them) and
 * erased on 탈퇴: no column holds a copy of what the resident wrote in plain text.
 */
export const feedbackItems = pgTable(
  'feedback_items',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    /** 2026-000123: the year and that year's sequence. */
    receiptNo: text().notNull(),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    /** The identity it was written from: the answer goes back there first. */
    platform: text().notNull(),
    platformUserId: text().notNull(),
    districtCode: text()
      .notNull()
      .references(() => districts.code),
    villageId: integer().references(() => villages.id),
    /** Written before the village head approved the writer: staff see the flag. */
    unapproved: boolean().notNull().default(false),
    bodyEnc: text(),
    /** Photos and locations sent with it (platform references, coordinates), encrypted JSON. */
    attachmentsEnc: text(),
    category: text({ enum: feedbackCategories }).notNull().default('other'),
    urgent: boolean().notNull().default(false),
    /** The one-line summary staff see on the card (the model's, or the first sentence): encrypted like the text. */
    summaryEnc: text(),
    /** 'model' or 'rules': who classified it. Null until triage ran; staff rooms hear of it after triage. */
    triagedBy: text(),
    triageStartedAt: timestamp({ withTimezone: true }),
    status: text({ enum: feedbackStatuses }).notNull().default('received'),
    assignedTo: integer().references(() => members.id),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    /** The first answer is due by then (working days); overdue items are escalated once. */
    dueAt: timestamp({ withTimezone: true }).notNull(),
    firstAnsweredAt: timestamp({ withTimezone: true }),
    escalatedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
    resolved: boolean(),
    satisfaction: integer(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
    meta: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [
    unique('feedback_receipt_uq').on(t.receiptNo),
    index('feedback_member_idx').on(t.memberId, t.createdAt),
    index('feedback_district_status_idx').on(t.districtCode, t.status),
    index('feedback_untriaged_idx')
      .on(t.id)
      .where(sql`${t.triagedBy} is null`),
  ],
);

/** The thread of an item: the resident's text, staff answers, the resident writing back. Encrypted; erased on 탈퇴. */
export const feedbackMessages = pgTable(
  'feedback_messages',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    itemId: integer()
      .notNull()
      .references(() => feedbackItems.id),
    authorMemberId: integer()
      .notNull()
      .references(() => members.id),
    role: text({ enum: ['resident', 'staff'] }).notNull(),
    bodyEnc: text(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('feedback_messages_item_idx').on(t.itemId, t.id)],
);
