import { sendDueWorkshopReminders } from '../core/workshops/workshop.reminders.usecases.ts';
import type { Job } from './job.types.ts';

/**
 * Every 5 minutes: workshop reminders (18:00 the day before, two hours before), computed from each workshop's current
 * time, so a reschedule re-times them. A slot late by a few minutes still sends the reminder that is due.
 */
export function workshopReminderJob(schedule = '*/5 * * * *'): Job {
  return {
    name: 'workshop-reminders',
    schedule,
    description: '교육 알림 (전날 18:00, 2시간 전)',
    run: (deps, now) => sendDueWorkshopReminders({ deps, now }),
  };
}
