import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { noticeRecipients, noticeRelays, notices, outbox } from '../../db/schema/index.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue, enqueueToMember } from '../delivery/outbox.write.ts';
import {
  correctionText,
  headCard,
  NOTICE_MAX_LENGTH,
  type NoticeView,
  relayText,
  withdrawalText,
  withdrawnRelayText,
} from './notice.text.ts';
import { scopeOf } from '../broadcasts/broadcast.usecases.ts';
import { loadNotice, maskedHeadName, mayAddress, type NoticeRow, noticeView } from './notice.usecases.ts';

export type ReviseResult =
  | { kind: 'corrected' | 'withdrawn'; version: number; edited: number; followed: number; heads: number }
  | { kind: 'not_found' }
  | { kind: 'already_withdrawn' }
  | { kind: 'forbidden' }
  | { kind: 'empty' }
  | { kind: 'too_long'; length: number };

type Editor = { memberId: number; grants: readonly RoleGrant[] };

/** The sender, or staff who may address the notice's whole scope. */
async function mayRevise(tx: DbOrTx, editor: Editor, notice: NoticeRow): Promise<boolean> {
  return notice.createdBy === editor.memberId || (await mayAddress(tx, editor.grants, scopeOf(notice)));
}

/**
 * 공지 정정 N 새 내용: the body changes (version + 1). Each relayed copy whose message id the platform gave back
 * (Discord) is edited in place; every other copy (LINE, the simulator, or one not yet sent) is followed by a
 * correction message. The heads who got it get the corrected notice with its buttons again.
 */
export async function correctNotice(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  editor: Editor;
  noticeId: number;
  body: string;
}): Promise<ReviseResult> {
  const { tx, deps } = input;
  const notice = await loadNotice(tx, input.noticeId);
  if (!notice) return { kind: 'not_found' };
  if (notice.withdrawnAt) return { kind: 'already_withdrawn' };
  if (!(await mayRevise(tx, input.editor, notice))) return { kind: 'forbidden' };
  const body = input.body.trim();
  if (!body) return { kind: 'empty' };
  if ([...body].length > NOTICE_MAX_LENGTH) return { kind: 'too_long', length: [...body].length };
  const now = deps.clock.now();
  const [updated] = await tx
    .update(notices)
    .set({ body, version: notice.version + 1, correctedAt: now })
    .where(eq(notices.id, notice.id))
    .returning();
  if (!updated) return { kind: 'not_found' };
  const view = await noticeView(tx, updated);
  const copies = await reviseCopies(tx, deps, updated, `v${updated.version}`, async (relayedBy) => ({
    edit: relayText(
      view,
      relayedBy === null ? { kind: 'auto' } : { kind: 'head', maskedName: await maskedHeadName(tx, relayedBy) },
      true,
    ),
    follow: correctionText(view),
  }));
  const heads = await tellHeads(tx, deps, updated, `v${updated.version}`, headCard(view, deps.timezone, '[정정] '));
  return { kind: 'corrected', version: updated.version, ...copies, heads };
}

/** 공지 철회 N: relayed copies are struck out (Discord) or followed by a withdrawal; heads are told; no more reminders. */
export async function withdrawNotice(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  editor: Editor;
  noticeId: number;
}): Promise<ReviseResult> {
  const { tx, deps } = input;
  const notice = await loadNotice(tx, input.noticeId);
  if (!notice) return { kind: 'not_found' };
  if (notice.withdrawnAt) return { kind: 'already_withdrawn' };
  if (!(await mayRevise(tx, input.editor, notice))) return { kind: 'forbidden' };
  const [updated] = await tx
    .update(notices)
    .set({ withdrawnAt: input.deps.clock.now() })
    .where(and(eq(notices.id, notice.id), isNull(notices.withdrawnAt)))
    .returning();
  if (!updated) return { kind: 'already_withdrawn' };
  const view: NoticeView = await noticeView(tx, updated);
  const copies = await reviseCopies(tx, deps, updated, 'withdrawn', () =>
    Promise.resolve({ edit: withdrawnRelayText(view), follow: withdrawalText(view) }),
  );
  const heads = await tellHeads(tx, deps, updated, 'withdrawn', {
    text: `[${view.countyName} 공지 #${updated.id} 철회]\n보내 드린 공지가 철회되었습니다. 마을방에 전하셨다면 그 방에도 철회를 알렸습니다.`,
  });
  return { kind: 'withdrawn', version: updated.version, ...copies, heads };
}

async function reviseCopies(
  tx: DbOrTx,
  deps: CoreDeps,
  notice: NoticeRow,
  revision: string,
  texts: (relayedBy: number | null) => Promise<{ edit: string; follow: string }>,
): Promise<{ edited: number; followed: number }> {
  const copies = await tx
    .select({
      platform: noticeRelays.platform,
      chatId: noticeRelays.chatId,
      relayedBy: noticeRelays.relayedBy,
      messageId: outbox.platformMessageId,
    })
    .from(noticeRelays)
    .leftJoin(outbox, eq(outbox.id, noticeRelays.outboxId))
    .where(eq(noticeRelays.noticeId, notice.id));
  let edited = 0;
  let followed = 0;
  for (const copy of copies) {
    const { edit, follow } = await texts(copy.relayedBy);
    const message: OutboundMessage = copy.messageId ? { text: edit, replaces: copy.messageId } : { text: follow };
    if (copy.messageId) edited++;
    else followed++;
    await enqueue(tx, deps, {
      dedupeKey: `notice:${notice.id}:${revision}:relay:${copy.platform}:${copy.chatId}`,
      to: { platform: copy.platform, type: 'group', id: copy.chatId },
      purpose: 'notice.relay',
      noticeId: notice.id,
      messages: [message],
    });
  }
  return { edited, followed };
}

async function tellHeads(
  tx: DbOrTx,
  deps: CoreDeps,
  notice: NoticeRow,
  revision: string,
  message: OutboundMessage,
): Promise<number> {
  const heads = await tx
    .selectDistinct({ memberId: noticeRecipients.headMemberId })
    .from(noticeRecipients)
    .where(eq(noticeRecipients.noticeId, notice.id));
  for (const { memberId } of heads)
    await enqueueToMember(tx, deps, {
      memberId,
      messages: [message],
      purpose: 'notice.revision',
      noticeId: notice.id,
      urgent: notice.priority === 'high',
      dedupeKey: `notice:${notice.id}:${revision}:head:${memberId}`,
    });
  return heads.length;
}
