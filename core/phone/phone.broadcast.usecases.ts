import type { DbOrTx } from '../../db/db.client.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue } from '../delivery/outbox.write.ts';
import { quietUntilOn } from '../delivery/quiet.hours.ts';
import * as repo from './phone.repository.ts';

/** A phone chat id for an extra copy (the SMS a 긴급 broadcast adds to a chat delivery): it never falls back. */
export const EXTRA_PREFIX = 'extra:';

/**
 * What a broadcast adds by phone, in the fan-out's transaction (the fan-out itself already reached residents whose
 * only identity is the phone, by SMS): a call to every resident in scope who chose 전화로 듣기, and for 긴급 an SMS
 * to everyone in scope who consented to the phone and was reached on a chat. Calls wait out the phone's quiet hours
 * unless urgent (core/delivery/quiet.hours.ts).
 */
export async function enqueueBroadcastByPhone(input: {
  tx: DbOrTx;
  deps: Pick<CoreDeps, 'cipher' | 'clock' | 'timezone'>;
  broadcastId: number;
  villageIds: number[];
  senderId: number;
  urgent: boolean;
  message: OutboundMessage;
}): Promise<{ kind: 'enqueued'; calls: number; urgentSms: number }> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  const audience = await repo.phoneAudience(tx, {
    villageIds: input.villageIds,
    senderId: input.senderId,
    urgent: input.urgent,
  });
  let calls = 0;
  let urgentSms = 0;
  for (const person of audience) {
    const held = quietUntilOn(repo.PHONE, {
      now,
      window: { start: person.quietStart, end: person.quietEnd },
      timeZone: deps.timezone,
      urgent: input.urgent,
    });
    if (person.mode === 'voice') {
      const callId = await repo.insertCall(tx, {
        broadcastId: input.broadcastId,
        memberId: person.memberId,
        attempt: 1,
        now,
      });
      if (callId !== null) {
        await enqueueCall(tx, deps, { callId, memberId: person.memberId, message: input.message, notBefore: held });
        calls++;
      }
    }
    if (input.urgent && person.hasChat) {
      await enqueue(tx, deps, {
        dedupeKey: `broadcast:${input.broadcastId}:urgent-sms:${person.memberId}`,
        to: { platform: repo.PHONE, type: 'direct', id: `${EXTRA_PREFIX}${person.recipient}` },
        memberId: person.memberId,
        purpose: 'broadcast.urgent_sms',
        subject: { kind: 'broadcast', id: input.broadcastId },
        messages: [input.message],
      });
      urgentSms++;
    }
  }
  return { kind: 'enqueued', calls, urgentSms };
}

/** The outbox row that places one call: it names the call, and the number is read when it is placed. */
export async function enqueueCall(
  tx: DbOrTx,
  deps: Pick<CoreDeps, 'cipher' | 'clock'>,
  input: { callId: number; memberId: number; message: OutboundMessage; notBefore: Date | null },
): Promise<void> {
  await enqueue(tx, deps, {
    dedupeKey: `phone:call:${input.callId}`,
    to: { platform: repo.PHONE, type: 'direct', id: `call:${input.callId}` },
    memberId: input.memberId,
    purpose: 'broadcast.call',
    messages: [input.message],
    notBefore: input.notBefore ?? undefined,
  });
}

export type CallTally = { broadcastId: number; memberId: number; attempts: number; answered: boolean; open: boolean };

/** Per resident of these broadcasts: calls made, whether one was answered, whether one is still to come. */
export async function callsOfBroadcasts(input: { tx: DbOrTx; broadcastIds: number[] }): Promise<CallTally[]> {
  return repo.callsOfBroadcast(input.tx, input.broadcastIds);
}

/** What a broadcast would add by phone (its preview): calls to make, and for 긴급 the SMS beside a chat delivery. */
export async function countBroadcastByPhone(input: {
  tx: DbOrTx;
  villageIds: number[];
  senderId: number;
  urgent: boolean;
}): Promise<{ calls: number; urgentSms: number }> {
  const audience = await repo.phoneAudience(input.tx, {
    villageIds: input.villageIds,
    senderId: input.senderId,
    urgent: input.urgent,
  });
  return {
    calls: audience.filter((p) => p.mode === 'voice').length,
    urgentSms: input.urgent ? audience.filter((p) => p.hasChat).length : 0,
  };
}
