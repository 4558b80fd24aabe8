import { and, eq, inArray, isNotNull, isNull, ne, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  identities,
  members,
  phoneCalls,
  phoneConsents,
  phoneMessages,
  phoneSends,
  registrations,
} from '../../db/schema/index.ts';
import type { PhoneKind, PhoneMode } from '../../db/schema/phone.schema.ts';
import { identityOrder } from '../members/identity.order.ts';

/**
 * Every query of the phone channel. A phone identity's platformUserId is the blind index of the number (the
 * registration's mobileHash), never the number: the number is read from the registration, encrypted, when a message
 * is sent, and only while the person's consent holds.
 */
export const PHONE = 'phone';

// The sends and calls live beside this file; the usecases read the channel's queries through this one module.
export * from './phone.sends.repository.ts';
export * from './phone.calls.repository.ts';

/** Consent in force: a mode other than 'none' and no opt-out. */
const consentHolds = and(ne(phoneConsents.mode, 'none'), isNull(phoneConsents.optedOutAt));

export async function consentOf(
  tx: DbOrTx,
  memberId: number,
): Promise<{ mode: PhoneMode; optedOutAt: Date | null } | undefined> {
  const [row] = await tx
    .select({ mode: phoneConsents.mode, optedOutAt: phoneConsents.optedOutAt })
    .from(phoneConsents)
    .where(eq(phoneConsents.memberId, memberId));
  return row;
}

export async function saveConsent(
  tx: DbOrTx,
  input: { memberId: number; mode: PhoneMode; source: 'registration' | 'settings' | 'proxy'; now: Date },
): Promise<void> {
  const values = {
    mode: input.mode,
    source: input.source,
    consentedAt: input.now,
    optedOutAt: null,
    updatedAt: input.now,
  };
  await tx
    .insert(phoneConsents)
    .values({ memberId: input.memberId, ...values })
    .onConflictDoUpdate({ target: phoneConsents.memberId, set: values });
}

export async function markOptedOut(tx: DbOrTx, memberIds: number[], now: Date): Promise<void> {
  if (memberIds.length === 0) return;
  await tx
    .update(phoneConsents)
    .set({ optedOutAt: now, updatedAt: now })
    .where(inArray(phoneConsents.memberId, memberIds));
}

/** The member's number as stored: its blind index and ciphertext, from the registration pending or in force. */
export async function activeMobileOf(
  tx: DbOrTx,
  memberId: number,
): Promise<{ mobileHash: string; mobileEnc: string } | undefined> {
  const [row] = await tx
    .select({ mobileHash: registrations.mobileHash, mobileEnc: registrations.mobileEnc })
    .from(registrations)
    .where(and(eq(registrations.memberId, memberId), inArray(registrations.status, ['pending', 'approved'])));
  return row?.mobileHash && row.mobileEnc ? { mobileHash: row.mobileHash, mobileEnc: row.mobileEnc } : undefined;
}

/** The phone identity of a number: one per number (an older one of another member, say a rejected one, goes). */
export async function ensurePhoneIdentity(tx: DbOrTx, memberId: number, mobileHash: string): Promise<void> {
  await tx
    .delete(identities)
    .where(
      and(eq(identities.platform, PHONE), eq(identities.platformUserId, mobileHash), ne(identities.memberId, memberId)),
    );
  await tx
    .delete(identities)
    .where(
      and(eq(identities.platform, PHONE), eq(identities.memberId, memberId), ne(identities.platformUserId, mobileHash)),
    );
  await tx
    .insert(identities)
    .values({ memberId, platform: PHONE, platformUserId: mobileHash, reachable: true })
    .onConflictDoNothing();
}

export async function removePhoneIdentity(tx: DbOrTx, memberId: number): Promise<void> {
  await tx.delete(identities).where(and(eq(identities.platform, PHONE), eq(identities.memberId, memberId)));
}

/**
 * Members behind these phone identities whose consent holds, with the number's ciphertext. One array parameter (a
 * request is up to 10,000 recipients): building an IN list of that many parameters costs more than the query.
 */
export async function consentedNumbers(
  tx: DbOrTx,
  recipients: string[],
): Promise<{ recipient: string; memberId: number; mobileEnc: string; mode: PhoneMode }[]> {
  if (recipients.length === 0) return [];
  const result = await tx.execute(sql`
    select i.platform_user_id as recipient, i.member_id as "memberId", r.mobile_enc as "mobileEnc", c.mode
    from ${identities} i
    join ${registrations} r on r.member_id = i.member_id and r.mobile_hash = i.platform_user_id
      and r.status in ('pending', 'approved')
    join ${phoneConsents} c on c.member_id = i.member_id and c.mode <> 'none' and c.opted_out_at is null
    where i.platform = ${PHONE} and i.platform_user_id = any(${`{${recipients.map(quoteArrayItem).join(',')}}`}::text[])`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
    recipient: string;
    memberId: number;
    mobileEnc: string | null;
    mode: PhoneMode;
  }[];
  return rows.flatMap((r) => (r.mobileEnc ? [{ ...r, memberId: Number(r.memberId), mobileEnc: r.mobileEnc }] : []));
}

/** A text[] literal's item, quoted (blind indexes are base64url, but nothing is assumed). */
function quoteArrayItem(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The member's reachable chat identities (not the phone), in the order a message to them tries them. */
export async function chatIdentitiesOf(
  tx: DbOrTx,
  memberId: number,
): Promise<{ platform: string; platformUserId: string }[]> {
  return tx
    .select({ platform: identities.platform, platformUserId: identities.platformUserId })
    .from(identities)
    .where(and(eq(identities.memberId, memberId), eq(identities.reachable, true), ne(identities.platform, PHONE)))
    .orderBy(...identityOrder());
}

/** Who in these villages gets a broadcast by phone besides their chat: consent in force, not the sender. */
export async function phoneAudience(
  tx: DbOrTx,
  input: { villageIds: number[]; senderId: number; urgent: boolean },
): Promise<
  { memberId: number; recipient: string; mode: PhoneMode; hasChat: boolean; quietStart: string; quietEnd: string }[]
> {
  if (input.villageIds.length === 0) return [];
  const hasChat = sql<boolean>`exists (select 1 from ${identities} c where c.member_id = ${registrations.memberId} and c.reachable and c.platform <> 'phone')`;
  const rows = await tx
    .select({
      memberId: registrations.memberId,
      recipient: identities.platformUserId,
      mode: phoneConsents.mode,
      quietStart: members.quietStart,
      quietEnd: members.quietEnd,
      hasChat,
    })
    .from(registrations)
    .innerJoin(members, eq(members.id, registrations.memberId))
    .innerJoin(phoneConsents, and(eq(phoneConsents.memberId, registrations.memberId), consentHolds))
    .innerJoin(
      identities,
      and(
        eq(identities.memberId, registrations.memberId),
        eq(identities.platform, PHONE),
        eq(identities.platformUserId, registrations.mobileHash),
      ),
    )
    .where(
      and(
        inArray(registrations.villageId, input.villageIds),
        eq(registrations.status, 'approved'),
        ne(registrations.memberId, input.senderId),
        // Only those the broadcast adds something for: a call, or for 긴급 an SMS beside their chat.
        input.urgent ? or(eq(phoneConsents.mode, 'voice'), hasChat) : eq(phoneConsents.mode, 'voice'),
      ),
    )
    .orderBy(registrations.memberId);
  return rows.map((r) => ({ ...r, hasChat: r.hasChat === true || String(r.hasChat) === 't' }));
}

export async function quietOf(tx: DbOrTx, memberId: number): Promise<{ start: string; end: string }> {
  const [row] = await tx
    .select({ start: members.quietStart, end: members.quietEnd })
    .from(members)
    .where(eq(members.id, memberId));
  return row ?? { start: '21:00', end: '07:00' };
}

/** 탈퇴: the person's phone identity, consent, message and call records go (counts of others stay). */
export async function erasePhoneDataOf(tx: DbOrTx, memberId: number): Promise<void> {
  await removePhoneIdentity(tx, memberId);
  await tx.delete(phoneConsents).where(eq(phoneConsents.memberId, memberId));
  await tx.delete(phoneMessages).where(eq(phoneMessages.memberId, memberId));
  await tx.update(phoneCalls).set({ memberId: null }).where(eq(phoneCalls.memberId, memberId));
  // A send's messages are erased once none of its recipients is left (a message to this person alone named them).
  await tx
    .update(phoneSends)
    .set({ messagesEnc: null })
    .where(
      and(
        isNotNull(phoneSends.messagesEnc),
        sql`not exists (select 1 from ${phoneMessages} m where m.send_id = ${phoneSends.id})`,
      ),
    );
}

/** Phone messages of a county month by kind, for the staff digest's cost so far; failed ones are not billed. */
export async function phoneCountsSince(tx: DbOrTx, since: Date): Promise<{ kind: PhoneKind; n: number }[]> {
  const rows = await tx
    .select({ kind: phoneMessages.kind, n: sql<number>`count(*)::int` })
    .from(phoneMessages)
    .where(
      and(
        sql`${phoneMessages.createdAt} >= ${since.toISOString()}::timestamptz`,
        or(ne(phoneMessages.status, 'failed')),
      ),
    )
    .groupBy(phoneMessages.kind);
  const calls = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(phoneCalls)
    .where(and(isNotNull(phoneCalls.placedAt), sql`${phoneCalls.placedAt} >= ${since.toISOString()}::timestamptz`));
  return [
    ...rows.map((r) => ({ kind: r.kind, n: Number(r.n) })),
    { kind: 'voice' as const, n: Number(calls[0]?.n ?? 0) },
  ];
}
