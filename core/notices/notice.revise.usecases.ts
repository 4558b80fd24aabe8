import type { DbOrTx } from '../../db/db.client.ts';
import type { AuditVia } from '../../db/schema/audit.schema.ts';
import { recordAudit } from '../audit/audit.usecases.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import { auditScope, scopeOf, villagesInScope } from '../broadcasts/broadcast.usecases.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue, enqueueToMember } from '../delivery/outbox.write.ts';
import type { NoticeTold } from './notice.check.ts';
import * as repo from './notice.repository.ts';
import type { NoticeRow } from './notice.repository.ts';
import {
  correctionText,
  headCard,
  NOTICE_MAX_LENGTH,
  relayText,
  withdrawalText,
  withdrawnRelayText,
} from './notice.text.ts';
import { maskedHeadName, mayAddress, noticeView } from './notice.usecases.ts';

export type ReviseResult =
  | {
      kind: 'corrected' | 'withdrawn';
      version: number;
      edited: number;
      followed: number;
      heads: number;
      told: NoticeTold[];
    }
  | { kind: 'not_found' }
  | { kind: 'already_withdrawn' }
  | { kind: 'forbidden' }
  | { kind: 'empty' }
  | { kind: 'too_long'; length: number };

type Editor = { memberId: number; grants: readonly RoleGrant[] };
type ReviseInput = { tx: DbOrTx; deps: CoreDeps; editor: Editor; noticeId: number; via?: AuditVia };

/** Who corrected or withdrew which notice, in 기록 (chat unless the console says otherwise). */
async function audit(input: ReviseInput, notice: NoticeRow, action: 'notice.correct' | 'notice.withdraw') {
  const scope = scopeOf(notice);
  await recordAudit(input, {
    actorMemberId: input.editor.memberId,
    action,
    subject: `notice:${notice.id}`,
    scope: auditScope({ scope, inScope: await villagesInScope({ tx: input.tx, scope }) }),
    via: input.via ?? 'chat',
  });
}

/** The sender, or staff who may address the notice's whole scope. */
async function mayRevise(tx: DbOrTx, editor: Editor, notice: NoticeRow): Promise<boolean> {
  return (
    notice.createdBy === editor.memberId || (await mayAddress({ tx, grants: editor.grants, scope: scopeOf(notice) }))
  );
}

/** The notice, when it may still be revised by this editor. */
async function revisable(
  input: ReviseInput,
): Promise<NoticeRow | { kind: 'not_found' | 'already_withdrawn' | 'forbidden' }> {
  const notice = await repo.findNotice(input.tx, input.noticeId);
  if (!notice) return { kind: 'not_found' };
  if (notice.withdrawnAt) return { kind: 'already_withdrawn' };
  if (!(await mayRevise(input.tx, input.editor, notice))) return { kind: 'forbidden' };
  return notice;
}

/**
 * 공지 정정 N 새 내용: the body changes (version + 1). Each relayed copy whose message id the platform gave back
 * (Discord) is edited in place; every other copy (LINE, the simulator, or one not yet sent) is followed by a
 * correction message. The heads who got it get the corrected notice with its buttons again.
 */
export async function correctNotice(input: ReviseInput & { body: string }): Promise<ReviseResult> {
  const { tx, deps } = input;
  const notice = await revisable(input);
  if ('kind' in notice) return notice;
  const body = input.body.trim();
  if (!body) return { kind: 'empty' };
  if ([...body].length > NOTICE_MAX_LENGTH) return { kind: 'too_long', length: [...body].length };
  const updated = await repo.correctBody(tx, notice, body, deps.clock.now());
  if (!updated) return { kind: 'not_found' };
  await audit(input, updated, 'notice.correct');
  const view = await noticeView({ tx, notice: updated });
  const copies = await reviseCopies(tx, deps, updated, `v${updated.version}`, async (relayedBy) => ({
    edit: relayText(
      view,
      relayedBy === null
        ? { kind: 'auto' }
        : { kind: 'head', maskedName: await maskedHeadName({ tx, memberId: relayedBy }) },
      true,
    ),
    follow: correctionText(view),
  }));
  const card = headCard(view, deps.timezone, '[정정] ');
  const heads = await tellHeads(tx, deps, updated, `v${updated.version}`, card);
  return { kind: 'corrected', version: updated.version, ...copies, heads, told: told(heads, card, copies) };
}

/** 공지 철회 N: relayed copies are struck out (Discord) or followed by a withdrawal; heads are told; no more reminders. */
export async function withdrawNotice(input: ReviseInput): Promise<ReviseResult> {
  const { tx, deps } = input;
  const notice = await revisable(input);
  if ('kind' in notice) return notice;
  const updated = await repo.markWithdrawn(tx, notice.id, deps.clock.now());
  if (!updated) return { kind: 'already_withdrawn' };
  await audit(input, updated, 'notice.withdraw');
  const view = await noticeView({ tx, notice: updated });
  const copies = await reviseCopies(tx, deps, updated, 'withdrawn', () =>
    Promise.resolve({ edit: withdrawnRelayText(view), follow: withdrawalText(view) }),
  );
  const message = {
    text: `[${view.countyName} 공지 #${updated.id} 철회]\n보내 드린 공지가 철회되었습니다. 마을방에 전하셨다면 그 방에도 철회를 알렸습니다.`,
  };
  const heads = await tellHeads(tx, deps, updated, 'withdrawn', message);
  return { kind: 'withdrawn', version: updated.version, ...copies, heads, told: told(heads, message, copies) };
}

function told(
  heads: number,
  card: OutboundMessage,
  copies: { edited: number; followed: number; messages: OutboundMessage[] },
): NoticeTold[] {
  return [
    { to: 'heads', count: heads, messages: [card] },
    { to: 'village_chats', count: copies.edited + copies.followed, messages: copies.messages },
  ];
}

async function reviseCopies(
  tx: DbOrTx,
  deps: CoreDeps,
  notice: NoticeRow,
  revision: string,
  texts: (relayedBy: number | null) => Promise<{ edit: string; follow: string }>,
): Promise<{ edited: number; followed: number; messages: OutboundMessage[] }> {
  let edited = 0;
  let followed = 0;
  const messages: OutboundMessage[] = [];
  for (const copy of await repo.relayedCopies(tx, notice.id)) {
    const { edit, follow } = await texts(copy.relayedBy);
    const message: OutboundMessage = copy.messageId ? { text: edit, replaces: copy.messageId } : { text: follow };
    if (copy.messageId) edited++;
    else followed++;
    messages.push(message);
    await enqueue(tx, deps, {
      dedupeKey: `notice:${notice.id}:${revision}:relay:${copy.platform}:${copy.chatId}`,
      to: { platform: copy.platform, type: 'group', id: copy.chatId },
      purpose: 'notice.relay',
      subject: { kind: 'notice', id: notice.id },
      messages: [message],
    });
  }
  return { edited, followed, messages };
}

async function tellHeads(
  tx: DbOrTx,
  deps: CoreDeps,
  notice: NoticeRow,
  revision: string,
  message: OutboundMessage,
): Promise<number> {
  const heads = await repo.recipientHeadIds(tx, notice.id);
  for (const memberId of heads)
    await enqueueToMember(tx, deps, {
      memberId,
      messages: [message],
      purpose: 'notice.revision',
      subject: { kind: 'notice', id: notice.id },
      urgent: notice.priority === 'high',
      dedupeKey: `notice:${notice.id}:${revision}:head:${memberId}`,
    });
  return heads.length;
}
