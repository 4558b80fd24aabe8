import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import { previousSlot, slotOf } from './cron.slots.ts';
import { claimSlot, finishRun } from './job.runs.ts';
import type { Job, JobDeps, JobResult } from './job.types.ts';

export type RunOutcome =
  | { kind: 'ran'; slot: Date; result: JobResult }
  | { kind: 'failed'; slot: Date; error: string }
  /** Another instance (or an earlier run of this one) claimed the slot first: nothing done. */
  | { kind: 'taken'; slot: Date }
  /** This process is still running the job for an earlier slot. */
  | { kind: 'busy'; slot: Date };

export type JobScheduler = {
  readonly instance: string;
  readonly jobs: readonly Job[];
  /** Catches up missed slots within the grace, then starts the cron ticks. */
  start(): Promise<void>;
  /** Stops the ticks and waits for runs in progress. */
  stop(): Promise<void>;
  /** Claims (job, slot) and, if this instance won it, runs the job for that slot. */
  runSlot(name: string, slot: Date): Promise<RunOutcome>;
  /** For each job, the latest due slot within the grace is run once if no instance has run it. */
  catchUp(): Promise<Map<string, RunOutcome>>;
};

/**
 * Runs jobs on node-cron in the county's time zone, exactly once per slot across instances: every run first
 * inserts its (job, slot) row into job_runs; the insert that conflicts runs nothing. node-cron's noOverlap and the
 * in-process `running` map keep one process from overlapping itself; the unique row keeps two processes apart.
 */
export function createJobScheduler(input: {
  deps: JobDeps;
  jobs: readonly Job[];
  graceMinutes: number;
  instance?: string;
}): JobScheduler {
  const { deps, jobs } = input;
  const instance = input.instance ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const running = new Map<string, Promise<RunOutcome>>();
  let tasks: ScheduledTask[] = [];

  const byName = (name: string): Job => {
    const job = jobs.find((j) => j.name === name);
    if (!job) throw new Error(`unknown job: ${name}`);
    return job;
  };

  async function execute(job: Job, slot: Date): Promise<RunOutcome> {
    const runId = await claimSlot(deps.db, { job: job.name, slot, instance, now: deps.clock.now() });
    if (runId === null) {
      deps.logger.debug({ job: job.name, slot, instance }, 'job slot taken by another run');
      return { kind: 'taken', slot };
    }
    try {
      const result = await job.run(deps, slot);
      await finishRun(deps.db, { id: runId, now: deps.clock.now(), status: 'done', result });
      deps.logger.info({ job: job.name, slot, instance, result }, 'job done');
      return { kind: 'ran', slot, result };
    } catch (error) {
      // The slot stays claimed: a failed digest is reported (CLI `jobs`, logs), not sent twice by a blind retry.
      const message = error instanceof Error ? error.message : String(error);
      await finishRun(deps.db, { id: runId, now: deps.clock.now(), status: 'failed', error: message });
      deps.logger.error({ job: job.name, slot, instance, err: message }, 'job failed');
      return { kind: 'failed', slot, error: message };
    }
  }

  function runSlot(name: string, slot: Date): Promise<RunOutcome> {
    const job = byName(name);
    const at = slotOf(slot);
    if (running.has(job.name)) return Promise.resolve({ kind: 'busy', slot: at });
    const run = execute(job, at).finally(() => running.delete(job.name));
    running.set(job.name, run);
    return run;
  }

  async function catchUp(): Promise<Map<string, RunOutcome>> {
    const outcomes = new Map<string, RunOutcome>();
    const now = deps.clock.now();
    for (const job of jobs) {
      const slot = previousSlot(job.schedule, now, deps.timezone, input.graceMinutes);
      if (!slot) continue;
      const outcome = await runSlot(job.name, slot);
      outcomes.set(job.name, outcome);
      if (outcome.kind === 'ran' || outcome.kind === 'failed')
        deps.logger.info({ job: job.name, slot, outcome: outcome.kind }, 'missed job slot caught up');
    }
    return outcomes;
  }

  return {
    instance,
    jobs,
    runSlot,
    catchUp,
    async start() {
      await catchUp();
      tasks = scheduleTicks(jobs, deps.timezone, (job, due) => runSlot(job.name, due));
    },
    async stop() {
      for (const task of tasks) await task.destroy();
      tasks = [];
      await Promise.allSettled([...running.values()]);
    },
  };
}

/** One node-cron task per job in the county's time zone; each tick hands over the minute it was due. */
export function scheduleTicks(
  jobs: readonly Job[],
  timezone: string,
  onTick: (job: Job, slot: Date) => Promise<unknown>,
): ScheduledTask[] {
  return jobs.map((job) =>
    cron.schedule(job.schedule, (context) => onTick(job, slotOf(context.date)), {
      timezone,
      name: `maeul:${job.name}`,
      noOverlap: true,
    }),
  );
}
