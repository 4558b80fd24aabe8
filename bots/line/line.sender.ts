import { HTTPFetchError, type messagingApi } from '@line/bot-sdk';
import type { ChannelSender, MulticastOutcome, MulticastRequest, SendResult } from '../../core/channel/channel.port.ts';
import { uuidFrom } from '../../core/delivery/idempotency.key.ts';
import { LINE, LINE_MESSAGES_PER_REQUEST, toLineMessages } from './line.translate.ts';

type LineApi = Pick<messagingApi.MessagingApiClient, 'replyMessage' | 'pushMessage' | 'multicast'>;

/** LINE's multicast takes at most 500 recipients a request. */
export const LINE_MULTICAST_LIMIT = 500;

export type LineSender = ChannelSender & {
  /**
   * The same messages to many users: batches of 500 recipients and 5 messages, each request with a retry key derived
   * from the delivery's key, so that a retried batch is answered 409 rather than delivered again.
   */
  multicast(request: MulticastRequest): Promise<MulticastOutcome[]>;
};

/**
 * Sends through @line/bot-sdk, which neither retries nor checks limits: we keep to 5 messages a request, reply while
 * the token is fresh (else push), and give every push an X-Line-Retry-Key that is the same on every retry, so that a
 * retried push is answered 409 instead of being delivered twice.
 * https://developers.line.biz/en/reference/messaging-api/#retry-api-request
 */
/**
 * How long one LINE request may take. The SDK has no timeout of its own: without one, a LINE API that never answers
 * would hold the delivery until its lease lapses. A push or multicast that timed out is retried with the same retry
 * key, so if LINE did take it, the retry is answered 409 and nobody gets it twice.
 */
export const LINE_REQUEST_TIMEOUT_MS = 15_000;

export function createLineSender(api: LineApi, now: () => Date, options: { timeoutMs?: number } = {}): LineSender {
  const timeoutMs = options.timeoutMs ?? LINE_REQUEST_TIMEOUT_MS;
  const bounded = <T>(request: Promise<T>) => withTimeout(request, timeoutMs);
  return {
    platform: LINE,
    canPush: true,
    multicastLimit: LINE_MULTICAST_LIMIT,
    async multicast(request) {
      const chunks = inChunks(toLineMessages(request.messages), LINE_MESSAGES_PER_REQUEST);
      const batches = inChunks(request.recipients, LINE_MULTICAST_LIMIT);
      const outcomes: MulticastOutcome[] = [];
      for (const [b, recipients] of batches.entries()) {
        let result: SendResult = { ok: true };
        for (const [c, chunk] of chunks.entries()) {
          try {
            await bounded(
              api.multicast(
                { to: recipients, messages: chunk },
                retryKey(request.idempotencyKey, b * chunks.length + c),
              ),
            );
          } catch (error) {
            if (error instanceof HTTPFetchError && error.status === 409) continue;
            result = failure(error);
            break;
          }
        }
        outcomes.push({ recipients, result });
      }
      return outcomes;
    },
    async send(request) {
      const chunks = inChunks(toLineMessages(request.messages), LINE_MESSAGES_PER_REQUEST);
      // A reply token is single-use and LINE takes no retry key on a reply: the token is recorded as tried before it
      // is used, and a retry uses the same token again. Refused then, it was spent by our earlier attempt, whose
      // reply landed; a push instead would reach the person twice. An earlier attempt whose outcome we never learnt
      // (a crash, a timeout) tries the token again even past its time, as LINE may still take it.
      const handle = request.replyHandle;
      const fresh = handle ? new Date(handle.expiresAt) > now() : false;
      let replyToken = handle && (fresh || request.replyTried) ? handle.token : undefined;
      for (const [index, chunk] of chunks.entries()) {
        if (replyToken) {
          const token = replyToken;
          replyToken = undefined; // single-use
          if (!request.replyTried) await request.noteReply?.('tried');
          try {
            await bounded(api.replyMessage({ replyToken: token, messages: chunk }));
            continue;
          } catch (error) {
            // 429: LINE turned the reply away before using the token; a retry may use it, or push once it expires.
            if (error instanceof HTTPFetchError && error.status === 429) await request.noteReply?.('untried');
            if (!(error instanceof HTTPFetchError && error.status === 400)) return failure(error);
            if (request.replyTried && /reply token/i.test(error.body)) {
              if (fresh) continue;
              // Spent by our earlier attempt, or expired before it: a reply carries no retry key, so LINE cannot
              // tell us which. Not pushed, so that nobody gets it twice (README, "A reply cut short by a crash").
              return {
                ok: false,
                permanent: true,
                error: 'reply unconfirmed: the token was refused after an attempt whose outcome is unknown',
              };
            }
            // An expired token, or one spent elsewhere: the same messages go by push instead, on every retry too.
            await request.noteReply?.('refused');
          }
        }
        try {
          await bounded(
            api.pushMessage({ to: request.to.id, messages: chunk }, retryKey(request.idempotencyKey, index)),
          );
        } catch (error) {
          // 409: this very push was accepted before (a retry after a crash or a lost response): it is delivered.
          if (error instanceof HTTPFetchError && error.status === 409) continue;
          return failure(error);
        }
      }
      return { ok: true };
    },
  };
}

function withTimeout<T>(request: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`LINE did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([request, late]).finally(() => clearTimeout(timer));
}

function inChunks<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** One UUID per chunk of a delivery, derived from the delivery's key so that it survives a restart. */
export function retryKey(idempotencyKey: string, chunk: number): string {
  return chunk === 0 ? idempotencyKey : uuidFrom(`${idempotencyKey}:${chunk}`);
}

/** 429 and 5xx are worth retrying (honouring Retry-After); any other 4xx will not get better: a permanent failure. */
export function failure(error: unknown): SendResult {
  if (!(error instanceof HTTPFetchError))
    return { ok: false, permanent: false, error: error instanceof Error ? error.message : String(error) };
  const detail = `${error.status} ${safeMessage(error.body)}`;
  if (error.status === 429 || error.status >= 500)
    return { ok: false, permanent: false, error: detail, retryAfterMs: retryAfterMs(error.headers) };
  return { ok: false, permanent: true, error: detail };
}

function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function safeMessage(body: string): string {
  try {
    return String((JSON.parse(body) as { message?: unknown }).message ?? '').slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}
