import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { broadcastMessage } from '../broadcasts/broadcast.rules.ts';
import { enqueue } from '../delivery/outbox.write.ts';
import { quietUntilOn } from '../delivery/quiet.hours.ts';
import { optOutMembers } from './phone.consent.usecases.ts';
import { enqueueCall } from './phone.broadcast.usecases.ts';
import { nextCallDelayMinutes } from './phone.rules.ts';
import * as repo from './phone.repository.ts';

/** A provider's report of one message (status API or webhook): its message id and final state. */
export type PhoneReport = {
  messageId: string;
  state: 'pending' | 'delivered' | 'failed' | 'unanswered' | 'opted_out';
  code: string;
};

export type ReportsResult = {
  kind: 'recorded';
  settled: number;
  fellBack: number;
  retriesQueued: number;
  optedOut: number;
};

/**
 * Records the provider's reports per recipient, once each: an SMS delivered or failed (a failed one goes to the
 * person's next chat platform with the same messages), a call answered or not (unanswered, the next attempt is queued
 * 3 and then 15 minutes later; after the third it stays unanswered for the head's non-receipt list), an opt-out
 * (phone delivery to that number stops).
 */
export async function recordReports(input: {
  deps: CoreDeps;
  reports: PhoneReport[];
  callRetryMinutes?: readonly number[];
}): Promise<ReportsResult> {
  const { deps } = input;
  const result: ReportsResult = { kind: 'recorded', settled: 0, fellBack: 0, retriesQueued: 0, optedOut: 0 };
  for (const report of input.reports) {
    if (report.state === 'pending') continue;
    await deps.db.transaction(async (tx) => {
      const now = deps.clock.now();
      const status = report.state as Exclude<PhoneReport['state'], 'pending'>;
      const texts = await repo.settleMessage(tx, {
        providerMessageId: report.messageId,
        status,
        code: report.code,
        now,
      });
      for (const m of texts) {
        result.settled++;
        if (status === 'opted_out' && m.memberId !== null) {
          await optOutMembers({ tx, deps, memberIds: [m.memberId] });
          result.optedOut++;
        }
        if ((status === 'failed' || status === 'opted_out') && m.memberId !== null) {
          const sealed = await repo.fallbackMessagesEnc(tx, m.sendId);
          const [next] = await repo.chatIdentitiesOf(tx, m.memberId);
          if (sealed && next && (await repo.markFellBack(tx, m.id, now))) {
            await enqueue(tx, deps, {
              dedupeKey: `phone:fallback:${m.id}`,
              to: { platform: next.platform, type: 'direct', id: next.platformUserId },
              memberId: m.memberId,
              purpose: 'phone.fallback',
              messages: JSON.parse(deps.cipher.decrypt(sealed)) as OutboundMessage[],
            });
            result.fellBack++;
          }
        }
      }
      if (status === 'opted_out' || texts.length > 0) return;
      const call = await repo.settleCall(tx, {
        where: { providerMessageId: report.messageId },
        status: status === 'delivered' ? 'answered' : 'unanswered',
        now,
      });
      if (!call) return;
      result.settled++;
      if (status === 'delivered' || call.memberId === null) return;
      const delay = nextCallDelayMinutes(call.attempt, input.callRetryMinutes);
      const broadcast = await repo.broadcastForCall(tx, call.broadcastId);
      if (delay === null || !broadcast) return;
      const nextId = await repo.insertCall(tx, {
        broadcastId: call.broadcastId,
        memberId: call.memberId,
        attempt: call.attempt + 1,
        now,
      });
      if (nextId === null) return;
      const due = new Date(now.getTime() + delay * 60_000);
      const held = quietUntilOn(repo.PHONE, {
        now: due,
        window: await repo.quietOf(tx, call.memberId),
        timeZone: deps.timezone,
        urgent: broadcast.category === 'urgent',
      });
      await enqueueCall(tx, deps, {
        callId: nextId,
        memberId: call.memberId,
        message: broadcastMessage(broadcast, broadcast.sendAt, deps.timezone),
        notBefore: held ?? due,
      });
      result.retriesQueued++;
    });
  }
  return result;
}

/** The provider groups whose reports are still to come: the poller asks the provider about each. */
export async function groupsAwaitingReports(input: { deps: Pick<CoreDeps, 'db'> }): Promise<string[]> {
  return repo.openGroups(input.deps.db);
}
