import { pruneInboundEvents } from '../core/inbound/inbound.prune.ts';
import type { Job } from './job.types.ts';

/** Daily at 03:30, when nobody writes: stored event bodies and old rows past their retention (INBOUND_RETENTION). */
export function inboundPruneJob(schedule = '30 3 * * *'): Job {
  return {
    name: 'inbound-prune',
    schedule,
    description: '받은 메시지 원문 보관 기한 정리 (원문 30일, 중복 확인용 기록 90일)',
    run: (deps, now) => pruneInboundEvents(deps, now),
  };
}
