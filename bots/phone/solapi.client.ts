import { createHmac, randomBytes } from 'node:crypto';
import {
  type PhoneProvider,
  ProviderError,
  type ProviderKind,
  type ProviderState,
  type ProviderStatus,
  type SendManyResult,
} from './phone.provider.ts';

/**
 * SOLAPI's REST API, called with fetch rather than its npm SDK: the SDK hard-codes https://api.solapi.com (tests and a
 * county's proxy need PHONE_API_BASE_URL), has no timeout of its own, and we use two endpoints only.
 *
 * - Authentication: `Authorization: HMAC-SHA256 apiKey=<key>, date=<ISO 8601>, salt=<random>, signature=<hex>` where
 *   the signature is HMAC-SHA256(secret, date + salt). https://developers.solapi.com/references/authentication/api-key
 * - Sending: POST /messages/v4/send-many/detail, up to 10,000 messages, type SMS | LMS | VOICE (VOICE reads `text`
 *   aloud, `voiceOptions.voiceType` FEMALE|MALE); the answer has the group id, each accepted message's id
 *   (`messageList`) and those refused at once (`failedMessageList`).
 *   https://developers.solapi.com/references/messages/sendManyDetail · https://developers.solapi.com/references/voice
 * - Status: GET /messages/v4/list?groupId=… pages of messages keyed by id, each with its `statusCode`.
 *   https://developers.solapi.com/references/messages/getMessageList
 *
 * SOLAPI takes no idempotency key: a request whose answer is lost may have been sent (see phone.sender.ts).
 */
export const SOLAPI_MAX_PER_REQUEST = 10_000;
export const SOLAPI_TIMEOUT_MS = 15_000;

/**
 * statusCode → state. 2000/3000 are accepted and on their way, 4000 received (a call: answered). The codes of the
 * opt-out (080 수신거부) and of an unanswered call are SOLAPI's status-code table's
 * (https://developers.solapi.com/references/message-status-codes); any other final code is a failure, and for a call
 * nobody heard it, so it counts as unanswered.
 */
const PENDING_CODES = new Set(['2000', '2001', '3000']);
export const SOLAPI_OPT_OUT_CODES = new Set(['3041', '3054']);
export const SOLAPI_NO_ANSWER_CODES = new Set(['3104', '3105', '3106']);

export function solapiState(kind: ProviderKind | string, code: string): ProviderState {
  if (PENDING_CODES.has(code)) return 'pending';
  if (code === '4000') return 'delivered';
  if (SOLAPI_OPT_OUT_CODES.has(code)) return 'opted_out';
  if (kind === 'voice' || kind === 'VOICE' || SOLAPI_NO_ANSWER_CODES.has(code)) return 'unanswered';
  return 'failed';
}

export function solapiAuthorization(
  apiKey: string,
  apiSecret: string,
  now: Date,
  salt = randomBytes(16).toString('hex'),
) {
  const date = now.toISOString();
  const signature = createHmac('sha256', apiSecret)
    .update(date + salt)
    .digest('hex');
  return `HMAC-SHA256 apiKey=${apiKey}, date=${date}, salt=${salt}, signature=${signature}`;
}

const TYPES: Record<ProviderKind, string> = { sms: 'SMS', lms: 'LMS', voice: 'VOICE' };

type SolapiMessage = { messageId?: string; to?: string; type?: string; statusCode?: string; statusMessage?: string };

export function createSolapiClient(input: {
  apiKey: string;
  apiSecret: string;
  baseUrl: string;
  now?: () => Date;
  timeoutMs?: number;
}): PhoneProvider {
  const base = input.baseUrl.replace(/\/$/, '');
  const now = input.now ?? (() => new Date());
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: solapiAuthorization(input.apiKey, input.apiSecret, now()),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(input.timeoutMs ?? SOLAPI_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ProviderError(`SOLAPI unreachable: ${error instanceof Error ? error.name : 'error'}`, true);
    }
    const text = await res.text();
    if (!res.ok) {
      const retryable = res.status === 429 || res.status >= 500;
      const after = Number(res.headers.get('retry-after'));
      throw new ProviderError(
        `SOLAPI ${res.status} ${errorCode(text)}`,
        retryable,
        res.status,
        Number.isFinite(after) && after > 0 ? after * 1000 : undefined,
      );
    }
    return text ? JSON.parse(text) : {};
  }
  return {
    name: 'solapi',
    maxPerRequest: SOLAPI_MAX_PER_REQUEST,
    async sendMany({ from, messages }) {
      const answer = (await call('POST', '/messages/v4/send-many/detail', {
        messages: messages.map((m) => ({
          to: m.to.replace(/^\+82/, '0'),
          from: from.replace(/\D/g, ''),
          type: TYPES[m.kind],
          text: m.text,
          ...(m.kind === 'lms' && m.subject ? { subject: m.subject } : {}),
          ...(m.kind === 'voice' ? { voiceOptions: { voiceType: 'FEMALE' } } : {}),
        })),
        showMessageList: true,
      })) as { groupInfo?: { groupId?: string }; messageList?: SolapiMessage[]; failedMessageList?: SolapiMessage[] };
      const result: SendManyResult = { groupId: answer.groupInfo?.groupId ?? '', accepted: [], refused: [] };
      for (const m of answer.messageList ?? [])
        if (m.messageId && m.to) result.accepted.push({ to: e164(m.to), messageId: m.messageId });
      for (const m of answer.failedMessageList ?? [])
        if (m.to) {
          const code = m.statusCode ?? '';
          result.refused.push({
            to: e164(m.to),
            code,
            message: (m.statusMessage ?? '').slice(0, 200),
            optedOut: SOLAPI_OPT_OUT_CODES.has(code),
          });
        }
      return result;
    },
    async statuses(groupId) {
      const out: ProviderStatus[] = [];
      let startKey: string | undefined;
      for (let page = 0; page < 100; page++) {
        const query = new URLSearchParams({ groupId, limit: '500', ...(startKey ? { startKey } : {}) });
        const answer = (await call('GET', `/messages/v4/list?${query}`)) as {
          messageList?: Record<string, SolapiMessage>;
          nextKey?: string | null;
        };
        for (const m of Object.values(answer.messageList ?? {}))
          if (m.messageId && m.to)
            out.push({
              messageId: m.messageId,
              to: e164(m.to),
              code: m.statusCode ?? '',
              state: solapiState(m.type ?? '', m.statusCode ?? ''),
            });
        if (!answer.nextKey) break;
        startKey = answer.nextKey;
      }
      return out;
    },
  };
}

/** 01012345678 → +821012345678 (as registrations hold numbers). */
function e164(local: string): string {
  const digits = local.replace(/\D/g, '');
  return digits.startsWith('0') ? `+82${digits.slice(1)}` : `+${digits}`;
}

/** The provider's error code from its body, never the body itself (it may echo a number). */
function errorCode(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errorCode?: unknown };
    return String(parsed.errorCode ?? '').slice(0, 60);
  } catch {
    return '';
  }
}
