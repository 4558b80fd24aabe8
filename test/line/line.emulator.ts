import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { messagingApi } from '@line/bot-sdk';

/**
 * A stand-in for api.line.me that the real @line/bot-sdk client talks to over HTTP on 127.0.0.1, enforcing the
 * limits and failure modes of the Messaging API that our sender must survive (size limits, single-use reply
 * tokens, retry keys, rate limits, blocked users). It is strict where LINE is documented to be strict, so a test
 * that passes here does not pass only because the fake is lenient.
 * https://developers.line.biz/en/reference/messaging-api/
 */

/** Every request the emulator answered, in order. Header names are lowercase (as node gives them). */
export type LineApiRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  at: number;
};
/** Any LINE message object; `text` and `quickReply` are typed so tests can assert on them without narrowing. */
export type LineMessageRecord = {
  type: string;
  text?: string;
  quickReply?: messagingApi.QuickReply;
  [key: string]: unknown;
};
/** One accepted message for one recipient (a multicast to 3 users is 3 entries per message). */
export type LineDelivery = {
  via: 'reply' | 'push' | 'multicast';
  to: string;
  message: LineMessageRecord;
  retryKey?: string;
  requestId: string;
  at: number;
};
export type LineFailure = { status: number; retryAfterSeconds?: number; body?: object };
export type LineProfile = { displayName: string; pictureUrl?: string; language?: string; statusMessage?: string };

export interface LineEmulator {
  readonly baseUrl: string;
  readonly requests: LineApiRequest[];
  readonly delivered: LineDelivery[];
  /** Retry keys of accepted push/multicast requests (cleared by reset). */
  readonly acceptedRetryKeys: Set<string>;
  /** Group and room ids the bot was asked to leave. */
  readonly left: string[];
  /** A fresh single-use reply token for a chat (user, group or room id), as a webhook event would carry. */
  issueReplyToken(to: string): string;
  /** The next n reply/push/multicast requests are answered with this instead (e.g. 429 + Retry-After, or 500). */
  failNext(n: number, response: LineFailure): void;
  /** The next n requests are handled at once (a push is delivered) but answered only after `ms`: a slow LINE. */
  delayNext(n: number, ms: number): void;
  /** The user blocked the bot: push is a 400, multicast silently skips them, their profile is a 404. */
  blockUser(userId: string): void;
  setProfile(userId: string, profile: LineProfile): void;
  setGroup(groupId: string, summary: { groupName: string; pictureUrl?: string }): void;
  /** Makes a user a member of a group or room, for the member-profile endpoints (the profile comes from setProfile). */
  addMember(chatId: string, userId: string): void;
  /** Forgets traffic and faults (records, retry keys, reply tokens, failNext, blocks, leaves); keeps profiles and groups. */
  reset(): void;
  close(): Promise<void>;
}

// https://developers.line.biz/en/reference/messaging-api/#send-reply-message (and #send-push-message, #send-multicast-message)
const MAX_MESSAGES = 5;
const MAX_MULTICAST_TO = 500;
// https://developers.line.biz/en/reference/messaging-api/#text-message — counted here in UTF-16 code units (string
// length), the stricter reading: an emoji counts 2.
const MAX_TEXT = 5000;
// https://developers.line.biz/en/reference/messaging-api/#quick-reply
const MAX_QUICK_REPLY_ITEMS = 13;
const MAX_QUICK_REPLY_LABEL = 20;
// https://developers.line.biz/en/reference/messaging-api/#retry-api-request — a key is remembered for 24 hours.
const RETRY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Answer = { status: number; body: object; headers?: Record<string, string> };
type Detail = { message: string; property: string };
const error = (status: number, message: string, details?: Detail[]): Answer => ({
  status,
  body: details ? { message, details } : { message },
});
const invalid = (details: Detail[]) => error(400, `The request body has ${details.length} error(s)`, details);
const NOT_FOUND = error(404, 'Not found');

export async function startLineEmulator(opts: {
  channelAccessToken: string;
  replyTokenTtlMs?: number;
  now?: () => number;
}): Promise<LineEmulator> {
  const now = opts.now ?? Date.now;
  const ttl = opts.replyTokenTtlMs ?? 60_000;
  const requests: LineApiRequest[] = [];
  const delivered: LineDelivery[] = [];
  const acceptedRetryKeys = new Set<string>();
  const accepted = new Map<string, { requestId: string; at: number; body: object }>();
  const replyTokens = new Map<string, { to: string; issuedAt: number; used: boolean }>();
  const failures: LineFailure[] = [];
  const delays: number[] = [];
  const blocked = new Set<string>();
  const left: string[] = [];
  const profiles = new Map<string, LineProfile>();
  const groups = new Map<string, { groupName: string; pictureUrl?: string }>();
  const members = new Map<string, Set<string>>();

  function send(kind: LineDelivery['via'], headers: Record<string, string>, body: unknown, requestId: string): Answer {
    const failure = failures.shift();
    if (failure) {
      const retryAfter =
        failure.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(failure.retryAfterSeconds) };
      return {
        status: failure.status,
        body: failure.body ?? { message: defaultMessage(failure.status) },
        headers: retryAfter,
      };
    }
    if (body === undefined || body === null || typeof body !== 'object')
      return error(400, 'The request body is not a JSON object');
    const req = body as Record<string, unknown>;
    // Retry keys: https://developers.line.biz/en/reference/messaging-api/#retry-api-request
    const retryKey = headers['x-line-retry-key'];
    if (retryKey !== undefined) {
      if (kind === 'reply') return error(400, 'The X-Line-Retry-Key header cannot be used with the reply API');
      if (!UUID.test(retryKey)) return error(400, 'The value of the X-Line-Retry-Key header must be a UUID');
      const before = accepted.get(retryKey);
      if (before && now() - before.at < RETRY_KEY_TTL_MS) {
        return {
          status: 409,
          body: { message: 'The retry key is already accepted', ...before.body },
          headers: { 'x-line-accepted-request-id': before.requestId },
        };
      }
    }
    const details = [...recipientErrors(kind, req), ...messageErrors(req.messages)];
    if (details.length) return invalid(details);
    const messages = req.messages as LineMessageRecord[];
    let recipients: string[];
    if (kind === 'reply') {
      // https://developers.line.biz/en/reference/messaging-api/#send-reply-message — single use, about a minute.
      const token = replyTokens.get(req.replyToken as string);
      if (!token || token.used || now() - token.issuedAt > ttl) return error(400, 'Invalid reply token');
      token.used = true;
      recipients = [token.to];
    } else if (kind === 'push') {
      // LINE answers this for a user who blocked the bot (or is otherwise unreachable).
      if (blocked.has(req.to as string)) return error(400, 'Failed to send messages');
      recipients = [req.to as string];
    } else {
      // Multicast silently drops users who blocked the bot.
      recipients = (req.to as string[]).filter((to) => !blocked.has(to));
    }
    const at = now();
    for (const to of recipients) {
      for (const message of messages)
        delivered.push({ via: kind, to, message, ...(retryKey ? { retryKey } : {}), requestId, at });
    }
    // Push and reply answer sentMessages; multicast answers {}.
    const answer =
      kind === 'multicast'
        ? {}
        : {
            sentMessages: messages.map(() => ({ id: messageId(), quoteToken: randomBytes(24).toString('base64url') })),
          };
    if (retryKey) {
      accepted.set(retryKey, { requestId, at, body: answer });
      acceptedRetryKeys.add(retryKey);
    }
    return { status: 200, body: answer };
  }

  function profileOf(userId: string): Answer {
    const profile = profiles.get(userId);
    // A user who is not a friend (or blocked the bot) has no profile for us: 404.
    // https://developers.line.biz/en/reference/messaging-api/#get-profile
    if (!profile || blocked.has(userId)) return NOT_FOUND;
    return { status: 200, body: { userId, ...profile } };
  }

  function memberProfile(chatId: string, userId: string): Answer {
    const profile = profiles.get(userId);
    // https://developers.line.biz/en/reference/messaging-api/#get-group-member-profile
    if (!profile || !members.get(chatId)?.has(userId)) return NOT_FOUND;
    return {
      status: 200,
      body: {
        userId,
        displayName: profile.displayName,
        ...(profile.pictureUrl ? { pictureUrl: profile.pictureUrl } : {}),
      },
    };
  }

  function route(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: unknown,
    requestId: string,
  ): Answer {
    const authorized = headers.authorization === `Bearer ${opts.channelAccessToken}`;
    // https://developers.line.biz/en/reference/messaging-api/#status-codes
    const unauthorized = error(
      401,
      'Authentication failed. Confirm that the access token in the authorization header is valid.',
    );
    let m: RegExpExecArray | null;
    if (method === 'POST' && (m = /^\/v2\/bot\/message\/(reply|push|multicast)$/.exec(path))) {
      return authorized ? send(m[1] as LineDelivery['via'], headers, body, requestId) : unauthorized;
    }
    if (method === 'GET' && (m = /^\/v2\/bot\/profile\/([^/]+)$/.exec(path)))
      return authorized ? profileOf(param(m[1])) : unauthorized;
    if (method === 'GET' && (m = /^\/v2\/bot\/(?:group|room)\/([^/]+)\/member\/([^/]+)$/.exec(path))) {
      return authorized ? memberProfile(param(m[1]), param(m[2])) : unauthorized;
    }
    if (method === 'GET' && (m = /^\/v2\/bot\/group\/([^/]+)\/summary$/.exec(path))) {
      if (!authorized) return unauthorized;
      const groupId = param(m[1]);
      const group = groups.get(groupId);
      return group ? { status: 200, body: { groupId, ...group } } : NOT_FOUND;
    }
    if (method === 'POST' && (m = /^\/v2\/bot\/(?:group|room)\/([^/]+)\/leave$/.exec(path))) {
      if (!authorized) return unauthorized;
      left.push(param(m[1]));
      return { status: 200, body: {} };
    }
    return NOT_FOUND;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const method = req.method ?? 'GET';
    const requestId = randomUUID();
    let body: unknown;
    let answer: Answer;
    try {
      body = raw ? JSON.parse(raw) : undefined;
      answer = route(method, path, headers, body, requestId);
    } catch (e) {
      answer = e instanceof SyntaxError ? error(400, 'The request body has a syntax error') : error(500, String(e));
    }
    requests.push({ method, path, headers, body, status: answer.status, at: now() });
    const delay = delays.shift();
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    // Every LINE API response carries x-line-request-id: https://developers.line.biz/en/reference/messaging-api/#response-headers
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      'x-line-request-id': requestId,
      ...answer.headers,
    });
    res.end(JSON.stringify(answer.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.destroy(e instanceof Error ? e : new Error(String(e)));
    });
  });
  // Clients keep connections alive between requests; closing an idle one just as a client reuses it makes a request
  // fail with a reset (Node's default is 5 s). LINE keeps them longer than our tests last.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    delivered,
    acceptedRetryKeys,
    left,
    issueReplyToken(to) {
      const token = randomBytes(16).toString('hex');
      replyTokens.set(token, { to, issuedAt: now(), used: false });
      return token;
    },
    failNext(n, response) {
      for (let i = 0; i < n; i++) failures.push(response);
    },
    delayNext(n, ms) {
      for (let i = 0; i < n; i++) delays.push(ms);
    },
    blockUser: (userId) => void blocked.add(userId),
    setProfile: (userId, profile) => void profiles.set(userId, profile),
    setGroup: (groupId, summary) => void groups.set(groupId, summary),
    addMember(chatId, userId) {
      members.set(chatId, (members.get(chatId) ?? new Set()).add(userId));
    },
    reset() {
      // In place, so that references a test already holds stay live.
      requests.length = 0;
      delivered.length = 0;
      left.length = 0;
      failures.length = 0;
      delays.length = 0;
      acceptedRetryKeys.clear();
      accepted.clear();
      replyTokens.clear();
      blocked.clear();
    },
    close() {
      // The SDK's fetch keeps connections alive; close them or server.close() waits for them.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

function recipientErrors(kind: LineDelivery['via'], req: Record<string, unknown>): Detail[] {
  if (kind === 'reply')
    return typeof req.replyToken === 'string' && req.replyToken
      ? []
      : [{ message: 'May not be empty', property: 'replyToken' }];
  if (kind === 'push')
    return typeof req.to === 'string' && req.to ? [] : [{ message: 'May not be empty', property: 'to' }];
  if (!Array.isArray(req.to) || !req.to.every((to) => typeof to === 'string' && to))
    return [{ message: 'Must be an array of user IDs', property: 'to' }];
  const size = req.to.length;
  return size >= 1 && size <= MAX_MULTICAST_TO
    ? []
    : [{ message: `Size must be between 1 and ${MAX_MULTICAST_TO}`, property: 'to' }];
}

/** The checks LINE applies to message objects that our bot can get wrong. https://developers.line.biz/en/reference/messaging-api/#message-objects */
function messageErrors(messages: unknown): Detail[] {
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > MAX_MESSAGES) {
    return [{ message: `Size must be between 1 and ${MAX_MESSAGES}`, property: 'messages' }];
  }
  const details: Detail[] = [];
  messages.forEach((raw: unknown, i) => {
    const at = `messages[${i}]`;
    const message = (raw ?? {}) as Record<string, unknown>;
    if (typeof message.type !== 'string') {
      details.push({ message: 'May not be empty', property: `${at}.type` });
      return;
    }
    if (message.type === 'text' || message.type === 'textV2') {
      if (typeof message.text !== 'string' || message.text.length === 0)
        details.push({ message: 'May not be empty', property: `${at}.text` });
      else if (message.text.length > MAX_TEXT)
        details.push({ message: `Length must be between 0 and ${MAX_TEXT}`, property: `${at}.text` });
    }
    const quickReply = message.quickReply as { items?: unknown } | undefined;
    if (quickReply === undefined) return;
    const items = Array.isArray(quickReply.items) ? (quickReply.items as { action?: { label?: unknown } }[]) : [];
    if (items.length > MAX_QUICK_REPLY_ITEMS)
      details.push({
        message: `Size must be between 0 and ${MAX_QUICK_REPLY_ITEMS}`,
        property: `${at}.quickReply.items`,
      });
    items.forEach((item, j) => {
      const label = item.action?.label;
      if (typeof label === 'string' && label.length > MAX_QUICK_REPLY_LABEL) {
        details.push({
          message: `Length must be between 0 and ${MAX_QUICK_REPLY_LABEL}`,
          property: `${at}.quickReply.items[${j}].action.label`,
        });
      }
    });
  });
  return details;
}

function defaultMessage(status: number): string {
  // https://developers.line.biz/en/reference/messaging-api/#status-codes
  if (status === 429) return 'Too Many Requests';
  return status >= 500 ? 'Internal server error' : 'Request failed';
}

/** LINE message ids are decimal strings of about 18 digits. */
function messageId(): string {
  return `${randomInt(100_000, 999_999)}${randomInt(100_000, 999_999)}${randomInt(100_000, 999_999)}`;
}

function param(segment: string | undefined): string {
  return decodeURIComponent(segment ?? '');
}
