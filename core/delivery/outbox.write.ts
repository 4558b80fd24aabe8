import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { identities, members, outbox } from '../../db/schema/index.ts';
import type { ChatRef, OutboundMessage, ReplyHandle } from '../channel/channel.types.ts';
import type { Clock } from '../clock.port.ts';
import { identityOrder } from '../members/identity.order.ts';
import type { Cipher } from '../privacy/cipher.ts';
import type { Purpose } from './delivery.purpose.ts';
import type { CountedSubject } from './delivery.subject.ts';
import { quietUntilOn } from './quiet.hours.ts';

export type OutboxItem = {
  /** Same key, same message: enqueueing again (a re-handled event, a retried job) adds nothing. */
  dedupeKey: string;
  to: ChatRef;
  memberId?: number | null | undefined;
  aboutMemberId?: number | null | undefined;
  /** Why it is sent: decides how delivery treats it (delivery.purpose.ts). */
  purpose: Purpose;
  /**
   * What it is about, where its deliveries are counted or found later (a broadcast's reach, a notice's heads and
   * relayed copies): asked about through delivery.subject.ts.
   */
  subject?: CountedSubject | undefined;
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
      subjectKind: item.subject?.kind ?? null,
      subjectId: item.subject?.id ?? null,
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
  const [identity] = await tx
    .select({ platform: identities.platform, platformUserId: identities.platformUserId })
    .from(identities)
    .where(and(eq(identities.memberId, item.memberId), eq(identities.reachable, true)))
    .orderBy(...identityOrder())
    .limit(1);
  if (!identity) return false;
  const held = member
    ? quietUntilOn(identity.platform, {
        now: deps.clock.now(),
        window: { start: member.quietStart, end: member.quietEnd },
        timeZone: deps.timezone,
        urgent: item.urgent === true,
      })
    : null;
  await enqueue(tx, deps, {
    ...item,
    notBefore: held ?? undefined,
    to: { platform: identity.platform, type: 'direct', id: identity.platformUserId },
  });
  return true;
}
