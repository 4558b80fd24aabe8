import type { DbOrTx } from '../../db/db.client.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
import { type BroadcastScope, mayAddressScope } from '../broadcasts/broadcast.scope.ts';
import { auditScope, villagesInScope } from '../broadcasts/broadcast.usecases.ts';
import { recordAudit } from '../audit/audit.usecases.ts';
import type { ChatRef, OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue, enqueueToMember } from '../delivery/outbox.write.ts';
import { maskName } from '../privacy/privacy.mask.ts';
import { checkNotice, type NoticeDraft, type SendNoticeResult } from './notice.check.ts';
import * as repo from './notice.repository.ts';
import type { NoticeRow } from './notice.repository.ts';
import { headCard, type NoticeView, type RelayBy, relayText } from './notice.text.ts';

export type { NoticeRow };
export type { NoticeDraft, NoticeRefusal, NoticeTold, SendNoticeResult } from './notice.check.ts';

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
  const notice = await repo.insertNotice(tx, {
    scopeKind: input.scope.kind,
    scopeDistricts: input.scope.kind === 'districts' ? input.scope.codes : [],
    scopeVillages: input.scope.kind === 'villages' ? input.scope.ids : [],
    priority: input.priority,
    body,
    senderLabel: input.sender.label,
    createdBy: input.sender.memberId,
    createdAt: now,
    ackDeadline: input.ackDeadline ?? null,
  });
  if (input.via)
    await recordAudit(
      { tx, deps },
      {
        actorMemberId: input.sender.memberId,
        action: 'notice.send',
        subject: `notice:${notice.id}`,
        scope: auditScope({ scope: input.scope, inScope }),
        via: input.via,
      },
    );
  const villageIds = inScope.map((v) => v.id);
  const heads = await repo.villageHeads(tx, villageIds);
  await repo.insertRecipients(
    tx,
    heads.map((h) => ({ noticeId: notice.id, villageId: h.villageId ?? -1, headMemberId: h.memberId })),
  );
  const view = await noticeView({ tx, notice });
  const card = headCard(view, deps.timezone);
  const memberIds = [...new Set(heads.map((h) => h.memberId))];
  let reached = 0;
  for (const memberId of memberIds)
    if (
      await enqueueToMember(tx, deps, {
        memberId,
        messages: [card],
        purpose: 'notice',
        subject: { kind: 'notice', id: notice.id },
        urgent: notice.priority === 'high',
        dedupeKey: `notice:${notice.id}:head:${memberId}`,
      })
    )
      reached++;
  let autoRelayed = 0;
  const relayed: OutboundMessage[] = [];
  for (const villageId of await repo.autoRelayVillageIds(tx, villageIds)) {
    const outcome = await relayIntoVillage(tx, deps, notice, villageId, null);
    autoRelayed += outcome.posted;
    if (outcome.message && !relayed.length) relayed.push(outcome.message);
  }
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
    told: [
      { to: 'heads', count: memberIds.length, messages: [card] },
      { to: 'village_chats', count: autoRelayed, messages: relayed },
    ],
  };
}

/** Whether the sender may address every place of the scope (notice.send: district staff their district only). */
export async function mayAddress(input: {
  tx: DbOrTx;
  grants: readonly RoleGrant[];
  scope: BroadcastScope;
}): Promise<boolean> {
  return mayAddressScope(input.grants, 'notice.send', input.scope, await villagesInScope(input));
}

/** A notice as its messages show it: with the county's name. */
export async function noticeView(input: { tx: DbOrTx; notice: NoticeRow }): Promise<NoticeView> {
  return { ...input.notice, countyName: (await repo.countyName(input.tx)) ?? '군청' };
}

/** A head's name as a village room sees it (masked); empty when the head has no registered name. */
export async function maskedHeadName(input: { tx: DbOrTx; memberId: number }): Promise<string> {
  const realName = await repo.approvedRealName(input.tx, input.memberId);
  return realName ? maskName(realName) : '';
}

/**
 * Posts the notice into every group chat linked to the village, on every platform, once per chat (a second relay of
 * the same village adds nothing). `relayedBy` null: the village's automatic relay. Returns the chats newly posted to.
 */
async function relayIntoVillage(
  tx: DbOrTx,
  deps: CoreDeps,
  notice: NoticeRow,
  villageId: number,
  relayedBy: number | null,
): Promise<{ posted: number; already: number; chats: number; message: OutboundMessage | null }> {
  const now = deps.clock.now();
  const chats = await repo.chatsOfVillage(tx, villageId);
  if (chats.length === 0) return { posted: 0, already: 0, chats: 0, message: null };
  const by: RelayBy =
    relayedBy === null
      ? { kind: 'auto' }
      : { kind: 'head', maskedName: await maskedHeadName({ tx, memberId: relayedBy }) };
  const message = { text: relayText(await noticeView({ tx, notice }), by, notice.version > 1) };
  let posted = 0;
  for (const chat of chats) {
    const relayId = await repo.insertRelay(tx, {
      noticeId: notice.id,
      villageId,
      platform: chat.platform,
      chatId: chat.chatId,
      relayedBy,
      relayedAt: now,
    });
    if (relayId === undefined) continue;
    const dedupeKey = `notice:${notice.id}:relay:${chat.platform}:${chat.chatId}`;
    await enqueue(tx, deps, {
      dedupeKey,
      to: { platform: chat.platform, type: 'group', id: chat.chatId },
      purpose: 'notice.relay',
      subject: { kind: 'notice', id: notice.id },
      messages: [message],
    });
    await repo.linkRelayToOutbox(tx, relayId, dedupeKey);
    posted++;
  }
  return { posted, already: chats.length - posted, chats: chats.length, message };
}

export type AckResult =
  | { kind: 'acknowledged'; already: boolean }
  | { kind: 'not_found' }
  | { kind: 'withdrawn' }
  | { kind: 'not_recipient' };

/**
 * 공지 확인 N: the head has read it (every village of theirs the notice went to). No one else is told: the sender
 * sees it in 현황 N, and the deadline's follow-up counts it.
 */
export async function acknowledgeNotice(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  memberId: number;
  noticeId: number;
}): Promise<AckResult> {
  const notice = await repo.findNotice(input.tx, input.noticeId);
  if (!notice) return { kind: 'not_found' };
  if (notice.withdrawnAt) return { kind: 'withdrawn' };
  const rows = await repo.recipientsOfHead(input.tx, notice.id, input.memberId);
  if (rows.length === 0) return { kind: 'not_recipient' };
  const changed = await repo.acknowledgeRecipients(
    input.tx,
    rows.map((r) => r.id),
    input.deps.clock.now(),
  );
  return { kind: 'acknowledged', already: changed === 0 };
}

export type RelayResult =
  | {
      kind: 'relayed';
      villages: { villageId: number; name: string; posted: number; already: number; chats: number }[];
      told: { to: 'village_chats'; count: number; messages: OutboundMessage[] }[];
    }
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
  /** Where the command was typed: a group chat limits the relay to its own village. */
  chat?: ChatRef | undefined;
}): Promise<RelayResult> {
  const { tx, deps } = input;
  const notice = await repo.findNotice(tx, input.noticeId);
  if (!notice) return { kind: 'not_found' };
  if (notice.withdrawnAt) return { kind: 'withdrawn' };
  const rows = await repo.recipientsOfHead(tx, notice.id, input.head.memberId);
  const mine = rows.filter((r) =>
    can(input.head.grants, 'notice.relay', { villageId: r.villageId, districtCode: r.districtCode }),
  );
  if (mine.length === 0) return { kind: 'not_recipient' };
  const roomVillageId = input.chat?.type === 'group' ? await repo.villageOfChat(tx, input.chat) : null;
  if (roomVillageId !== null && !mine.some((r) => r.villageId === roomVillageId))
    return { kind: 'wrong_room', roomVillage: (await repo.villageName(tx, roomVillageId)) ?? '다른 마을' };
  const now = deps.clock.now();
  const villages: Extract<RelayResult, { kind: 'relayed' }>['villages'] = [];
  const messages: OutboundMessage[] = [];
  for (const r of mine) {
    const { message, ...outcome } = await relayIntoVillage(tx, deps, notice, r.villageId, input.head.memberId);
    villages.push({ villageId: r.villageId, name: r.name, ...outcome });
    if (message && outcome.posted && !messages.length) messages.push(message);
    if (outcome.chats > 0) await repo.markRelayed(tx, r.id, now);
  }
  await repo.acknowledgeRecipients(
    tx,
    mine.map((r) => r.id),
    now,
  );
  const posted = villages.reduce((sum, v) => sum + v.posted, 0);
  return { kind: 'relayed', villages, told: [{ to: 'village_chats', count: posted, messages }] };
}
