import { and, desc, eq, lt } from 'drizzle-orm';
import type { DbOrTx } from '../db/db.client.ts';
import { jobRuns } from '../db/schema/index.ts';
import type { JobResult } from './job.types.ts';

/**
 * The job_runs ledger. Claiming a (job, slot) is one insert that does nothing on conflict (unless the earlier run was
 * abandoned): of two instances (or a cron tick and a catch-up) the one whose insert returns a row runs the slot; the
 * other learns it was taken.
 */
export async function claimSlot(
  db: DbOrTx,
  input: { job: string; slot: Date; instance: string; now: Date },
): Promise<number | null> {
  const abandoned = new Date(input.now.getTime() - ABANDONED_AFTER_MS);
  const [claimed] = await db
    .insert(jobRuns)
    .values({ job: input.job, slot: input.slot, instance: input.instance, status: 'running', startedAt: input.now })
    .onConflictDoUpdate({
      target: [jobRuns.job, jobRuns.slot],
      set: {
        instance: input.instance,
        status: 'running',
        startedAt: input.now,
        finishedAt: null,
        result: null,
        error: null,
      },
      // Only a run whose instance died mid-way (still "running" long after any job takes) is taken over.
      setWhere: and(eq(jobRuns.status, 'running'), lt(jobRuns.startedAt, abandoned)),
    })
    .returning({ id: jobRuns.id });
  return claimed?.id ?? null;
}

/**
 * A slot still "running" this long after it started was left by an instance that stopped mid-run: the next claim
 * (a tick or the catch-up on start) runs it again. Safe because every message a job queues has its own dedupe key,
 * so what the dead run had already queued is not queued twice.
 */
export const ABANDONED_AFTER_MS = 30 * 60_000;

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
  const [row] = await db
    .select({ id: jobRuns.id })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, job), eq(jobRuns.slot, slot)));
  return row !== undefined;
}

export type LastRun = {
  slot: Date;
  status: 'running' | 'done' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  result: Record<string, unknown> | null;
  error: string | null;
};

/** The latest slot's row of each job (for the admin command line). */
export async function lastRuns(db: DbOrTx, jobs: readonly string[]): Promise<Map<string, LastRun>> {
  const last = new Map<string, LastRun>();
  for (const job of jobs) {
    const [row] = await db
      .select({
        slot: jobRuns.slot,
        status: jobRuns.status,
        startedAt: jobRuns.startedAt,
        finishedAt: jobRuns.finishedAt,
        result: jobRuns.result,
        error: jobRuns.error,
      })
      .from(jobRuns)
      .where(eq(jobRuns.job, job))
      .orderBy(desc(jobRuns.slot))
      .limit(1);
    if (row) last.set(job, { ...row, result: row.result ?? null });
  }
  return last;
}
