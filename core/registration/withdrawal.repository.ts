import { and, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import { PgliteDatabase } from 'drizzle-orm/pglite';
import type { Db, DbOrTx } from '../../db/db.client.ts';
import {
  dialogStates,
  feedbackItems,
  feedbackMessages,
  identities,
  inboundEvents,
  registrations,
  roles,
  villages,
} from '../../db/schema/index.ts';

/** The queries of 탈퇴: what the person left behind, found and erased. */

/** The member's open registrations (pending or approved), locked: a decision at the same time waits. */
export function lockOpenRegistrations(tx: DbOrTx, memberId: number): Promise<{ id: number; status: string }[]> {
  return tx
    .select({ id: registrations.id, status: registrations.status })
    .from(registrations)
    .where(and(eq(registrations.memberId, memberId), inArray(registrations.status, ['pending', 'approved'])))
    .for('update');
}

/** Every registration that still carries the name, with its place: whoever could see the name is found by it. */
export function namedRegistrations(
  tx: DbOrTx,
  memberId: number,
): Promise<{ realName: string | null; createdAt: Date; villageId: number; districtCode: string }[]> {
  return tx
    .select({
      realName: registrations.realName,
      createdAt: registrations.createdAt,
      villageId: registrations.villageId,
      districtCode: villages.districtCode,
    })
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .where(and(eq(registrations.memberId, memberId), isNotNull(registrations.realName)));
}

/** Name, number and its blind index erased from every registration of the member; returns how many. */
export async function eraseRegistrations(tx: DbOrTx, memberId: number, now: Date): Promise<number> {
  const erased = await tx
    .update(registrations)
    .set({ realName: null, mobileEnc: null, mobileHash: null, withdrawnAt: now })
    .where(
      and(
        eq(registrations.memberId, memberId),
        or(isNotNull(registrations.realName), isNotNull(registrations.mobileEnc), isNotNull(registrations.mobileHash)),
      ),
    )
    .returning({ id: registrations.id });
  return erased.length;
}

export async function markWithdrawn(tx: DbOrTx, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(registrations)
    .set({ status: 'withdrawn' })
    .where(inArray(registrations.id, [...ids]));
}

/** Dialogs in progress, stored inbound events, the platform nickname: every copy of what the person typed. */
export async function eraseTypedCopies(tx: DbOrTx, memberId: number): Promise<void> {
  const own = await tx
    .select({ id: identities.id, platform: identities.platform, platformUserId: identities.platformUserId })
    .from(identities)
    .where(eq(identities.memberId, memberId));
  for (const identity of own) {
    await tx.delete(dialogStates).where(eq(dialogStates.identityId, identity.id));
    await tx
      .update(inboundEvents)
      .set({ payloadEnc: null })
      .where(
        and(eq(inboundEvents.platform, identity.platform), eq(inboundEvents.platformUserId, identity.platformUserId)),
      );
  }
  // A display name is often the real name; the platform gives it again the next time they write.
  await tx.update(identities).set({ nickname: null }).where(eq(identities.memberId, memberId));
}

/** The person's feedback texts, attachments and summaries; staff answers stay (they are the county's). */
export async function eraseFeedbackOf(tx: DbOrTx, memberId: number): Promise<void> {
  await tx
    .update(feedbackItems)
    .set({ bodyEnc: null, attachmentsEnc: null, summaryEnc: null })
    .where(eq(feedbackItems.memberId, memberId));
  await tx.update(feedbackMessages).set({ bodyEnc: null }).where(eq(feedbackMessages.authorMemberId, memberId));
}

/** The village's heads, its district's staff and county staff: those shown the name while it was registered. */
export async function whoCouldSeeTheName(
  tx: DbOrTx,
  registration: { villageId: number; districtCode: string },
): Promise<number[]> {
  const rows = await tx
    .selectDistinct({ memberId: roles.memberId })
    .from(roles)
    .where(
      or(
        and(eq(roles.role, 'village_head'), eq(roles.villageId, registration.villageId)),
        and(eq(roles.role, 'district_staff'), eq(roles.districtCode, registration.districtCode)),
        inArray(roles.role, ['county_staff', 'admin']),
      ),
    );
  return rows.map((r) => r.memberId);
}

/**
 * On the embedded database, the tables rewritten (VACUUM FULL) once the current transaction has ended: see
 * withdrawal.reclaim.ts. Null on PostgreSQL, where autovacuum reclaims the pages.
 */
export function rewriteTables(db: Db, tables: readonly string[]): Promise<unknown> | null {
  if (!(db instanceof PgliteDatabase)) return null;
  return db.execute(sql.raw(`vacuum full ${tables.join(', ')}`));
}
