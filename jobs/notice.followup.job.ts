import { followUpNotices } from '../core/notices/notice.followup.ts';
import type { Job } from './job.types.ts';

/** Every 10 minutes by default: reminders before a notice's deadline, escalation to the staff rooms after it. */
export function noticeFollowUpJob(schedule = '*/10 * * * *'): Job {
  return {
    name: 'notice-followup',
    schedule,
    description: '이장 공지 확인 요청과 기한 지난 공지 알림',
    run: (deps, now) => followUpNotices({ deps, now }),
  };
}
