import { and, asc, count, eq, gt, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  dialogStates,
  identities,
  linkAttempts,
  linkCodes,
  members,
  registrations,
  roles,
} from '../../db/schema/index.ts';
import { identityOrder } from '../members/identity.order.ts';
import type { MemberFacts } from './linking.rules.ts';

/** The queries of 연결: codes and wrong attempts, the facts that decide a merge, unlinking (the merge: linking.merge.ts). */

// ---- codes ---------------------------------------------------------------------------------------------------------

/** A member has one code at a time; lapsed codes of anyone are cleared on the way (they are never read again). */
export async function replaceCode(
  tx: DbOrTx,
  input: { memberId: number; identityId: number; codeHash: string; now: Date; expiresAt: Date },
): Promise<boolean> {
  await tx.delete(linkCodes).where(or(eq(linkCodes.memberId, input.memberId), lte(linkCodes.expiresAt, input.now)));
  const inserted = await tx
    .insert(linkCodes)
    .values({
      memberId: input.memberId,
      identityId: input.identityId,
      codeHash: input.codeHash,
      createdAt: input.now,
      expiresAt: input.expiresAt,
    })
    .onConflictDoNothing({ target: linkCodes.codeHash })
    .returning({ id: linkCodes.id });
  return inserted.length > 0;
}

export type LiveCode = { id: number; memberId: number; identityId: number; wrong: number };

/** The code with this hash, if live; locked, so that two platforms typing it at once link once. */
export async function liveCode(tx: DbOrTx, codeHash: string, now: Date): Promise<LiveCode | undefined> {
  const [row] = await tx
    .select({
      id: linkCodes.id,
      memberId: linkCodes.memberId,
      identityId: linkCodes.identityId,
      wrong: linkCodes.wrong,
    })
    .from(linkCodes)
    .where(and(eq(linkCodes.codeHash, codeHash), gt(linkCodes.expiresAt, now)))
    .for('update');
  return row;
}

/** A lapsed code with this hash (to say "expired" rather than "wrong"); it is deleted. */
export async function takeExpiredCode(tx: DbOrTx, codeHash: string, now: Date): Promise<boolean> {
  const gone = await tx
    .delete(linkCodes)
    .where(and(eq(linkCodes.codeHash, codeHash), lte(linkCodes.expiresAt, now)))
    .returning({ id: linkCodes.id });
  return gone.length > 0;
}

export async function deleteCode(tx: DbOrTx, id: number): Promise<void> {
  await tx.delete(linkCodes).where(eq(linkCodes.id, id));
}

/** A wrong code is a guess at every live code: each counts it, and those that reached the limit are void. */
export async function countWrongOnLiveCodes(tx: DbOrTx, now: Date, limit: number): Promise<void> {
  await tx
    .update(linkCodes)
    .set({ wrong: sql`${linkCodes.wrong} + 1` })
    .where(gt(linkCodes.expiresAt, now));
  await tx.delete(linkCodes).where(sql`${linkCodes.wrong} >= ${limit}`);
}

export async function wrongSince(tx: DbOrTx, identityId: number, since: Date): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(linkAttempts)
    .where(and(eq(linkAttempts.identityId, identityId), gt(linkAttempts.at, since)));
  return Number(row?.n ?? 0);
}

export async function recordWrong(tx: DbOrTx, identityId: number, now: Date, since: Date): Promise<void> {
  await tx.delete(linkAttempts).where(and(eq(linkAttempts.identityId, identityId), lt(linkAttempts.at, since)));
  await tx.insert(linkAttempts).values({ identityId, at: now });
}

// ---- the members -----------------------------------------------------------------------------------------------------

/** Both members locked in id order (two links at once wait for each other instead of deadlocking). */
export async function lockMembers(tx: DbOrTx, ids: number[]): Promise<void> {
  await tx
    .select({ id: members.id })
    .from(members)
    .where(inArray(members.id, ids))
    .orderBy(asc(members.id))
    .for('update');
}

export async function memberFacts(tx: DbOrTx, memberId: number): Promise<MemberFacts> {
  const [registration] = await tx
    .select({ status: registrations.status })
    .from(registrations)
    .where(and(eq(registrations.memberId, memberId), inArray(registrations.status, ['pending', 'approved'])));
  const [held] = await tx.select({ n: count() }).from(roles).where(eq(roles.memberId, memberId));
  const status = registration?.status;
  return {
    memberId,
    registration: status === 'pending' || status === 'approved' ? status : null,
    roles: Number(held?.n ?? 0),
  };
}

export type LinkedIdentity = { id: number; platform: string; rank: number | null; lastSeenAt: Date | null };

/** The member's identities in the person's order (core/members/identity.order.ts). */
export function identitiesOf(tx: DbOrTx, memberId: number): Promise<LinkedIdentity[]> {
  return tx
    .select({
      id: identities.id,
      platform: identities.platform,
      rank: identities.rank,
      lastSeenAt: identities.lastSeenAt,
    })
    .from(identities)
    .where(eq(identities.memberId, memberId))
    .orderBy(...identityOrder());
}

/** Where an identity is written to: its platform and the platform's user id (its 1:1 chat). */
export async function identityAddress(
  tx: DbOrTx,
  identityId: number,
): Promise<{ platform: string; platformUserId: string } | undefined> {
  const [row] = await tx
    .select({ platform: identities.platform, platformUserId: identities.platformUserId })
    .from(identities)
    .where(eq(identities.id, identityId));
  return row;
}

export async function saveRanks(tx: DbOrTx, ranks: { id: number; rank: number }[]): Promise<void> {
  for (const r of ranks) await tx.update(identities).set({ rank: r.rank }).where(eq(identities.id, r.id));
}

// ---- unlinking -------------------------------------------------------------------------------------------------------

/**
 * The identity leaves its member for a new one of its own (unregistered, default settings); its dialog is dropped (it
 * was the person's in the member it leaves). Its choice in 설정 goes with it.
 */
export async function detachIdentity(tx: DbOrTx, identityId: number): Promise<number> {
  const [member] = await tx.insert(members).values({}).returning({ id: members.id });
  if (!member) throw new Error('member insert returned nothing');
  await tx.update(identities).set({ memberId: member.id, rank: null }).where(eq(identities.id, identityId));
  await tx.delete(dialogStates).where(eq(dialogStates.identityId, identityId));
  return member.id;
}
