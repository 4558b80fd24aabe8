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
/** The kinds of subject a delivery can be about (core/delivery/delivery.subject.ts). */
export const subjectKinds = ['broadcast', 'notice'] as const;
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
    /**
     * What the message is about, where its deliveries are counted or found later (a broadcast's reach, a notice's
     * heads): a kind and that thing's id, read and written only through core/delivery/delivery.subject.ts.
     */
    subjectKind: text({ enum: subjectKinds }),
    subjectId: integer(),
    /**
     * Rows of one broadcast, platform and send time share a batch key (at most 500): written with the one request
     * (`delivery_requests`, kind `batch`) that sends them, and only ever sent through it.
     */
    batchKey: text(),
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
    // Rows sent one by one, by when they are due (one that ended is due never: ENDED, core/delivery/delivery.record.ts).
    // A batch's rows are found through their request and stay out of it; and no index names `status`, `sent_at`,
    // `attempts` or `last_error`, so that a batch row's outcome can be a HOT update (fillfactor: migration 0021).
    index('outbox_due_idx')
      .on(t.nextAttemptAt, t.id)
      .where(sql`${t.batchKey} is null`),
    index('outbox_chat_idx').on(t.platform, t.chatId, t.id),
    index('outbox_subject_idx')
      .on(t.subjectKind, t.subjectId)
      .where(sql`${t.subjectId} is not null`),
  ],
);

export const deliveryRequestStatuses = ['pending', 'sent', 'failed'] as const;
/**
 * `batch`: one platform request to the rows of one fan-out batch (LINE multicast), decided when the rows are written.
 * `lease`: the rows sent one by one that one claim took (replies, notices, group chats): a lease on all of them.
 */
export const deliveryRequestKinds = ['batch', 'lease'] as const;

/**
 * A claim on outbox rows, so that claiming writes one row here rather than one per recipient. A `batch` is one
 * platform request (LINE multicast) to the rows of one fan-out batch, written with them in one statement, its
 * recipients (`rowIds`) and retry key decided before anything is sent: until it is recorded sent or failed it is
 * retried whole — the same rows, the same key — whichever worker does it. A `lease` holds the rows one claim took to
 * send one by one, and goes when they are recorded. Both belong to `owner` (a `delivery_workers` row) until
 * `leaseUntil`, or until the owner stops renewing its liveness: then another worker takes them over.
 */
export const deliveryRequests = pgTable(
  'delivery_requests',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    kind: text({ enum: deliveryRequestKinds }).notNull().default('batch'),
    /** The platform of a batch; null on a lease (its rows may be of any platform). */
    platform: text(),
    retryKey: uuid().notNull().defaultRandom(),
    /** The outbox rows it covers, decided once: a batch's recipients, a lease's claimed rows. */
    rowIds: integer()
      .array()
      .notNull()
      .default(sql`'{}'::integer[]`),
    status: text({ enum: deliveryRequestStatuses }).notNull().default('pending'),
    recipients: integer().notNull(),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull(),
    owner: uuid(),
    leaseUntil: timestamp({ withTimezone: true }),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    index('delivery_requests_due_idx')
      .on(t.nextAttemptAt, t.id)
      .where(sql`${t.status} = 'pending' and ${t.kind} = 'batch'`),
    index('delivery_requests_lease_idx')
      .on(t.id)
      .where(sql`${t.kind} = 'lease'`),
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
 * once to every resident of the scope (one outbox row each, its subject the broadcast) and to the villages' group chats,
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
