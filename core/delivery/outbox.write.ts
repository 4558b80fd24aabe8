import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { identities, members, outbox } from '../../db/schema/index.ts';
import type { ChatRef, OutboundMessage, ReplyHandle } from '../channel/channel.types.ts';
import type { Clock } from '../clock.port.ts';
import type { Cipher } from '../privacy/cipher.ts';
import type { Purpose } from './delivery.purpose.ts';
import { quietUntil } from './quiet.hours.ts';

export type OutboxItem = {
  /** Same key, same message: enqueueing again (a re-handled event, a retried job) adds nothing. */
  dedupeKey: string;
  to: ChatRef;
  memberId?: number | null | undefined;
  aboutMemberId?: number | null | undefined;
  /** Why it is sent: decides how delivery treats it (delivery.purpose.ts). */
  purpose: Purpose;
  broadcastId?: number | undefined;
  /** Set on the deliveries of a notice (이장넷): its reach to village heads and its relayed copies are found by it. */
  noticeId?: number | undefined;
  messages: OutboundMessage[];
  replyHandle?: ReplyHandle | null | undefined;
  notBefore?: Date | undefined;
};

/** Writes outbound messages in the caller's transaction; the delivery worker sends them after it commits. */
export async function enqueue(tx: DbOrTx, deps: { cipher: Cipher; clock: Clock }, item: OutboxItem): Promise<boolean> {
  const now = deps.clock.now();
  const inserted = await tx
    .insert(outbox)
    .values({
      dedupeKey: item.dedupeKey,
      platform: item.to.platform,
      chatType: item.to.type,
      chatId: item.to.id,
      memberId: item.memberId ?? null,
      aboutMemberId: item.aboutMemberId ?? null,
      purpose: item.purpose,
      broadcastId: item.broadcastId ?? null,
      noticeId: item.noticeId ?? null,
      messagesEnc: deps.cipher.encrypt(JSON.stringify(item.messages)),
      replyHandle: item.replyHandle ?? null,
      nextAttemptAt: item.notBefore ?? now,
      createdAt: now,
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning({ id: outbox.id });
  return inserted.length > 0;
}

/**
 * A message to a person rather than to a chat: it goes to the reachable identity they used most recently, and
 * waits for the end of their quiet hours unless it is urgent. Returns false when the member has no reachable
 * identity (nothing is queued).
 */
export async function enqueueToMember(
  tx: DbOrTx,
  deps: { cipher: Cipher; clock: Clock; timezone: string },
  item: Omit<OutboxItem, 'to' | 'memberId' | 'notBefore'> & { memberId: number; urgent?: boolean },
): Promise<boolean> {
  const [member] = await tx
    .select({ quietStart: members.quietStart, quietEnd: members.quietEnd })
    .from(members)
    .where(eq(members.id, item.memberId));
  const held =
    member && !item.urgent
      ? quietUntil(deps.clock.now(), { start: member.quietStart, end: member.quietEnd }, deps.timezone)
      : null;
  const [identity] = await tx
    .select({ platform: identities.platform, platformUserId: identities.platformUserId })
    .from(identities)
    .where(and(eq(identities.memberId, item.memberId), eq(identities.reachable, true)))
    .orderBy(sql`${identities.lastSeenAt} desc nulls last`, desc(identities.id))
    .limit(1);
  if (!identity) return false;
  await enqueue(tx, deps, {
    ...item,
    notBefore: held ?? undefined,
    to: { platform: identity.platform, type: 'direct', id: identity.platformUserId },
  });
  return true;
}
