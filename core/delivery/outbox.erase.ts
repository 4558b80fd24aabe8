import { and, eq, gte, inArray, isNotNull, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { outbox } from '../../db/schema/index.ts';
import type { Cipher } from '../privacy/cipher.ts';

/** Rows that have not gone out: waiting for their time (held for quiet hours), or for a retry. */
const UNSENT = ['queued', 'retrying'] as const;

/**
 * 탈퇴: every message that has not gone out to the person, or about them (an approval request that names them, held
 * for a head's quiet hours), is deleted: it must never reach anyone. A row a worker is sending at this moment is
 * deleted too; the worker's outcome then updates nothing. Returns how many rows went.
 */
export async function deleteUnsentToOrAbout(tx: DbOrTx, memberId: number): Promise<number> {
  const deleted = await tx
    .delete(outbox)
    .where(
      and(or(eq(outbox.memberId, memberId), eq(outbox.aboutMemberId, memberId)), inArray(outbox.status, [...UNSENT])),
    )
    .returning({ id: outbox.id });
  return deleted.length;
}

/**
 * 탈퇴: of what already went out (kept for 현황 and the non-receipt reports), the bodies to or about the person are
 * cleared; the rows stay as counts without content.
 */
export async function eraseSentBodiesOf(tx: DbOrTx, memberId: number): Promise<void> {
  await tx
    .update(outbox)
    .set({ messagesEnc: null })
    .where(
      and(
        or(eq(outbox.memberId, memberId), eq(outbox.aboutMemberId, memberId)),
        inArray(outbox.status, ['sent', 'failed']),
      ),
    );
}

/**
 * A registration was decided (or withdrawn): the approval requests about its applicant that are still held (an
 * approver's quiet hours) or waiting are withdrawn, so that nobody is asked at 07:00 about what is already settled.
 * A member has at most one open registration, so the requests about them are that registration's.
 */
export async function deleteHeldApprovalRequests(tx: DbOrTx, applicantMemberId: number): Promise<number> {
  const deleted = await tx
    .delete(outbox)
    .where(
      and(
        eq(outbox.aboutMemberId, applicantMemberId),
        eq(outbox.purpose, 'registration.request'),
        inArray(outbox.status, [...UNSENT]),
      ),
    )
    .returning({ id: outbox.id });
  return deleted.length;
}

/**
 * 탈퇴: answers to the people who could see the name (a head's or staff member's 승인 list, a decision's
 * confirmation, a sign-up list) name the person without being "about" them. Those written to these recipients since
 * `since` are opened and, where they carry the name, their body is cleared. Returns how many were cleared.
 */
export async function eraseRepliesNaming(
  tx: DbOrTx,
  cipher: Cipher,
  input: { name: string; since: Date; recipientIds: readonly number[] },
): Promise<number> {
  if (!input.name || input.recipientIds.length === 0) return 0;
  const rows = await tx
    .select({ id: outbox.id, messagesEnc: outbox.messagesEnc })
    .from(outbox)
    .where(
      and(
        inArray(outbox.memberId, [...input.recipientIds]),
        gte(outbox.createdAt, input.since),
        isNotNull(outbox.messagesEnc),
      ),
    );
  const naming = rows.filter((r) => r.messagesEnc && cipher.decrypt(r.messagesEnc).includes(input.name));
  if (naming.length > 0)
    await tx
      .update(outbox)
      .set({ messagesEnc: null })
      .where(
        inArray(
          outbox.id,
          naming.map((r) => r.id),
        ),
      );
  return naming.length;
}
