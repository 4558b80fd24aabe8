import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { members, registrations } from './members.schema.ts';

export const phoneModes = ['sms', 'voice', 'none'] as const;
export type PhoneMode = (typeof phoneModes)[number];

/**
 * Consent to delivery by phone (issue 17): without a row whose mode is not 'none' and no opt-out, nothing reaches the
 * person's mobile. 'sms': text messages; 'voice': text messages and broadcasts as a call read aloud. `optedOutAt`: a
 * `거부` reply or the provider's opt-out list stopped it (it takes a new consent in 설정 to start again).
 */
export const phoneConsents = pgTable('phone_consents', {
  memberId: integer()
    .primaryKey()
    .references(() => members.id),
  mode: text({ enum: phoneModes }).notNull(),
  /** Where it was given: the registration's consent, 설정, or a head's 대신 등록 with the signed form held. */
  source: text({ enum: ['registration', 'settings', 'proxy'] }).notNull(),
  consentedAt: timestamp({ withTimezone: true }).notNull(),
  optedOutAt: timestamp({ withTimezone: true }),
  updatedAt: timestamp({ withTimezone: true }).notNull(),
});

/** 대신 등록: who registered the resident and confirmed, when, that the resident's signed consent form is held. */
export const proxyRegistrations = pgTable(
  'proxy_registrations',
  {
    registrationId: integer()
      .primaryKey()
      .references(() => registrations.id),
    registeredBy: integer()
      .notNull()
      .references(() => members.id),
    consentFormConfirmedAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('proxy_registrations_by_idx').on(t.registeredBy)],
);

export const phoneKinds = ['sms', 'lms', 'voice'] as const;
export type PhoneKind = (typeof phoneKinds)[number];

/**
 * One request to the provider (SOLAPI send-many): stored after the provider accepted it, under the key of the
 * delivery (or multicast request) it carried, so that a retry of that delivery sends nobody again. The provider takes
 * no retry key: a crash between its answer and this insert is the window in which a retry may send twice.
 */
export const phoneSends = pgTable(
  'phone_sends',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    retryKey: text().notNull(),
    kind: text({ enum: phoneKinds }).notNull(),
    providerGroupId: text(),
    /** The platform-neutral messages it carried, encrypted: a failed SMS falls back to the next platform with them. */
    messagesEnc: text(),
    /** False for an extra copy (a 긴급 broadcast's SMS beside the chat delivery): its failure falls back nowhere. */
    fallsBack: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('phone_sends_key_idx').on(t.retryKey)],
);

export const phoneStatuses = ['accepted', 'delivered', 'failed', 'unanswered', 'opted_out'] as const;
export type PhoneStatus = (typeof phoneStatuses)[number];

/** One message of a send, per recipient, with the provider's status as its reports come (status API or webhook). */
export const phoneMessages = pgTable(
  'phone_messages',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    sendId: integer()
      .notNull()
      .references(() => phoneSends.id),
    memberId: integer().references(() => members.id),
    /** The phone identity (blind index of the number), never the number. */
    recipient: text().notNull(),
    providerMessageId: text(),
    kind: text({ enum: phoneKinds }).notNull(),
    status: text({ enum: phoneStatuses }).notNull().default('accepted'),
    statusCode: text(),
    /** When a failed SMS was handed to the person's next platform. */
    fellBackAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    index('phone_messages_send_idx').on(t.sendId),
    index('phone_messages_open_idx')
      .on(t.sendId)
      .where(sql`${t.status} = 'accepted'`),
    index('phone_messages_member_idx').on(t.memberId),
  ],
);

export const callStatuses = ['queued', 'placed', 'answered', 'unanswered', 'failed'] as const;

/**
 * A broadcast's call to one resident, one row per attempt (1 to 3): unanswered, the next attempt is made 3 and then
 * 15 minutes later. The outbox row that places it points here (`call:<id>`), so the number is read at call time.
 */
export const phoneCalls = pgTable(
  'phone_calls',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    broadcastId: integer().notNull(),
    memberId: integer().references(() => members.id),
    attempt: integer().notNull(),
    status: text({ enum: callStatuses }).notNull().default('queued'),
    providerGroupId: text(),
    providerMessageId: text(),
    placedAt: timestamp({ withTimezone: true }),
    endedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    unique('phone_calls_attempt_uq').on(t.broadcastId, t.memberId, t.attempt),
    index('phone_calls_open_idx')
      .on(t.id)
      .where(sql`${t.status} in ('queued', 'placed')`),
  ],
);
