import type { CoreDeps } from '../../core/core.deps.ts';
import { groupsAwaitingReports, recordReports } from '../../core/phone/phone.reports.usecases.ts';
import type { PhoneProvider } from './phone.provider.ts';

/**
 * One pass of the status poll: each provider group with a message or call still waiting is asked about, and what has
 * ended is recorded (core/phone decides what follows: a fallback, the next call). Returns how many reports settled
 * something, so that the loop goes on at once while reports come in.
 */
export async function pollReports(input: {
  deps: CoreDeps;
  provider: PhoneProvider;
  callRetryMinutes?: readonly number[];
}): Promise<number> {
  let settled = 0;
  for (const groupId of await groupsAwaitingReports({ deps: input.deps })) {
    const statuses = await input.provider.statuses(groupId);
    const result = await recordReports({
      deps: input.deps,
      reports: statuses.map((s) => ({ messageId: s.messageId, state: s.state, code: s.code })),
      callRetryMinutes: input.callRetryMinutes,
    });
    settled += result.settled;
  }
  return settled;
}
