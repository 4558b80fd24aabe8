import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  counties,
  groupChats,
  noticeRecipients,
  noticeRelays,
  notices,
  outbox,
  registrations,
  roles,
  villages,
} from '../../db/schema/index.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
import { type BroadcastScope, mayAddressScope } from '../broadcasts/broadcast.scope.ts';
import { villagesInScope } from '../broadcasts/broadcast.usecases.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue, enqueueToMember } from '../delivery/outbox.write.ts';
import { maskName } from '../privacy/privacy.mask.ts';
import { checkNotice, type NoticeDraft, type SendNoticeResult } from './notice.check.ts';
import { headCard, type NoticeView, type RelayBy, relayText } from './notice.text.ts';

export type NoticeRow = typeof notices.$inferSelect;

export type { NoticeDraft, NoticeRefusal, SendNoticeResult } from './notice.check.ts';

/**
 * 공지: creates the notice and, in the same transaction, one recipient row per village in scope × its head(s) and one
 * delivery per head (a head of two villages gets it once). High priority passes quiet hours. Villages that opted in
 * get it in their chats at once. Chat previews it first (previewNotice); the console may call this directly.
 */
export async function sendNotice(input: NoticeDraft): Promise<SendNoticeResult> {
  const { tx, deps } = input;
  const checked = await checkNotice(input);
  if (checked.kind !== 'ok') return checked;
  const { body, inScope } = checked;
  const now = deps.clock.now();
  const [notice] = await tx
    .insert(notices)
    .values({
      scopeKind: input.scope.kind,
      scopeDistricts: input.scope.kind === 'districts' ? input.scope.codes : [],
      scopeVillages: input.scope.kind === 'villages' ? input.scope.ids : [],
      priority: input.priority,
      body,
      senderLabel: input.sender.label,
      createdBy: input.sender.memberId,
      createdAt: now,
      ackDeadline: input.ackDeadline ?? null,
    })
    .returning();
  if (!notice) throw new Error('notice insert returned nothing');
  const villageIds = inScope.map((v) => v.id);
  const heads = villageIds.length
    ? await tx
        .select({ memberId: roles.memberId, villageId: roles.villageId })
        .from(roles)
        .where(and(eq(roles.role, 'village_head'), inArray(roles.villageId, villageIds)))
    : [];
  for (let i = 0; i < heads.length; i += 1000)
    await tx
      .insert(noticeRecipients)
      .values(
        heads
          .slice(i, i + 1000)
          .map((h) => ({ noticeId: notice.id, villageId: h.villageId ?? -1, headMemberId: h.memberId })),
      )
      .onConflictDoNothing();
  const view = await noticeView(tx, notice);
  const card = headCard(view, deps.timezone);
  const memberIds = [...new Set(heads.map((h) => h.memberId))];
  let reached = 0;
  for (const memberId of memberIds)
    if (
      await enqueueToMember(tx, deps, {
        memberId,
        messages: [card],
        purpose: 'notice',
        noticeId: notice.id,
        urgent: notice.priority === 'high',
        dedupeKey: `notice:${notice.id}:head:${memberId}`,
      })
    )
      reached++;
  const auto = villageIds.length
    ? await tx
        .select({ id: villages.id })
        .from(villages)
        .where(and(inArray(villages.id, villageIds), eq(villages.autoRelay, true)))
    : [];
  let autoRelayed = 0;
  for (const v of auto) autoRelayed += (await relayIntoVillage(tx, deps, notice, v.id, null)).posted;
  const headed = new Set(heads.map((h) => h.villageId));
  deps.logger.info(
    { noticeId: notice.id, heads: memberIds.length, reached, villages: villageIds.length, autoRelayed },
    'notice sent',
  );
  return {
    kind: 'sent',
    noticeId: notice.id,
    heads: memberIds.length,
    villages: villageIds.length,
    villagesWithoutHead: villageIds.filter((id) => !headed.has(id)).length,
    autoRelayed,
  };
}

/** Whether the sender may address every place of the scope (notice.send: district staff their district only). */
export async function mayAddress(tx: DbOrTx, grants: readonly RoleGrant[], scope: BroadcastScope): Promise<boolean> {
  return mayAddressScope(grants, 'notice.send', scope, await villagesInScope(tx, scope));
}

export async function noticeView(tx: DbOrTx, notice: NoticeRow): Promise<NoticeView> {
  const [county] = await tx.select({ nameKo: counties.nameKo }).from(counties).limit(1);
  return { ...notice, countyName: county?.nameKo ?? '군청' };
}

export async function loadNotice(tx: DbOrTx, id: number): Promise<NoticeRow | null> {
  const [row] = await tx.select().from(notices).where(eq(notices.id, id));
  return row ?? null;
}

/** A head's name as a village room sees it (masked); empty when the head has no registered name. */
export async function maskedHeadName(tx: DbOrTx, memberId: number): Promise<string> {
  const [reg] = await tx
    .select({ realName: registrations.realName })
    .from(registrations)
    .where(and(eq(registrations.memberId, memberId), eq(registrations.status, 'approved')));
  return reg?.realName ? maskName(reg.realName) : '';
}

/**
 * Posts the notice into every group chat linked to the village, on every platform, once per chat (a second relay of
 * the same village adds nothing). `relayedBy` null: the village's automatic relay. Returns the chats newly posted to.
 */
export async function relayIntoVillage(
  tx: DbOrTx,
  deps: CoreDeps,
  notice: NoticeRow,
  villageId: number,
  relayedBy: number | null,
): Promise<{ posted: number; already: number; chats: number }> {
  const now = deps.clock.now();
  const chats = await tx
    .select({ platform: groupChats.platform, chatId: groupChats.chatId })
    .from(groupChats)
    .where(eq(groupChats.villageId, villageId));
  if (chats.length === 0) return { posted: 0, already: 0, chats: 0 };
  const by: RelayBy =
    relayedBy === null ? { kind: 'auto' } : { kind: 'head', maskedName: await maskedHeadName(tx, relayedBy) };
  const text = relayText(await noticeView(tx, notice), by, notice.version > 1);
  let posted = 0;
  for (const chat of chats) {
    const [relay] = await tx
      .insert(noticeRelays)
      .values({
        noticeId: notice.id,
        villageId,
        platform: chat.platform,
        chatId: chat.chatId,
        relayedBy,
        relayedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: noticeRelays.id });
    if (!relay) continue;
    const dedupeKey = `notice:${notice.id}:relay:${chat.platform}:${chat.chatId}`;
    await enqueue(tx, deps, {
      dedupeKey,
      to: { platform: chat.platform, type: 'group', id: chat.chatId },
      purpose: 'notice.relay',
      noticeId: notice.id,
      messages: [{ text }],
    });
    // The copy's outbox row: once sent it holds the platform's message id, which a correction edits.
    await tx
      .update(noticeRelays)
      .set({ outboxId: sql`(select ${outbox.id} from ${outbox} where ${outbox.dedupeKey} = ${dedupeKey})` })
      .where(eq(noticeRelays.id, relay.id));
    posted++;
  }
  return { posted, already: chats.length - posted, chats: chats.length };
}

export type AckResult =
  | { kind: 'acknowledged'; already: boolean }
  | { kind: 'not_found' }
  | { kind: 'withdrawn' }
  | { kind: 'not_recipient' };

/** 공지 확인 N: the head has read it (every village of theirs the notice went to). */
export async function acknowledgeNotice(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  memberId: number;
  noticeId: number;
}): Promise<AckResult> {
  const notice = await loadNotice(input.tx, input.noticeId);
  if (!notice) return { kind: 'not_found' };
  if (notice.withdrawnAt) return { kind: 'withdrawn' };
  const mine = and(eq(noticeRecipients.noticeId, notice.id), eq(noticeRecipients.headMemberId, input.memberId));
  const rows = await input.tx.select({ id: noticeRecipients.id }).from(noticeRecipients).where(mine);
  if (rows.length === 0) return { kind: 'not_recipient' };
  const updated = await input.tx
    .update(noticeRecipients)
    .set({ acknowledgedAt: input.deps.clock.now() })
    .where(and(mine, isNull(noticeRecipients.acknowledgedAt)))
    .returning({ id: noticeRecipients.id });
  return { kind: 'acknowledged', already: updated.length === 0 };
}

export type RelayResult =
  | { kind: 'relayed'; villages: { villageId: number; name: string; posted: number; already: number; chats: number }[] }
  | { kind: 'not_found' }
  | { kind: 'withdrawn' }
  | { kind: 'not_recipient' }
  | { kind: 'wrong_room'; roomVillage: string };

/**
 * 공지 전달 N: posts the notice into the chats of the villages this head heads and received it for — never into another
 * village's chat, even when typed there (the room is refused). Counts as acknowledgement.
 */
export async function relayNotice(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  head: { memberId: number; grants: readonly RoleGrant[] };
  noticeId: number;
  /** The village of the group chat the command was typed in, if any. */
  roomVillageId?: number | null | undefined;
}): Promise<RelayResult> {
  const { tx, deps } = input;
  const notice = await loadNotice(tx, input.noticeId);
  if (!notice) return { kind: 'not_found' };
  if (notice.withdrawnAt) return { kind: 'withdrawn' };
  const rows = await tx
    .select({
      id: noticeRecipients.id,
      villageId: noticeRecipients.villageId,
      name: villages.nameKo,
      districtCode: villages.districtCode,
    })
    .from(noticeRecipients)
    .innerJoin(villages, eq(villages.id, noticeRecipients.villageId))
    .where(and(eq(noticeRecipients.noticeId, notice.id), eq(noticeRecipients.headMemberId, input.head.memberId)));
  const mine = rows.filter((r) =>
    can(input.head.grants, 'notice.relay', { villageId: r.villageId, districtCode: r.districtCode }),
  );
  if (mine.length === 0) return { kind: 'not_recipient' };
  if (input.roomVillageId != null && !mine.some((r) => r.villageId === input.roomVillageId)) {
    const [room] = await tx
      .select({ name: villages.nameKo })
      .from(villages)
      .where(eq(villages.id, input.roomVillageId));
    return { kind: 'wrong_room', roomVillage: room?.name ?? '다른 마을' };
  }
  const now = deps.clock.now();
  const result: Extract<RelayResult, { kind: 'relayed' }>['villages'] = [];
  for (const r of mine) {
    const outcome = await relayIntoVillage(tx, deps, notice, r.villageId, input.head.memberId);
    result.push({ villageId: r.villageId, name: r.name, ...outcome });
    if (outcome.chats > 0)
      await tx
        .update(noticeRecipients)
        .set({ relayedAt: sql`coalesce(${noticeRecipients.relayedAt}, ${now.toISOString()}::timestamptz)` })
        .where(eq(noticeRecipients.id, r.id));
  }
  await tx
    .update(noticeRecipients)
    .set({ acknowledgedAt: now })
    .where(
      and(
        inArray(
          noticeRecipients.id,
          mine.map((r) => r.id),
        ),
        isNull(noticeRecipients.acknowledgedAt),
      ),
    );
  return { kind: 'relayed', villages: result };
}
