import { sendStaffDigests } from '../core/digests/staff.digest.ts';
import type { Job } from './job.types.ts';

/** Each morning (08:30 county time by default): the staff rooms' digest. */
export function staffDigestJob(schedule: string): Job {
  return {
    name: 'staff-digest',
    schedule,
    description: '담당자방 아침 소식 (본청·읍면)',
    run: (deps, now) => sendStaffDigests({ deps, summary: deps.summary, now }),
  };
}
