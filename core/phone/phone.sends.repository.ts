import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { phoneCalls, phoneMessages, phoneSends } from '../../db/schema/index.ts';
import type { PhoneKind, PhoneStatus } from '../../db/schema/phone.schema.ts';

/** Recipients a send under this key reached already (accepted by the provider): a retry leaves them out. */
export async function acceptedUnder(tx: DbOrTx, retryKey: string): Promise<Set<string>> {
  const rows = await tx
    .select({ recipient: phoneMessages.recipient })
    .from(phoneMessages)
    .innerJoin(phoneSends, eq(phoneSends.id, phoneMessages.sendId))
    .where(eq(phoneSends.retryKey, retryKey));
  return new Set(rows.map((r) => r.recipient));
}

export async function insertSend(
  tx: DbOrTx,
  input: {
    retryKey: string;
    kind: PhoneKind;
    groupId: string;
    messagesEnc: string;
    fallsBack: boolean;
    now: Date;
    messages: {
      recipient: string;
      memberId: number;
      providerMessageId: string | null;
      status: PhoneStatus;
      code?: string;
    }[];
  },
): Promise<number> {
  const [send] = await tx
    .insert(phoneSends)
    .values({
      retryKey: input.retryKey,
      kind: input.kind,
      providerGroupId: input.groupId,
      messagesEnc: input.messagesEnc,
      fallsBack: input.fallsBack,
      createdAt: input.now,
    })
    .returning({ id: phoneSends.id });
  if (!send) throw new Error('phone send insert returned nothing');
  // One statement, the rows as one JSON parameter: a request's 10,000 recipients are one insert, not 90,000 parameters.
  if (input.messages.length)
    await tx.execute(sql`
      insert into ${phoneMessages} (send_id, member_id, recipient, provider_message_id, kind, status, status_code, created_at, updated_at)
      select ${send.id}::int, m.member_id, m.recipient, m.provider_message_id, ${input.kind}::text, m.status, m.status_code,
        ${input.now.toISOString()}::timestamptz, ${input.now.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(
        input.messages.map((m) => ({
          member_id: m.memberId,
          recipient: m.recipient,
          provider_message_id: m.providerMessageId,
          status: m.status,
          status_code: m.code ?? null,
        })),
      )}::jsonb) as m(member_id int, recipient text, provider_message_id text, status text, status_code text)`);
  return send.id;
}

/** Provider groups with a message or a call still waiting for its report. */
export async function openGroups(tx: DbOrTx): Promise<string[]> {
  const texts = await tx
    .selectDistinct({ groupId: phoneSends.providerGroupId })
    .from(phoneMessages)
    .innerJoin(phoneSends, eq(phoneSends.id, phoneMessages.sendId))
    .where(and(eq(phoneMessages.status, 'accepted'), isNotNull(phoneSends.providerGroupId)));
  const calls = await tx
    .selectDistinct({ groupId: phoneCalls.providerGroupId })
    .from(phoneCalls)
    .where(and(eq(phoneCalls.status, 'placed'), isNotNull(phoneCalls.providerGroupId)));
  return [...new Set([...texts, ...calls].flatMap((r) => (r.groupId ? [r.groupId] : [])))];
}

/** A message's final state, once (a report that comes again changes nothing); returns the rows it changed. */
export async function settleMessage(
  tx: DbOrTx,
  input: { providerMessageId: string; status: PhoneStatus; code: string; now: Date },
): Promise<{ id: number; memberId: number | null; kind: PhoneKind; sendId: number }[]> {
  return tx
    .update(phoneMessages)
    .set({ status: input.status, statusCode: input.code, updatedAt: input.now })
    .where(and(eq(phoneMessages.providerMessageId, input.providerMessageId), eq(phoneMessages.status, 'accepted')))
    .returning({
      id: phoneMessages.id,
      memberId: phoneMessages.memberId,
      kind: phoneMessages.kind,
      sendId: phoneMessages.sendId,
    });
}

/** The messages a send carried, when its failure may fall back (not an extra copy). */
export async function fallbackMessagesEnc(tx: DbOrTx, sendId: number): Promise<string | null> {
  const [row] = await tx
    .select({ enc: phoneSends.messagesEnc, fallsBack: phoneSends.fallsBack })
    .from(phoneSends)
    .where(eq(phoneSends.id, sendId));
  return row?.fallsBack ? (row.enc ?? null) : null;
}

export async function markFellBack(tx: DbOrTx, messageId: number, now: Date): Promise<boolean> {
  const changed = await tx
    .update(phoneMessages)
    .set({ fellBackAt: now })
    .where(and(eq(phoneMessages.id, messageId), isNull(phoneMessages.fellBackAt)))
    .returning({ id: phoneMessages.id });
  return changed.length > 0;
}
