import type { SummaryWriter } from '../core/ai/summary.port.ts';
import type { CoreDeps } from '../core/core.deps.ts';

/** What a job may use: the core's dependencies and the model port for summaries (which may be absent-by-design). */
export type JobDeps = CoreDeps & { summary: SummaryWriter };

/** Counts a run reports into job_runs.result: how many digests were queued, rooms reached, … never personal data. */
export type JobResult = Record<string, number>;

/**
 * A scheduled job: thin, it calls one usecase. `now` is the slot it runs for (the minute it was due, not the minute
 * it happened to start), so that a catch-up run after a restart works on the day it stands for.
 */
export type Job = {
  name: string;
  /** A five-field cron expression in county time (COUNTY_TIMEZONE). */
  schedule: string;
  /** Korean one-liner for the admin command line. */
  description: string;
  run(deps: JobDeps, now: Date): Promise<JobResult>;
};
