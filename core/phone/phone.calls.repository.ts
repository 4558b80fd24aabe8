import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { broadcasts, phoneCalls } from '../../db/schema/index.ts';

export async function insertCall(
  tx: DbOrTx,
  input: { broadcastId: number; memberId: number; attempt: number; now: Date },
): Promise<number | null> {
  const [row] = await tx
    .insert(phoneCalls)
    .values({ ...input, createdAt: input.now })
    .onConflictDoNothing()
    .returning({ id: phoneCalls.id });
  return row?.id ?? null;
}

/** The call as the sender needs it: whose, which attempt, and whether it was placed already. */
export async function callById(
  tx: DbOrTx,
  callId: number,
): Promise<{ id: number; memberId: number | null; status: string; providerMessageId: string | null } | undefined> {
  const [row] = await tx
    .select({
      id: phoneCalls.id,
      memberId: phoneCalls.memberId,
      status: phoneCalls.status,
      providerMessageId: phoneCalls.providerMessageId,
    })
    .from(phoneCalls)
    .where(eq(phoneCalls.id, callId));
  return row;
}

export async function markCallPlaced(
  tx: DbOrTx,
  input: { callId: number; groupId: string; messageId: string; now: Date },
): Promise<void> {
  await tx
    .update(phoneCalls)
    .set({ status: 'placed', providerGroupId: input.groupId, providerMessageId: input.messageId, placedAt: input.now })
    .where(eq(phoneCalls.id, input.callId));
}

/** A placed call's outcome, once; returns the call when this report settled it. */
export async function settleCall(
  tx: DbOrTx,
  input: {
    where: { providerMessageId: string } | { callId: number };
    status: 'answered' | 'unanswered' | 'failed';
    now: Date;
  },
): Promise<{ id: number; broadcastId: number; memberId: number | null; attempt: number } | undefined> {
  const match =
    'callId' in input.where
      ? eq(phoneCalls.id, input.where.callId)
      : eq(phoneCalls.providerMessageId, input.where.providerMessageId);
  const [row] = await tx
    .update(phoneCalls)
    .set({ status: input.status, endedAt: input.now })
    .where(and(match, inArray(phoneCalls.status, ['queued', 'placed'])))
    .returning({
      id: phoneCalls.id,
      broadcastId: phoneCalls.broadcastId,
      memberId: phoneCalls.memberId,
      attempt: phoneCalls.attempt,
    });
  return row;
}

export async function broadcastForCall(
  tx: DbOrTx,
  broadcastId: number,
): Promise<
  { id: number; category: 'general' | 'event' | 'urgent'; body: string; senderLabel: string; sendAt: Date } | undefined
> {
  const [row] = await tx
    .select({
      id: broadcasts.id,
      category: broadcasts.category,
      body: broadcasts.body,
      senderLabel: broadcasts.senderLabel,
      sendAt: broadcasts.sendAt,
    })
    .from(broadcasts)
    .where(eq(broadcasts.id, broadcastId));
  return row;
}

/** Per member of a broadcast: the calls' latest state and how many were made (현황, the non-receipt list). */
export async function callsOfBroadcast(
  tx: DbOrTx,
  broadcastIds: number[],
): Promise<{ broadcastId: number; memberId: number; attempts: number; answered: boolean; open: boolean }[]> {
  if (broadcastIds.length === 0) return [];
  const rows = await tx
    .select({
      broadcastId: phoneCalls.broadcastId,
      memberId: phoneCalls.memberId,
      attempts: sql<number>`count(*) filter (where ${phoneCalls.status} <> 'queued')::int`,
      answered: sql<boolean>`bool_or(${phoneCalls.status} = 'answered')`,
      open: sql<boolean>`bool_or(${phoneCalls.status} in ('queued', 'placed'))`,
    })
    .from(phoneCalls)
    .where(and(inArray(phoneCalls.broadcastId, broadcastIds), isNotNull(phoneCalls.memberId)))
    .groupBy(phoneCalls.broadcastId, phoneCalls.memberId);
  return rows.map((r) => ({
    broadcastId: r.broadcastId,
    memberId: r.memberId ?? 0,
    attempts: Number(r.attempts),
    answered: r.answered === true || String(r.answered) === 't',
    open: r.open === true || String(r.open) === 't',
  }));
}
