import { and, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/db.client.ts';
import { jobRuns } from '../db/schema/index.ts';
import type { JobResult } from './job.types.ts';

/**
 * The job_runs ledger. Claiming a (job, slot) is one insert that does nothing on conflict: of two instances (or a
 * cron tick and a catch-up) the one whose insert returns a row runs the slot; the other learns it was taken.
 */
export async function claimSlot(db: DbOrTx, input: { job: string; slot: Date; instance: string; now: Date }): Promise<number | null> {
  const [claimed] = await db
    .insert(jobRuns)
    .values({ job: input.job, slot: input.slot, instance: input.instance, status: 'running', startedAt: input.now })
    .onConflictDoNothing({ target: [jobRuns.job, jobRuns.slot] })
    .returning({ id: jobRuns.id });
  return claimed?.id ?? null;
}

export async function finishRun(
  db: DbOrTx,
  input: { id: number; now: Date } & ({ status: 'done'; result: JobResult } | { status: 'failed'; error: string }),
): Promise<void> {
  await db
    .update(jobRuns)
    .set({
      status: input.status,
      finishedAt: input.now,
      result: input.status === 'done' ? input.result : null,
      error: input.status === 'failed' ? input.error.slice(0, 500) : null,
    })
    .where(eq(jobRuns.id, input.id));
}

export async function hasRun(db: DbOrTx, job: string, slot: Date): Promise<boolean> {
  const [row] = await db.select({ id: jobRuns.id }).from(jobRuns).where(and(eq(jobRuns.job, job), eq(jobRuns.slot, slot)));
  return row !== undefined;
}

export type LastRun = { slot: Date; status: 'running' | 'done' | 'failed'; startedAt: Date; finishedAt: Date | null; result: Record<string, unknown> | null; error: string | null };

/** The latest slot's row of each job (for the admin command line). */
export async function lastRuns(db: DbOrTx, jobs: readonly string[]): Promise<Map<string, LastRun>> {
  const last = new Map<string, LastRun>();
  for (const job of jobs) {
    const [row] = await db
      .select({ slot: jobRuns.slot, status: jobRuns.status, startedAt: jobRuns.startedAt, finishedAt: jobRuns.finishedAt, result: jobRuns.result, error: jobRuns.error })
      .from(jobRuns)
      .where(eq(jobRuns.job, job))
      .orderBy(desc(jobRuns.slot))
      .limit(1);
    if (row) last.set(job, { ...row, result: row.result ?? null });
  }
  return last;
}
