import { and, asc, desc, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { assemblies, assemblyAttendance, assemblyCheckInAttempts } from '../../db/schema/index.ts';

export type Assembly = typeof assemblies.$inferSelect;

export async function insertAssembly(tx: DbOrTx, values: typeof assemblies.$inferInsert): Promise<Assembly> {
  const [row] = await tx.insert(assemblies).values(values).returning();
  if (!row) throw new Error('assembly insert returned nothing');
  return row;
}

export async function getAssembly(tx: DbOrTx, id: number, lock = false): Promise<Assembly | undefined> {
  const q = tx.select().from(assemblies).where(eq(assemblies.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function updateAssembly(
  tx: DbOrTx,
  id: number,
  patch: Partial<typeof assemblies.$inferInsert>,
): Promise<Assembly> {
  const [row] = await tx.update(assemblies).set(patch).where(eq(assemblies.id, id)).returning();
  if (!row) throw new Error(`assembly ${id} is gone`);
  return row;
}

/** The latest assemblies (by start), newest first: the console filters them by scope. */
export async function recentAssemblies(tx: DbOrTx, limit: number): Promise<Assembly[]> {
  return tx.select().from(assemblies).orderBy(desc(assemblies.startsAt), desc(assemblies.id)).limit(limit);
}

/** Codes of assemblies not yet closed: a new code is none of them. */
export async function codesInUse(tx: DbOrTx): Promise<Set<string>> {
  const rows = await tx.select({ code: assemblies.checkInCode }).from(assemblies).where(isNull(assemblies.closedAt));
  return new Set(rows.map((r) => r.code));
}

/** The district's assemblies whose check-in is open at `now` (from `earlyMs` before the start to the end). */
export async function checkInOpen(tx: DbOrTx, districtCode: string, now: Date, earlyMs: number): Promise<Assembly[]> {
  return tx
    .select()
    .from(assemblies)
    .where(
      and(
        eq(assemblies.districtCode, districtCode),
        lte(assemblies.startsAt, new Date(now.getTime() + earlyMs)),
        gt(assemblies.endsAt, now),
        isNull(assemblies.closedAt),
      ),
    )
    .orderBy(asc(assemblies.startsAt));
}

export async function assembliesToClose(tx: DbOrTx, now: Date): Promise<number[]> {
  const rows = await tx
    .select({ id: assemblies.id })
    .from(assemblies)
    .where(and(isNull(assemblies.closedAt), lte(assemblies.endsAt, now)));
  return rows.map((r) => r.id);
}

export async function markPresent(tx: DbOrTx, assemblyId: number, memberId: number, now: Date): Promise<boolean> {
  const rows = await tx
    .insert(assemblyAttendance)
    .values({ assemblyId, memberId, checkedInAt: now })
    .onConflictDoNothing()
    .returning({ m: assemblyAttendance.memberId });
  return rows.length > 0;
}

export async function countPresent(tx: DbOrTx, assemblyId: number): Promise<number> {
  return tx.$count(assemblyAttendance, eq(assemblyAttendance.assemblyId, assemblyId));
}

export async function wrongCodes(tx: DbOrTx, assemblyId: number, memberId: number): Promise<number> {
  const [row] = await tx
    .select({ wrong: assemblyCheckInAttempts.wrong })
    .from(assemblyCheckInAttempts)
    .where(and(eq(assemblyCheckInAttempts.assemblyId, assemblyId), eq(assemblyCheckInAttempts.memberId, memberId)));
  return row?.wrong ?? 0;
}

/** One more wrong code, counted atomically (codes sent at once are counted one after another). */
export async function addWrongCode(tx: DbOrTx, assemblyId: number, memberId: number): Promise<number> {
  const [row] = await tx
    .insert(assemblyCheckInAttempts)
    .values({ assemblyId, memberId, wrong: 1 })
    .onConflictDoUpdate({
      target: [assemblyCheckInAttempts.assemblyId, assemblyCheckInAttempts.memberId],
      set: { wrong: sqlIncrement() },
    })
    .returning({ wrong: assemblyCheckInAttempts.wrong });
  return row?.wrong ?? 1;
}

const sqlIncrement = () => sql`${assemblyCheckInAttempts.wrong} + 1`;
