import { sendResidentDigests } from '../core/digests/resident.digest.ts';
import { previousSlot } from './cron.slots.ts';
import type { Job } from './job.types.ts';

/**
 * Every 30 minutes by default: residents in digest mode whose chosen time fell since the previous slot. The window
 * starts at the previous slot of this same schedule, so every chosen time belongs to exactly one slot.
 */
export function residentDigestJob(schedule: string): Job {
  return {
    name: 'resident-digest',
    schedule,
    description: '주민 마을방송 모아 보기 (고른 시각에 하루 한 번)',
    run: (deps, now) => {
      const before = previousSlot(schedule, new Date(now.getTime() - 60_000), deps.timezone, 24 * 60);
      return sendResidentDigests({ deps, slot: now, windowStart: before ?? new Date(now.getTime() - 24 * 3_600_000) });
    },
  };
}
