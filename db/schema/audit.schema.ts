import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { members } from './members.schema.ts';

export const auditVia = ['chat', 'console'] as const;
export type AuditVia = (typeof auditVia)[number];

/**
 * 기록: every staff action, from chat or console — who, what, on what, in which scope, when. Append-only. `subject`
 * names the thing acted on (a receipt number, "registration:12", "broadcast:3"), never a person's name or number.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp({ withTimezone: true }).notNull(),
    actorMemberId: integer()
      .notNull()
      .references(() => members.id),
    action: text().notNull(),
    subject: text().notNull(),
    districtCode: text(),
    villageId: integer(),
    via: text({ enum: auditVia }).notNull(),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_actor_idx').on(t.actorMemberId, t.at)],
);
