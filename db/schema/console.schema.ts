import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { members } from './members.schema.ts';

/**
 * One-time links to the staff console (`콘솔` in chat). Only the SHA-256 of the token is kept: the link itself lives
 * in the chat message alone. A link is good once, for 5 minutes.
 */
export const consoleLoginLinks = pgTable(
  'console_login_links',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    tokenHash: text().notNull().unique(),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('console_login_links_member_idx').on(t.memberId)],
);

/**
 * A signed-in browser: the cookie holds a random token, the table its SHA-256. Ends at logout or after 30 idle
 * minutes (`lastSeenAt`). `csrf` is the token every form of this session carries.
 */
export const consoleSessions = pgTable(
  'console_sessions',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    tokenHash: text().notNull().unique(),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    csrf: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull(),
    endedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('console_sessions_member_idx').on(t.memberId)],
);
