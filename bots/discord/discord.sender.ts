import { createHash } from 'node:crypto';
import { DiscordAPIError, HTTPError, RateLimitError, Routes, type REST } from 'discord.js';
import type { ChannelSender, SendRequest, SendResult } from '../../core/channel/channel.port.ts';
import { DISCORD, parseReplyHandle, toDiscordPayloads, type DiscordPayload } from './discord.translate.ts';

// https://discord.com/developers/docs/resources/message#create-message-jsonform-params — a nonce is an integer or a
// string of at most 25 characters; with enforce_nonce a second create with the same nonce returns the first message.
const NONCE_LENGTH = 25;

/**
 * Sends through discord.js's REST client only (no gateway needed), so that an instance without the gateway lease
 * sends as well as the one holding it. discord.js waits on 429s itself and retries; what it cannot fix is classified
 * into a SendResult for the delivery engine.
 */
export function createDiscordSender(rest: REST, now: () => Date): ChannelSender {
  const dmChannels = new Map<string, string>();

  /** https://discord.com/developers/docs/resources/user#create-dm — the same channel every time; cached. */
  async function channelFor(request: SendRequest): Promise<string> {
    if (request.to.type === 'group') return request.to.id;
    const cached = dmChannels.get(request.to.id);
    if (cached) return cached;
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: request.to.id } })) as {
      id: string;
    };
    dmChannels.set(request.to.id, channel.id);
    return channel.id;
  }

  return {
    platform: DISCORD,
    canPush: true,
    async send(request) {
      const payloads = toDiscordPayloads(request.messages);
      let next = 0;
      const handle =
        request.replyHandle && new Date(request.replyHandle.expiresAt) > now()
          ? parseReplyHandle(request.replyHandle.token)
          : null;
      if (handle && payloads[0]) {
        // The interaction was deferred ("생각 중…"); its answer replaces that placeholder. An edit is idempotent, so
        // unlike LINE's single-use reply token it is safe on a retry too, as long as the token is fresh.
        // https://discord.com/developers/docs/interactions/receiving-and-responding#edit-original-interaction-response
        try {
          await rest.patch(Routes.webhookMessage(handle.applicationId, handle.interactionToken, '@original'), {
            body: payloads[0],
            auth: false,
          });
          next = 1;
        } catch (error) {
          // An expired or unknown token (10015, 10062, 50027…): the same message goes to the channel instead.
          if (!(error instanceof DiscordAPIError && error.status < 500 && error.status !== 429)) return failure(error);
        }
      }
      let firstId: string | undefined;
      try {
        const channelId = next < payloads.length ? await channelFor(request) : '';
        // A message that replaces an earlier one (a corrected notice) edits it in place; if it is gone (10008 unknown
        // message), it is posted anew. An edit is idempotent, so a retry needs no nonce.
        // https://discord.com/developers/docs/resources/message#edit-message
        const replaces = request.messages[0]?.replaces;
        if (replaces && next === 0 && payloads[0]) {
          try {
            await rest.patch(Routes.channelMessage(channelId, replaces), { body: payloads[0] });
            firstId = replaces;
            next = 1;
          } catch (error) {
            if (!(error instanceof DiscordAPIError && error.status === 404)) return failure(error);
          }
        }
        for (let i = next; i < payloads.length; i++) {
          const created = (await rest.post(Routes.channelMessages(channelId), {
            body: withNonce(payloads[i] as DiscordPayload, request.idempotencyKey, i),
          })) as { id?: string };
          firstId ??= created.id;
        }
      } catch (error) {
        return failure(error);
      }
      return { ok: true, platformMessageId: firstId };
    },
  };
}

function withNonce(
  payload: DiscordPayload,
  idempotencyKey: string,
  part: number,
): DiscordPayload & { nonce: string; enforce_nonce: true } {
  return { ...payload, nonce: nonceFor(idempotencyKey, part), enforce_nonce: true };
}

/** The same delivery part always gets the same nonce (a retry after a crash or a lost response is recognised). */
export function nonceFor(idempotencyKey: string, part: number): string {
  return createHash('sha256').update(`${idempotencyKey}:${part}`).digest('base64url').slice(0, NONCE_LENGTH);
}

/**
 * 5xx, timeouts and network errors are worth retrying, and so is a rate limit discord.js chose not to wait out
 * (with its Retry-After). 401 is our token, not the recipient: retried, so a fixed token still delivers. Any other
 * 4xx will not get better — 50007 cannot send messages to this user, 50013 missing permissions, 10003 unknown
 * channel, 10013 unknown user, 50001 missing access — and is a permanent failure with Discord's code, so that the
 * delivery engine can try the person's next platform.
 * https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
 */
export function failure(error: unknown): SendResult {
  if (error instanceof RateLimitError)
    return { ok: false, permanent: false, error: `429 rate limited on ${error.route}`, retryAfterMs: error.retryAfter };
  if (error instanceof DiscordAPIError) {
    const detail = `${error.status} ${String(error.code)} ${'message' in error.rawError ? error.rawError.message : ''}`
      .trim()
      .slice(0, 300);
    const permanent = error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 429;
    return { ok: false, permanent, error: detail };
  }
  if (error instanceof HTTPError)
    return {
      ok: false,
      permanent: error.status >= 400 && error.status < 500 && error.status !== 429,
      error: `${error.status} ${error.name}`,
    };
  return {
    ok: false,
    permanent: false,
    error:
      error instanceof Error ? `${error.name}: ${error.message.split('\n')[0] ?? ''}`.slice(0, 300) : String(error),
  };
}
