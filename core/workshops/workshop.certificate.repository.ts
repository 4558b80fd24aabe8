import { and, desc, eq, gt, isNull, lte, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  certificates,
  checkInAttempts,
  counters,
  workshops,
  workshopSeries,
  workshopSignups,
} from '../../db/schema/index.ts';
import type { Workshop } from './workshop.repository.ts';
import type { Signup } from './workshop.signup.repository.ts';

/** Every query of the workshops feature about check-in codes, attendance and certificates. */
export type Certificate = typeof certificates.$inferSelect;

/**
 * Today's row of check-in attempts, made when missing (older days' rows go). The row stays locked by the upsert for
 * the rest of the transaction: attempts sent at once are counted one after the other. Returns the wrong ones so far.
 */
export async function touchCheckInAttempts(
  tx: DbOrTx,
  input: { memberId: number; day: string; now: Date },
): Promise<number> {
  await tx
    .delete(checkInAttempts)
    .where(and(eq(checkInAttempts.memberId, input.memberId), ne(checkInAttempts.day, input.day)));
  const [attempts] = await tx
    .insert(checkInAttempts)
    .values({ memberId: input.memberId, day: input.day, wrong: 0, lastAt: input.now })
    .onConflictDoUpdate({ target: [checkInAttempts.memberId, checkInAttempts.day], set: { lastAt: input.now } })
    .returning();
  return attempts?.wrong ?? 0;
}

/** One more wrong code today; the wrong ones so far (undefined when the row is gone). */
export async function countWrongCheckIn(tx: DbOrTx, memberId: number, day: string): Promise<number | undefined> {
  const [counted] = await tx
    .update(checkInAttempts)
    .set({ wrong: sql`${checkInAttempts.wrong} + 1` })
    .where(and(eq(checkInAttempts.memberId, memberId), eq(checkInAttempts.day, day)))
    .returning({ wrong: checkInAttempts.wrong });
  return counted?.wrong;
}

/** The announced workshop with this code that the person holds a sign-up (a place or the waitlist) for. */
export async function findByCheckInCode(
  tx: DbOrTx,
  memberId: number,
  code: string,
): Promise<{ workshop: Workshop; signup: Signup } | undefined> {
  const [found] = await tx
    .select({ workshop: workshops, signup: workshopSignups })
    .from(workshops)
    .innerJoin(
      workshopSignups,
      and(eq(workshopSignups.workshopId, workshops.id), eq(workshopSignups.memberId, memberId)),
    )
    .where(
      and(eq(workshops.checkInCode, code), ne(workshops.status, 'pending'), ne(workshopSignups.status, 'cancelled')),
    );
  return found;
}

/** Minutes a person attended across the sessions of a series. */
export async function seriesMinutesOf(tx: DbOrTx, seriesId: number, memberId: number): Promise<number> {
  const [sum] = await tx
    .select({ minutes: sql<number>`coalesce(sum(${workshopSignups.attendedMinutes}), 0)::int` })
    .from(workshopSignups)
    .innerJoin(workshops, eq(workshops.id, workshopSignups.workshopId))
    .where(and(eq(workshops.seriesId, seriesId), eq(workshopSignups.memberId, memberId)));
  return Number(sum?.minutes ?? 0);
}

export async function hasCertificate(
  tx: DbOrTx,
  memberId: number,
  owner: { seriesId: number } | { workshopId: number },
): Promise<boolean> {
  const ownerWhere =
    'seriesId' in owner ? eq(certificates.seriesId, owner.seriesId) : eq(certificates.workshopId, owner.workshopId);
  const [existing] = await tx
    .select({ id: certificates.id })
    .from(certificates)
    .where(and(eq(certificates.memberId, memberId), ownerWhere));
  return Boolean(existing);
}

/** The year's next certificate sequence: one counter row per year, incremented atomically across instances. */
export async function nextCertificateSequence(tx: DbOrTx, year: number): Promise<number> {
  const [counter] = await tx
    .insert(counters)
    .values({ name: `certificate:${year}`, value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value });
  return counter?.value ?? 0;
}

export async function insertCertificate(tx: DbOrTx, values: typeof certificates.$inferInsert): Promise<Certificate> {
  const [certificate] = await tx.insert(certificates).values(values).returning();
  if (!certificate) throw new Error('certificate insert returned nothing');
  return certificate;
}

/** A person's certificates, newest first, with what they were for. */
export async function certificatesOf(
  tx: DbOrTx,
  memberId: number,
): Promise<{ certificate: Certificate; title: string }[]> {
  const rows = await tx
    .select({ certificate: certificates, workshopTitle: workshops.title, seriesTitle: workshopSeries.title })
    .from(certificates)
    .leftJoin(workshops, eq(workshops.id, certificates.workshopId))
    .leftJoin(workshopSeries, eq(workshopSeries.id, certificates.seriesId))
    .where(eq(certificates.memberId, memberId))
    .orderBy(desc(certificates.issuedAt), desc(certificates.id));
  return rows.map((r) => ({ certificate: r.certificate, title: r.seriesTitle ?? r.workshopTitle ?? '교육' }));
}

/** Certificates lapsing by `horizon` whose holder has not been told yet. */
export async function expiringUnreminded(tx: DbOrTx, now: Date, horizon: Date): Promise<number[]> {
  const due = await tx
    .select({ id: certificates.id })
    .from(certificates)
    .where(
      and(
        isNull(certificates.expiryRemindedAt),
        gt(certificates.validUntil, now),
        lte(certificates.validUntil, horizon),
      ),
    );
  return due.map((d) => d.id);
}

/** Marks the reminder as sent, once: undefined when another run already did. */
export async function markExpiryReminded(tx: DbOrTx, id: number, now: Date): Promise<Certificate | undefined> {
  const [c] = await tx
    .update(certificates)
    .set({ expiryRemindedAt: now })
    .where(and(eq(certificates.id, id), isNull(certificates.expiryRemindedAt)))
    .returning();
  return c;
}
