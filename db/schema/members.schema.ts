import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { districts, villages } from './places.schema.ts';

/** One person; their platform accounts are identities. Real name and number live in registrations only. */
export const members = pgTable('members', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  language: text().notNull().default('ko'),
  /** Non-urgent messages wait until the window ends (county time, HH:MM); 긴급 ignores it. */
  quietStart: text().notNull().default('21:00'),
  quietEnd: text().notNull().default('07:00'),
  /** 설정: non-urgent village broadcasts as they come ('instant') or in one message a day ('digest') at digestTime. */
  broadcastMode: text({ enum: ['instant', 'digest'] })
    .notNull()
    .default('instant'),
  digestTime: text().notNull().default('18:00'),
});

export const identities = pgTable(
  'identities',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    platform: text().notNull(),
    platformUserId: text().notNull(),
    /** The platform's display name: a nickname, never treated as a real name. */
    nickname: text(),
    /** False once the person blocked or unfollowed the bot: deliveries skip it. */
    reachable: boolean().notNull().default(true),
    /** When this identity last wrote to the bot: a message to the member goes to the identity they use most recently. */
    lastSeenAt: timestamp({ withTimezone: true }),
    /** 설정 "먼저 받을 메신저": the person's order (1 first); null until they choose. The rule: core/members/identity.order.ts. */
    rank: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('identities_platform_user_uq').on(t.platform, t.platformUserId),
    index('identities_member_idx').on(t.memberId),
  ],
);

export const roleNames = ['village_head', 'district_staff', 'county_staff', 'admin'] as const;
export type RoleName = (typeof roleNames)[number];

/** Appointed roles with their scope. Being a resident is not a role row: it is an approved registration. */
export const roles = pgTable(
  'roles',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    role: text({ enum: roleNames }).notNull(),
    villageId: integer().references(() => villages.id),
    districtCode: text().references(() => districts.code),
    grantedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('roles_member_scope_uq').on(t.memberId, t.role, t.villageId, t.districtCode).nullsNotDistinct()],
);

export const registrationStatuses = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type RegistrationStatus = (typeof registrationStatuses)[number];

export const registrations = pgTable(
  'registrations',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    consentVersion: text().notNull(),
    consentedAt: timestamp({ withTimezone: true }).notNull(),
    /** Null once erased (탈퇴). Shown masked except to staff and the head of this village. */
    realName: text(),
    /** AES-256-GCM ciphertext of the +82 number; null once erased. */
    mobileEnc: text(),
    /** HMAC of the normalised number, to find a number registered twice without decrypting. */
    mobileHash: text(),
    villageId: integer()
      .notNull()
      .references(() => villages.id),
    status: text({ enum: registrationStatuses }).notNull().default('pending'),
    decidedBy: integer().references(() => members.id),
    decidedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    withdrawnAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('registrations_one_active_per_member_uq')
      .on(t.memberId)
      .where(sql`${t.status} in ('pending', 'approved')`),
    uniqueIndex('registrations_one_active_per_mobile_uq')
      .on(t.mobileHash)
      .where(sql`${t.status} in ('pending', 'approved')`),
    index('registrations_village_status_idx').on(t.villageId, t.status),
  ],
);

/**
 * A role waiting for its person: the admin imports the village-head roster (or appoints staff) by mobile number;
 * when that number's registration is approved, the role is granted. Kept by blind index, never the number itself.
 */
export const appointments = pgTable(
  'appointments',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    mobileHash: text().notNull(),
    role: text({ enum: roleNames }).notNull(),
    villageId: integer().references(() => villages.id),
    districtCode: text().references(() => districts.code),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    claimedBy: integer().references(() => members.id),
    claimedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    unique('appointments_scope_uq').on(t.mobileHash, t.role, t.villageId, t.districtCode).nullsNotDistinct(),
    index('appointments_open_idx')
      .on(t.mobileHash)
      .where(sql`${t.claimedBy} is null`),
  ],
);

/**
 * 연결: a 6-digit code shown on one platform, typed on another to make both identities one member. Only the keyed
 * hash of the code is kept; it lapses after 10 minutes, on use, and after too many wrong guesses while it is live.
 */
export const linkCodes = pgTable(
  'link_codes',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    /** The identity the code was shown to: typing it from that same account links nothing. */
    identityId: integer()
      .notNull()
      .references(() => identities.id, { onDelete: 'cascade' }),
    codeHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    /** Wrong codes typed anywhere while this one was live: each is a guess at every live code. */
    wrong: integer().notNull().default(0),
  },
  (t) => [unique('link_codes_hash_uq').on(t.codeHash), index('link_codes_member_idx').on(t.memberId)],
);

/** Wrong 연결 codes typed by an identity, one row each; those older than an hour are deleted as new ones come. */
export const linkAttempts = pgTable(
  'link_attempts',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    // An identity that goes (a phone identity when its number changes) takes its attempts with it.
    identityId: integer()
      .notNull()
      .references(() => identities.id, { onDelete: 'cascade' }),
    at: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('link_attempts_identity_idx').on(t.identityId, t.at)],
);
