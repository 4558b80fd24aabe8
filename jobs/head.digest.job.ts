import { sendHeadWeeklyDigests } from '../core/digests/head.digest.ts';
import type { Job } from './job.types.ts';

/** Monday 08:00 by default: each village head's week. */
export function headWeeklyDigestJob(schedule: string): Job {
  return {
    name: 'head-weekly-digest',
    schedule,
    description: '이장님 주간 소식',
    run: (deps, now) => sendHeadWeeklyDigests({ deps, now }),
  };
}
