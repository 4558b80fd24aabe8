import { creditAttendance } from '../core/workshops/workshop.completion.usecases.ts';
import type { Job } from './job.types.ts';

/**
 * Every 5 minutes: workshops under way credit their attendees with the minutes passed, and a certificate goes to
 * whoever has the required minutes (at the latest a few minutes after the end); ended workshops are completed.
 */
export function workshopCompletionJob(schedule = '*/5 * * * *'): Job {
  return {
    name: 'workshop-completion',
    schedule,
    description: '교육 출석 시간 반영·수료증 발급',
    run: (deps, now) => creditAttendance({ deps, now }),
  };
}
