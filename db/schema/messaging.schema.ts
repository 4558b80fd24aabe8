import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { identities, members } from './members.schema.ts';

/** A multi-step dialog in progress, per platform identity; it survives a restart. Data is encrypted: it holds names and numbers. */
export const dialogStates = pgTable('dialog_states', {
  identityId: integer()
    .primaryKey()
    .references(() => identities.id),
  dialog: text().notNull(),
  step: text().notNull(),
  dataEnc: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull(),
});

export const inboundStatuses = ['received', 'handled', 'failed', 'ignored'] as const;

/** Every inbound platform event, stored before it is acknowledged; the unique id makes a redelivery a no-op. */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    platform: text().notNull(),
    eventId: text().notNull(),
    platformUserId: text(),
    /** The normalised core event, encrypted: residents type their numbers into it. Cleared on 탈퇴. */
    payloadEnc: text(),
    status: text({ enum: inboundStatuses }).notNull().default('received'),
    error: text(),
    receivedAt: timestamp({ withTimezone: true }).notNull(),
    handledAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    unique('inbound_events_platform_event_uq').on(t.platform, t.eventId),
    index('inbound_events_pending_idx')
      .on(t.id)
      .where(sql`${t.status} = 'received'`),
  ],
);

export const outboxStatuses = ['queued', 'retrying', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/**
 * Every outbound message: written in the same transaction as the change that caused it, then sent by the delivery
 * worker, which records the outcome here. `dedupeKey` makes enqueueing idempotent; `idempotencyKey` travels to the
 * platform (LINE X-Line-Retry-Key, Discord nonce) so that a retry after a crash never reaches a person twice.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    dedupeKey: text().notNull(),
    idempotencyKey: uuid().notNull().defaultRandom(),
    platform: text().notNull(),
    chatType: text({ enum: ['direct', 'group'] }).notNull(),
    chatId: text().notNull(),
    /** The recipient member, where the chat is a person's. */
    memberId: integer().references(() => members.id),
    /** The member whose personal data the message carries (an approval request names the applicant): erased with theirs. */
    aboutMemberId: integer().references(() => members.id),
    purpose: text().notNull(),
    /** Set on the per-recipient rows of a broadcast: its reach and failures are counted from here. */
    broadcastId: integer(),
    /**
     * Rows of one broadcast, platform and send time share a batch key: the engine sends them in one platform request
     * where the platform can (LINE multicast), keyed by the batch and its members.
     */
    batchKey: text(),
    /** Set on the rows of a notice (이장넷): its delivery to each village head is counted from here. */
    noticeId: integer(),
    /** The platform's id of the message it became (Discord), so that a correction can edit it. */
    platformMessageId: text(),
    /** A delivery made on the member's next platform because this one failed for good: the row it stands in for. */
    fallbackOf: integer(),
    /** Encrypted JSON of the platform-neutral messages; cleared on 탈퇴 of the recipient. */
    messagesEnc: text(),
    /** Platform reply context (e.g. a LINE reply token and when it expires), used while fresh. */
    replyHandle: jsonb().$type<{ token: string; expiresAt: string }>(),
    status: text({ enum: outboxStatuses }).notNull().default('queued'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull(),
    /**
     * A worker that claimed the row holds it until then, or until its owner (`leaseOwner`, a row of
     * `delivery_workers`) stops renewing its liveness: then another worker takes the row over.
     */
    leaseUntil: timestamp({ withTimezone: true }),
    leaseOwner: uuid(),
    /**
     * The platform request this row was put into (a multicast of one batch): decided once, before anything is sent,
     * and retried as it is — the same recipients under the same retry key — so that a retry is recognised (409).
     */
    requestId: integer(),
    /**
     * When a send of this row first used its reply token (LINE's is single-use and carries no retry key): a retry
     * tries the same token again, and a refusal then means the earlier reply landed.
     */
    replyTriedAt: timestamp({ withTimezone: true }),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    unique('outbox_dedupe_uq').on(t.dedupeKey),
    index('outbox_due_idx')
      .on(t.nextAttemptAt, t.id)
      .where(sql`${t.status} in ('queued', 'retrying')`),
    index('outbox_chat_idx').on(t.platform, t.chatId, t.id),
    index('outbox_broadcast_idx').on(t.broadcastId, t.status),
    index('outbox_request_idx')
      .on(t.requestId)
      .where(sql`${t.requestId} is not null`),
  ],
);

export const deliveryRequestStatuses = ['pending', 'sent', 'failed'] as const;

/**
 * One platform request to many recipients (LINE multicast), stored with its retry key in the transaction that claims
 * its rows (`outbox.request_id`), before it is sent. Until it is recorded sent or failed it is retried whole: the
 * same rows, the same key. `owner`/`leaseUntil` as on outbox rows.
 */
export const deliveryRequests = pgTable(
  'delivery_requests',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    platform: text().notNull(),
    retryKey: uuid().notNull().defaultRandom(),
    status: text({ enum: deliveryRequestStatuses }).notNull().default('pending'),
    recipients: integer().notNull(),
    attempts: integer().notNull().default(1),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull(),
    owner: uuid(),
    leaseUntil: timestamp({ withTimezone: true }),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    index('delivery_requests_due_idx')
      .on(t.nextAttemptAt, t.id)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * A running delivery worker (one per process), alive while it renews `aliveUntil` every second or so: the claims of a
 * worker that stopped renewing (killed, frozen) are taken over within seconds, not when their lease lapses.
 */
export const deliveryWorkers = pgTable('delivery_workers', {
  id: uuid().primaryKey(),
  aliveUntil: timestamp({ withTimezone: true }).notNull(),
  startedAt: timestamp({ withTimezone: true }).notNull(),
});

export const broadcastCategories = ['general', 'event', 'urgent'] as const;
export type BroadcastCategory = (typeof broadcastCategories)[number];

/**
 * A village broadcast (마을방송): sent by staff within their scope or by a village head to their village, delivered
 * once to every resident of the scope (one outbox row each, `broadcastId` set) and to the villages' group chats,
 * and kept as an archive to read again.
 */
export const broadcasts = pgTable(
  'broadcasts',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    /** 'county', or the district codes / village ids it reaches. */
    scopeKind: text({ enum: ['county', 'districts', 'villages'] }).notNull(),
    scopeDistricts: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    scopeVillages: integer()
      .array()
      .notNull()
      .default(sql`'{}'::integer[]`),
    category: text({ enum: broadcastCategories }).notNull(),
    /** Public text meant for everyone in scope: kept readable for the archive and its search. */
    body: text().notNull(),
    senderLabel: text().notNull(),
    createdBy: integer()
      .notNull()
      .references(() => members.id),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    sendAt: timestamp({ withTimezone: true }).notNull(),
    fannedOutAt: timestamp({ withTimezone: true }),
    /** When the village heads were told who was not reached (after the last delivery ended). */
    reportedAt: timestamp({ withTimezone: true }),
    recipients: integer().notNull().default(0),
  },
  (t) => [
    index('broadcasts_send_at_idx').on(t.sendAt),
    // `방송 <검색어>` searches the archive with ILIKE; a trigram index serves it (pg_trgm, created before migrations).
    index('broadcasts_body_trgm_idx').using('gin', sql`${t.body} gin_trgm_ops`),
  ],
);
