import { boolean, integer, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';

// county → district (읍·면·동) → village (마을·리). Districts keep the county's own short code as key.
export const counties = pgTable('counties', {
  code: text().primaryKey(),
  nameKo: text().notNull(),
  timezone: text().notNull().default('Asia/Seoul'),
});

export const districts = pgTable('districts', {
  code: text().primaryKey(),
  countyCode: text()
    .notNull()
    .references(() => counties.code),
  nameKo: text().notNull(),
  nameEn: text().notNull(),
  kind: text({ enum: ['eup', 'myeon', 'dong'] }).notNull(),
  /** The county's own order (읍 first), used for numbered choices. */
  position: integer().notNull().default(0),
});

export const villages = pgTable(
  'villages',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    districtCode: text()
      .notNull()
      .references(() => districts.code),
    nameKo: text().notNull(),
    /** The village opted in: notices are relayed into its group chats without waiting for the head. */
    autoRelay: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('villages_district_name_uq').on(t.districtCode, t.nameKo)],
);

/** A group chat on some platform linked to a village (relays land there) or marked as a staff room. */
export const groupChats = pgTable(
  'group_chats',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    platform: text().notNull(),
    chatId: text().notNull(),
    title: text(),
    villageId: integer().references(() => villages.id),
    staffDistrictCode: text().references(() => districts.code),
    isHqStaffRoom: boolean().notNull().default(false),
    linkedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('group_chats_platform_chat_uq').on(t.platform, t.chatId)],
);
