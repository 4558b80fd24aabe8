import { escalateOverdueFeedback } from '../core/feedback/feedback.triage.ts';
import type { Job } from './job.types.ts';

/** Every 15 minutes by default: feedback whose first answer is overdue is escalated to HQ, once. */
export function feedbackSlaJob(schedule: string): Job {
  return {
    name: 'feedback-sla',
    schedule,
    description: '주민 의견 답변 기한 넘김 알림 (본청)',
    run: async (deps) => ({ escalated: await escalateOverdueFeedback(deps) }),
  };
}
