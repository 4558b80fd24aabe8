import type { DbOrTx } from '../../db/db.client.ts';
import type { AuditVia } from '../../db/schema/audit.schema.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import { type BroadcastScope, mayAddressScope } from '../broadcasts/broadcast.scope.ts';
import { SCHEDULE_HORIZON_DAYS, villagesInScope } from '../broadcasts/broadcast.usecases.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { NOTICE_MAX_LENGTH, type NoticePriority } from './notice.text.ts';

/** Who else a notice usecase told (written to the outbox in its transaction), for every entry point to show. */
export type NoticeTold = { to: 'heads' | 'village_chats'; count: number; messages: OutboundMessage[] };

export type SendNoticeResult =
  | {
      kind: 'sent';
      noticeId: number;
      heads: number;
      villages: number;
      villagesWithoutHead: number;
      autoRelayed: number;
      told: NoticeTold[];
    }
  | { kind: 'forbidden' }
  | { kind: 'empty' }
  | { kind: 'too_long'; length: number }
  | { kind: 'deadline_past'; deadline: Date }
  | { kind: 'deadline_too_far'; deadline: Date };

export type NoticeDraft = {
  tx: DbOrTx;
  deps: CoreDeps;
  sender: { memberId: number; grants: readonly RoleGrant[]; label: string };
  scope: BroadcastScope;
  priority: NoticePriority;
  body: string;
  ackDeadline?: Date | undefined;
  /** Where a person sent it from, for the audit log (기록). */
  via?: AuditVia | undefined;
};

export type NoticeRefusal = Exclude<SendNoticeResult, { kind: 'sent' }>;

/** What may be sent, checked the same way for the preview and for the sending; the villages in scope come with it. */
export async function checkNotice(
  input: NoticeDraft,
): Promise<NoticeRefusal | { kind: 'ok'; body: string; inScope: { id: number; districtCode: string }[] }> {
  const body = input.body.trim();
  if (!body) return { kind: 'empty' };
  if ([...body].length > NOTICE_MAX_LENGTH) return { kind: 'too_long', length: [...body].length };
  const now = input.deps.clock.now();
  if (input.ackDeadline && input.ackDeadline <= now) return { kind: 'deadline_past', deadline: input.ackDeadline };
  if (input.ackDeadline && input.ackDeadline.getTime() - now.getTime() > SCHEDULE_HORIZON_DAYS * 86_400_000)
    return { kind: 'deadline_too_far', deadline: input.ackDeadline };
  const inScope = await villagesInScope({ tx: input.tx, scope: input.scope });
  if (!mayAddressScope(input.sender.grants, 'notice.send', input.scope, inScope)) return { kind: 'forbidden' };
  return { kind: 'ok', body, inScope };
}
