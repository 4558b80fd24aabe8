import type { ChannelSender, SendResult } from '../channel/channel.port.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { errorSummary } from '../error.summary.ts';
import type { BatchRow, ClaimedRequest } from './delivery.claim.ts';

/**
 * Sends a batch request exactly as it was decided: its rows that are still to be sent, under its stored retry key,
 * with the batch's one message. Rows whose message was erased since (탈퇴) are left out and fail; fewer recipients
 * under the same key is still the same request to the platform (if it took the request before, it answers 409, and
 * those left out had it too). Returns the rows of each outcome (one per platform request it became).
 */
export async function multicastRequest(
  deps: Pick<CoreDeps, 'cipher'>,
  sender: ChannelSender | undefined,
  claimed: ClaimedRequest,
): Promise<{ rows: BatchRow[]; result: SendResult }[]> {
  const { request, rows, sealed } = claimed;
  const open = rows.filter((r) => r.status === 'queued' || r.status === 'retrying');
  const sendable = open.filter((r) => r.hasMessage);
  const erased = {
    rows: open.filter((r) => !r.hasMessage),
    result: { ok: false, permanent: true, error: 'message erased before delivery' } as const,
  };
  if (!sender?.multicast || !sealed) {
    const none = { ok: false, permanent: true, error: `nothing to send on ${request.platform}` } as const;
    return [erased, { rows: sendable, result: none }];
  }
  let outcomes: { recipients: string[]; result: SendResult }[];
  try {
    outcomes = await sender.multicast({
      recipients: sendable.map((r) => r.chatId),
      messages: JSON.parse(deps.cipher.decrypt(sealed)) as OutboundMessage[],
      idempotencyKey: request.retryKey,
    });
  } catch (error) {
    outcomes = [
      {
        recipients: sendable.map((r) => r.chatId),
        result: { ok: false, permanent: false, error: errorSummary(error) },
      },
    ];
  }
  return [
    erased,
    ...outcomes.map((outcome) => {
      const members = new Set(outcome.recipients);
      return { rows: sendable.filter((r) => members.has(r.chatId)), result: outcome.result };
    }),
  ];
}
