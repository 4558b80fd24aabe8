import { remindExpiringCertificates } from '../core/workshops/workshop.completion.usecases.ts';
import type { Job } from './job.types.ts';

/** Daily at 10:00: each workshop certificate that lapses within 30 days is announced once to its holder. */
export function certificateExpiryJob(schedule = '0 10 * * *'): Job {
  return {
    name: 'certificate-expiry',
    schedule,
    description: '수료증 만료 30일 전 안내',
    run: (deps, now) => remindExpiringCertificates({ deps, now }),
  };
}
