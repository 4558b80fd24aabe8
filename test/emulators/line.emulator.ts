import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';

/**
 * A local LINE platform that the real @line/bot-sdk reaches through LINE_API_BASE_URL, with LINE's own rules:
 * https://developers.line.biz/en/reference/messaging-api/ (limits of reply/push/multicast, retry keys, reply tokens).
 */
export type RecordedRequest = { method: string; path: string; headers: Record<string, string>; body: any; status: number };
export type Delivered = { via: 'reply' | 'push' | 'multicast'; to: string; message: any; retryKey?: string | undefined };

export type LineEmulator = {
  baseUrl: string;
  requests: RecordedRequest[];
  delivered: Delivered[];
  acceptedRetryKeys: Set<string>;
  issueReplyToken(to: string): string;
  failNext(n: number, response: { status: number; retryAfterSeconds?: number; body?: object }): void;
  blockUser(userId: string): void;
  setProfile(userId: string, profile: { displayName: string }): void;
  reset(): void;
  close(): Promise<void>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startLineEmulator(opts: { channelAccessToken: string; replyTokenTtlMs?: number; now?: () => number }): Promise<LineEmulator> {
  const ttl = opts.replyTokenTtlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const replyTokens = new Map<string, { to: string; issuedAt: number; used: boolean }>();
  const blocked = new Set<string>();
  const profiles = new Map<string, { displayName: string }>();
  let failures: { status: number; retryAfterSeconds?: number | undefined; body?: object | undefined }[] = [];

  const state: Omit<LineEmulator, 'baseUrl' | 'close'> = {
    requests: [],
    delivered: [],
    acceptedRetryKeys: new Set(),
    issueReplyToken(to) {
      const token = randomUUID().replace(/-/g, '');
      replyTokens.set(token, { to, issuedAt: now(), used: false });
      return token;
    },
    failNext(n, response) {
      failures.push(...Array.from({ length: n }, () => response));
    },
    blockUser: (userId) => void blocked.add(userId),
    setProfile: (userId, profile) => void profiles.set(userId, profile),
    reset() {
      state.requests.length = 0;
      state.delivered.length = 0;
      state.acceptedRetryKeys.clear();
      failures = [];
      blocked.clear();
    },
  };

  const app = express();
  app.use(express.json({ limit: '10mb' }));
  app.use((req, res, next) => {
    res.setHeader('x-line-request-id', randomUUID());
    const entry: RecordedRequest = { method: req.method, path: req.path, headers: lowercase(req.headers), body: req.body, status: 0 };
    state.requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    if (req.get('authorization') !== `Bearer ${opts.channelAccessToken}`) {
      res.status(401).json({ message: 'Authentication failed due to the following reason: invalid token.' });
      return;
    }
    next();
  });

  function error(res: Response, status: number, message: string, property?: string): void {
    res.status(status).json(property ? { message: 'The request body has 1 error(s)', details: [{ message, property }] } : { message });
  }

  /** Checks shared by reply, push and multicast; answers and returns false when the request breaks a rule. */
  function checkMessages(req: Request, res: Response): boolean {
    const messages = (req.body as { messages?: unknown }).messages;
    if (!Array.isArray(messages) || messages.length === 0) return error(res, 400, 'Must be specified', 'messages'), false;
    if (messages.length > 5) return error(res, 400, 'Size must be between 1 and 5', 'messages'), false;
    for (const [i, m] of (messages as any[]).entries()) {
      if (m?.type === 'text' && (typeof m.text !== 'string' || m.text.length === 0)) return error(res, 400, 'Must be specified', `messages[${i}].text`), false;
      if (m?.type === 'text' && m.text.length > 5000) return error(res, 400, 'Length must be between 0 and 5000', `messages[${i}].text`), false;
      const items = m?.quickReply?.items;
      if (Array.isArray(items) && items.length > 13) return error(res, 400, 'Size must be between 0 and 13', `messages[${i}].quickReply.items`), false;
      if (Array.isArray(items) && items.some((it: any) => [...String(it?.action?.label ?? '')].length > 20))
        return error(res, 400, 'Length must be between 0 and 20', `messages[${i}].quickReply.items.action.label`), false;
    }
    const failure = failures.shift();
    if (failure) {
      if (failure.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(failure.retryAfterSeconds));
      res.status(failure.status).json(failure.body ?? { message: failure.status === 429 ? 'Too Many Requests' : 'Internal Server Error' });
      return false;
    }
    return true;
  }

  /** X-Line-Retry-Key: a UUID; a key already accepted answers 409 and nothing is delivered again. */
  function checkRetryKey(req: Request, res: Response): string | false | undefined {
    const key = req.get('x-line-retry-key');
    if (key === undefined) return undefined;
    if (!UUID.test(key)) return error(res, 400, 'The retry key must be a UUID'), false;
    if (state.acceptedRetryKeys.has(key)) {
      res.setHeader('x-line-accepted-request-id', randomUUID());
      return error(res, 409, 'The retry key is already accepted'), false;
    }
    return key;
  }

  const sent = (messages: unknown[]) => ({ sentMessages: messages.map(() => ({ id: String(Date.now()), quoteToken: randomUUID() })) });

  app.post('/v2/bot/message/reply', (req, res) => {
    const token = replyTokens.get(String(req.body?.replyToken ?? ''));
    if (!token || token.used || now() - token.issuedAt > ttl) return error(res, 400, 'Invalid reply token');
    if (!checkMessages(req, res)) return;
    token.used = true;
    for (const message of req.body.messages) state.delivered.push({ via: 'reply', to: token.to, message });
    res.json(sent(req.body.messages));
  });

  app.post('/v2/bot/message/push', (req, res) => {
    const key = checkRetryKey(req, res);
    if (key === false) return;
    if (typeof req.body?.to !== 'string' || !req.body.to) return error(res, 400, 'Must be specified', 'to');
    if (!checkMessages(req, res)) return;
    if (blocked.has(req.body.to)) return error(res, 400, 'Failed to send messages');
    if (key) state.acceptedRetryKeys.add(key);
    for (const message of req.body.messages) state.delivered.push({ via: 'push', to: req.body.to, message, retryKey: key });
    res.json(sent(req.body.messages));
  });

  app.post('/v2/bot/message/multicast', (req, res) => {
    const key = checkRetryKey(req, res);
    if (key === false) return;
    const to = req.body?.to;
    if (!Array.isArray(to) || to.length === 0) return error(res, 400, 'Size must be between 1 and 500', 'to');
    if (to.length > 500) return error(res, 400, 'Size must be between 1 and 500', 'to');
    if (!checkMessages(req, res)) return;
    if (key) state.acceptedRetryKeys.add(key);
    // LINE silently skips users who blocked the bot.
    for (const userId of to as string[]) if (!blocked.has(userId)) for (const message of req.body.messages) state.delivered.push({ via: 'multicast', to: userId, message, retryKey: key });
    res.json({});
  });

  app.get('/v2/bot/profile/:userId', (req, res) => {
    const profile = profiles.get(req.params.userId);
    if (!profile) return error(res, 404, 'Not found');
    res.json({ userId: req.params.userId, displayName: profile.displayName, language: 'ko' });
  });

  app.use((req, res) => error(res, 404, `Not found: ${req.method} ${req.path}`));

  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    ...state,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function lowercase(headers: Request['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : String(v ?? '')]));
}
