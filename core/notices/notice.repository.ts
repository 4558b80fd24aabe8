import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  counties,
  groupChats,
  noticeRecipients,
  noticeRelays,
  notices,
  registrations,
  roles,
  villages,
} from '../../db/schema/index.ts';
import type { ChatRef } from '../channel/channel.types.ts';
import { deliveryIdOf, platformMessageIds } from '../delivery/delivery.subject.ts';

/**
 * The queries of sending, acknowledging, relaying and revising a notice (tracking, follow-ups and previews:
 * notice.tracking.repository.ts). Rows go in and out as stored.
 */
export type NoticeRow = typeof notices.$inferSelect;
type NewNotice = typeof notices.$inferInsert;

export async function insertNotice(tx: DbOrTx, values: NewNotice): Promise<NoticeRow> {
  const [notice] = await tx.insert(notices).values(values).returning();
  if (!notice) throw new Error('notice insert returned nothing');
  return notice;
}

export async function findNotice(tx: DbOrTx, id: number): Promise<NoticeRow | null> {
  const [row] = await tx.select().from(notices).where(eq(notices.id, id));
  return row ?? null;
}

export async function countyName(tx: DbOrTx): Promise<string | undefined> {
  const [county] = await tx.select({ nameKo: counties.nameKo }).from(counties).limit(1);
  return county?.nameKo;
}

/** The heads of these villages, one row per head and village. */
export async function villageHeads(
  tx: DbOrTx,
  villageIds: number[],
): Promise<{ memberId: number; villageId: number | null }[]> {
  return villageIds.length
    ? tx
        .select({ memberId: roles.memberId, villageId: roles.villageId })
        .from(roles)
        .where(and(eq(roles.role, 'village_head'), inArray(roles.villageId, villageIds)))
    : [];
}

export async function insertRecipients(
  tx: DbOrTx,
  rows: { noticeId: number; villageId: number; headMemberId: number }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000)
    await tx
      .insert(noticeRecipients)
      .values(rows.slice(i, i + 1000))
      .onConflictDoNothing();
}

/** Of these villages, those that chose to get notices in their chats at once. */
export async function autoRelayVillageIds(tx: DbOrTx, villageIds: number[]): Promise<number[]> {
  if (villageIds.length === 0) return [];
  const rows = await tx
    .select({ id: villages.id })
    .from(villages)
    .where(and(inArray(villages.id, villageIds), eq(villages.autoRelay, true)));
  return rows.map((r) => r.id);
}

export async function approvedRealName(tx: DbOrTx, memberId: number): Promise<string | null> {
  const [reg] = await tx
    .select({ realName: registrations.realName })
    .from(registrations)
    .where(and(eq(registrations.memberId, memberId), eq(registrations.status, 'approved')));
  return reg?.realName ?? null;
}

export async function chatsOfVillage(tx: DbOrTx, villageId: number): Promise<{ platform: string; chatId: string }[]> {
  return tx
    .select({ platform: groupChats.platform, chatId: groupChats.chatId })
    .from(groupChats)
    .where(eq(groupChats.villageId, villageId));
}

/** The village a group chat is linked to, if any. */
export async function villageOfChat(tx: DbOrTx, chat: ChatRef): Promise<number | null> {
  const [room] = await tx
    .select({ villageId: groupChats.villageId })
    .from(groupChats)
    .where(and(eq(groupChats.platform, chat.platform), eq(groupChats.chatId, chat.id)));
  return room?.villageId ?? null;
}

export async function villageName(tx: DbOrTx, id: number): Promise<string | undefined> {
  const [room] = await tx.select({ name: villages.nameKo }).from(villages).where(eq(villages.id, id));
  return room?.name;
}

/** Records a relay into one chat; undefined when that chat already has the notice. */
export async function insertRelay(
  tx: DbOrTx,
  values: {
    noticeId: number;
    villageId: number;
    platform: string;
    chatId: string;
    relayedBy: number | null;
    relayedAt: Date;
  },
): Promise<number | undefined> {
  const [relay] = await tx.insert(noticeRelays).values(values).onConflictDoNothing().returning({ id: noticeRelays.id });
  return relay?.id;
}

/** The copy's delivery: once sent it holds the platform's message id, which a correction edits. */
export async function linkRelayToOutbox(tx: DbOrTx, relayId: number, dedupeKey: string): Promise<void> {
  await tx
    .update(noticeRelays)
    .set({ outboxId: await deliveryIdOf({ tx, dedupeKey }) })
    .where(eq(noticeRelays.id, relayId));
}

/** The recipient rows of one head for one notice, with the village each is for. */
export async function recipientsOfHead(tx: DbOrTx, noticeId: number, memberId: number) {
  return tx
    .select({
      id: noticeRecipients.id,
      villageId: noticeRecipients.villageId,
      name: villages.nameKo,
      districtCode: villages.districtCode,
    })
    .from(noticeRecipients)
    .innerJoin(villages, eq(villages.id, noticeRecipients.villageId))
    .where(and(eq(noticeRecipients.noticeId, noticeId), eq(noticeRecipients.headMemberId, memberId)));
}

/** Marks these recipient rows acknowledged (those not yet); returns how many changed. */
export async function acknowledgeRecipients(tx: DbOrTx, ids: number[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const updated = await tx
    .update(noticeRecipients)
    .set({ acknowledgedAt: now })
    .where(and(inArray(noticeRecipients.id, ids), isNull(noticeRecipients.acknowledgedAt)))
    .returning({ id: noticeRecipients.id });
  return updated.length;
}

/** The first relay time of a recipient row stays. */
export async function markRelayed(tx: DbOrTx, recipientId: number, now: Date): Promise<void> {
  await tx
    .update(noticeRecipients)
    .set({ relayedAt: sql`coalesce(${noticeRecipients.relayedAt}, ${now.toISOString()}::timestamptz)` })
    .where(eq(noticeRecipients.id, recipientId));
}

export async function correctBody(tx: DbOrTx, notice: NoticeRow, body: string, now: Date): Promise<NoticeRow | null> {
  const [updated] = await tx
    .update(notices)
    .set({ body, version: notice.version + 1, correctedAt: now })
    .where(eq(notices.id, notice.id))
    .returning();
  return updated ?? null;
}

/** Withdraws a notice; null when it was already withdrawn. */
export async function markWithdrawn(tx: DbOrTx, id: number, now: Date): Promise<NoticeRow | null> {
  const [updated] = await tx
    .update(notices)
    .set({ withdrawnAt: now })
    .where(and(eq(notices.id, id), isNull(notices.withdrawnAt)))
    .returning();
  return updated ?? null;
}

/** Every relayed copy of a notice, with the platform's message id once the copy was sent. */
export async function relayedCopies(tx: DbOrTx, noticeId: number) {
  const relays = await tx
    .select({
      platform: noticeRelays.platform,
      chatId: noticeRelays.chatId,
      relayedBy: noticeRelays.relayedBy,
      outboxId: noticeRelays.outboxId,
    })
    .from(noticeRelays)
    .where(eq(noticeRelays.noticeId, noticeId));
  const sent = await platformMessageIds({ tx, ids: relays.flatMap((r) => (r.outboxId === null ? [] : [r.outboxId])) });
  return relays.map(({ outboxId, ...relay }) => ({
    ...relay,
    messageId: outboxId === null ? null : (sent.get(outboxId) ?? null),
  }));
}

export async function recipientHeadIds(tx: DbOrTx, noticeId: number): Promise<number[]> {
  const heads = await tx
    .selectDistinct({ memberId: noticeRecipients.headMemberId })
    .from(noticeRecipients)
    .where(eq(noticeRecipients.noticeId, noticeId));
  return heads.map((h) => h.memberId);
}
