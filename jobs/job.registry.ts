import { createOpenAiSummaryWriter } from '../core/ai/openai.summary.ts';
import { noSummaryWriter, type SummaryWriter } from '../core/ai/summary.port.ts';
import type { Logger } from '../core/logger.port.ts';
import { feedbackSlaJob } from './feedback.sla.job.ts';
import { headWeeklyDigestJob } from './head.digest.job.ts';
import { inboundPruneJob } from './inbound.prune.job.ts';
import type { Job } from './job.types.ts';
import { noticeFollowUpJob } from './notice.followup.job.ts';
import { residentDigestJob } from './resident.digest.job.ts';
import { staffDigestJob } from './staff.digest.job.ts';
import { voteClockJob } from './votes.clock.job.ts';
import { certificateExpiryJob } from './workshop.certificate.job.ts';
import { workshopCompletionJob } from './workshop.completion.job.ts';
import { workshopReminderJob } from './workshop.reminder.job.ts';

/** The settings jobs read (a slice of AppConfig, so that tests and the CLI can pass their own). */
export type JobSettings = {
  JOB_STAFF_DIGEST_SCHEDULE: string;
  JOB_RESIDENT_DIGEST_SCHEDULE: string;
  JOB_HEAD_DIGEST_SCHEDULE: string;
  JOB_FEEDBACK_SLA_SCHEDULE: string;
  OPENAI_API_KEY?: string | undefined;
  OPENAI_BASE_URL?: string | undefined;
  OPENAI_MODEL?: string | undefined;
  OPENAI_TIMEOUT_MS: number;
};

/** Every scheduled job of the process. The workshop and notice reminders will be added here. */
export function createJobs(settings: JobSettings): Job[] {
  return [
    staffDigestJob(settings.JOB_STAFF_DIGEST_SCHEDULE),
    residentDigestJob(settings.JOB_RESIDENT_DIGEST_SCHEDULE),
    headWeeklyDigestJob(settings.JOB_HEAD_DIGEST_SCHEDULE),
    feedbackSlaJob(settings.JOB_FEEDBACK_SLA_SCHEDULE),
    workshopReminderJob(),
    workshopCompletionJob(),
    certificateExpiryJob(),
    noticeFollowUpJob(),
    inboundPruneJob(),
    voteClockJob(),
  ];
}

/** The model for summaries when one is configured (a model name and an endpoint or key), else the template. */
export function createSummaryWriter(settings: JobSettings, logger: Logger): SummaryWriter {
  if (!settings.OPENAI_MODEL || !(settings.OPENAI_BASE_URL || settings.OPENAI_API_KEY)) return noSummaryWriter;
  return createOpenAiSummaryWriter({
    model: settings.OPENAI_MODEL,
    baseURL: settings.OPENAI_BASE_URL,
    apiKey: settings.OPENAI_API_KEY,
    timeoutMs: settings.OPENAI_TIMEOUT_MS,
    logger,
  });
}
