import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  eventRequestSchema,
  skillResponseSchema,
  type CheckedSkillResponse,
  type KakaoActionRecord,
} from './kakao.schema.ts';

/**
 * Plays Kakao's side of a KakaoTalk channel chatbot on 127.0.0.1: the bot system that sends skill requests (as
 * Kakao i Open Builder shapes them) and holds the skill server to its 5 seconds and to the SkillResponse schema; the
 * one-time callback URLs of an AI chatbot (valid one minute, one post); and the bot API — the Event API (at most 100
 * users a request, a task id back) and task status with the users that failed. Strict where Kakao is documented to
 * be strict, so that a test passing here does not pass only because the fake is lenient.
 * https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/answer_json_format
 * https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/ai_chatbot_callback_guide
 * https://kakaobusiness.gitbook.io/main/tool/chatbot/main_notions/event-api
 */
export const SKILL_TIMEOUT_MS = 5_000;
export const CALLBACK_VALID_MS = 60_000;

/** What the person saw in their chat with the bot, in order, and how it got there. */
export type KakaoBubble = {
  via: 'skill' | 'callback' | 'event';
  text: string;
  buttons?: KakaoActionRecord[];
  quickReplies?: KakaoActionRecord[];
  at: number;
};
export type SkillExchange = {
  status: number;
  ms: number;
  response: CheckedSkillResponse;
  /** The texts of the bubbles this response showed (a callback's later answer comes in the inbox). */
  texts: string[];
  quickReplies: KakaoActionRecord[];
  buttons: KakaoActionRecord[];
  callbackUrl?: string;
};
export type EventRecord = { users: string[]; name: string; text: string; taskId: string; at: number };
type Task = {
  taskId: string;
  all: number;
  success: number;
  unresolved: number;
  fail: { userId: string; reqUserType: string; createdAt: number; errorMsg: { errorType: number; msg: string } }[];
  pendingPolls: number;
};
export type ApiRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  status: number;
};

export interface KakaoEmulator {
  readonly baseUrl: string;
  readonly requests: ApiRequest[];
  readonly events: EventRecord[];
  /** Responses and callback posts that broke the schema (a test asserts this stays empty). */
  readonly violations: string[];
  /** Where the bot's skill server is, and the header the county set in the skill's settings. */
  connect(skillUrl: string, secret: string): void;
  /** The person types `text` (or presses a quick reply / button: its messageText and extra). Checked: 200, 5 s, schema. */
  say(userId: string, text: string, opts?: SayOptions): Promise<SkillExchange>;
  press(userId: string, action: KakaoActionRecord, opts?: Omit<SayOptions, 'extra'>): Promise<SkillExchange>;
  /** The raw exchange, unchecked (for 401s and malformed bodies). */
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: unknown; ms: number }>;
  /** A Kakao-shaped skill payload. */
  payload(userId: string, text: string, opts?: SayOptions): Record<string, unknown>;
  inbox(userId: string): KakaoBubble[];
  /** The user blocked the channel: an event to them fails, named in the task's fail list. */
  blockUser(userId: string): void;
  /** A key Kakao cannot resolve: counted in `userKeyResolvingFailCount`, named nowhere. */
  forgetUser(userId: string): void;
  /** The next n Event API requests answer this instead. */
  failNext(n: number, response: { status: number; body?: object }): void;
  /** Tasks made from now on answer n polls with counts that do not add up yet (still being sent). */
  taskPendingPolls(n: number): void;
  callbackPosts(): number;
  reset(): void;
  close(): Promise<void>;
}
export type SayOptions = {
  extra?: Record<string, string>;
  /** The block has an AI chatbot callback: the request carries a one-time callback URL. */
  callback?: boolean;
};

export async function startKakaoEmulator(opts: {
  restApiKey: string;
  botId: string;
  eventName?: string;
  now?: () => number;
  /** Kakao's 5 s; the emulator's own test shortens it to see it enforced without waiting 5 s. */
  skillTimeoutMs?: number;
}): Promise<KakaoEmulator> {
  const now = opts.now ?? Date.now;
  const skillTimeoutMs = opts.skillTimeoutMs ?? SKILL_TIMEOUT_MS;
  const eventName = opts.eventName ?? 'maeul_message';
  const requests: ApiRequest[] = [];
  const events: EventRecord[] = [];
  const violations: string[] = [];
  const inboxes = new Map<string, KakaoBubble[]>();
  const tasks = new Map<string, Task>();
  const callbacks = new Map<string, { userId: string; issuedAt: number; used: boolean }>();
  const blocked = new Set<string>();
  const forgotten = new Set<string>();
  const failures: { status: number; body?: object }[] = [];
  let pendingPolls = 0;
  let callbackPostCount = 0;
  let skill = { url: '', secret: '' };

  const show = (userId: string, bubble: Omit<KakaoBubble, 'at'>) => {
    const list = inboxes.get(userId) ?? [];
    list.push({ ...bubble, at: now() });
    inboxes.set(userId, list);
  };

  /** The bubbles of a checked response, as the person's chat shows them. */
  function showTemplate(userId: string, via: KakaoBubble['via'], response: CheckedSkillResponse): string[] {
    if (!('template' in response)) {
      const text = typeof response.data?.text === 'string' ? response.data.text : '';
      if (text) show(userId, { via, text });
      return text ? [text] : [];
    }
    const texts: string[] = [];
    const { outputs, quickReplies } = response.template;
    outputs.forEach((output, i) => {
      const last = i === outputs.length - 1;
      const text =
        'simpleText' in output ? output.simpleText.text : (output.textCard.description ?? output.textCard.title ?? '');
      texts.push(text);
      show(userId, {
        via,
        text,
        ...('textCard' in output && output.textCard.buttons ? { buttons: output.textCard.buttons } : {}),
        ...(last && quickReplies ? { quickReplies } : {}),
      });
    });
    return texts;
  }

  function payload(userId: string, text: string, o: SayOptions = {}): Record<string, unknown> {
    let callbackUrl: string | undefined;
    if (o.callback) {
      const token = randomBytes(12).toString('hex');
      callbacks.set(token, { userId, issuedAt: now(), used: false });
      callbackUrl = `${baseUrl}/v1/callback/${token}`;
    }
    return {
      intent: { id: 'fallback-block-id', name: '폴백 블록' },
      userRequest: {
        timezone: 'Asia/Seoul',
        params: { ignoreMe: 'true', surface: 'Kakaotalk.plusfriend' },
        block: { id: 'fallback-block-id', name: '폴백 블록' },
        utterance: text,
        lang: 'ko',
        user: { id: userId, type: 'botUserKey', properties: { botUserKey: userId, bot_user_key: userId } },
        ...(callbackUrl ? { callbackUrl } : {}),
      },
      bot: { id: opts.botId, name: '마을' },
      action: { name: 'maeul', clientExtra: o.extra ?? {}, params: {}, id: 'skill-action-id', detailParams: {} },
      contexts: [],
    };
  }

  async function post(body: unknown, headers: Record<string, string> = {}) {
    const started = performance.now();
    const res = await fetch(skill.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: JSON.stringify(body),
      // The skill timeout: Kakao gives up after 5 seconds and the person sees an error.
      signal: AbortSignal.timeout(skillTimeoutMs),
    }).catch((error: unknown) => {
      const late = error instanceof Error && error.name === 'TimeoutError';
      throw new Error(late ? `the skill server did not answer within ${skillTimeoutMs} ms` : String(error));
    });
    const json: unknown = await res.json().catch(() => undefined);
    return { status: res.status, json, ms: performance.now() - started };
  }

  async function say(userId: string, text: string, o: SayOptions = {}): Promise<SkillExchange> {
    const body = payload(userId, text, o);
    const callbackUrl = (body.userRequest as { callbackUrl?: string }).callbackUrl;
    const { status, json, ms } = await post(body, { 'x-maeul-skill-secret': skill.secret });
    if (status !== 200) throw new Error(`the skill server answered ${status}: ${JSON.stringify(json)}`);
    if (ms > skillTimeoutMs) throw new Error(`the skill server took ${Math.round(ms)} ms (Kakao waits 5 s)`);
    const parsed = skillResponseSchema.safeParse(json);
    if (!parsed.success) {
      violations.push(`response: ${parsed.error.message}`);
      throw new Error(`the skill response breaks Kakao's schema: ${parsed.error.message}\n${JSON.stringify(json)}`);
    }
    if ('useCallback' in parsed.data && !callbackUrl)
      throw new Error('useCallback answered to a request that had no callback URL');
    const texts = showTemplate(userId, 'skill', parsed.data);
    const template = 'template' in parsed.data ? parsed.data.template : undefined;
    return {
      status,
      ms,
      response: parsed.data,
      texts,
      quickReplies: template?.quickReplies ?? [],
      buttons: template?.outputs.flatMap((o) => ('textCard' in o ? (o.textCard.buttons ?? []) : [])) ?? [],
      ...(callbackUrl ? { callbackUrl } : {}),
    };
  }

  type Answer = { status: number; body: object };
  const bad = (status: number, msg: string): Answer => ({ status, body: { code: -status, msg } });

  function talk(headers: Record<string, string>, botId: string, body: unknown): Answer {
    if (headers.authorization !== `KakaoAK ${opts.restApiKey}`) return bad(401, 'invalid KakaoAK key');
    const failure = failures.shift();
    if (failure) return { status: failure.status, body: failure.body ?? { code: -failure.status, msg: 'failed' } };
    if (botId !== opts.botId) return bad(404, 'bot not found');
    const parsed = eventRequestSchema.safeParse(body);
    if (!parsed.success) return bad(400, `invalid request: ${parsed.error.message}`);
    const { event, user } = parsed.data;
    if (new Set(user.map((u) => u.id)).size !== user.length) return bad(400, 'a user appears twice');
    if (event.name !== eventName) return bad(400, `no block has the event ${event.name}`);
    const text = event.data?.text ?? '';
    // The event's block shows data.text in a simpleText: an empty or overlong one is a block that cannot be drawn.
    if (!text || [...text].length > 1000) return bad(400, 'data.text must be 1 to 1000 characters for the block');
    const taskId = randomUUID();
    const task: Task = { taskId, all: user.length, success: 0, unresolved: 0, fail: [], pendingPolls };
    for (const { id, type } of user) {
      if (forgotten.has(id)) task.unresolved++;
      else if (blocked.has(id))
        task.fail.push({
          userId: id,
          reqUserType: type,
          createdAt: Math.floor(now() / 1000),
          errorMsg: { errorType: 403, msg: 'The user has blocked the channel.' },
        });
      else {
        task.success++;
        show(id, { via: 'event', text });
      }
    }
    tasks.set(taskId, task);
    events.push({ users: user.map((u) => u.id), name: event.name, text, taskId, at: now() });
    return { status: 200, body: { taskId, status: 'SUCCESS', timestamp: now() } };
  }

  function taskStatus(taskId: string): Answer {
    const task = tasks.get(taskId);
    if (!task) return bad(404, 'task not found');
    if (task.pendingPolls > 0) {
      task.pendingPolls--;
      return {
        status: 200,
        body: {
          taskId,
          status: 'PROCESSING',
          allRequestCount: task.all,
          successCount: 0,
          fail: { count: 0, list: [] },
        },
      };
    }
    const failed = task.fail.length + task.unresolved;
    return {
      status: 200,
      body: {
        taskId,
        status: failed ? `${failed} FAIL` : 'ALL SUCCESS',
        allRequestCount: task.all,
        successCount: task.success,
        ...(task.unresolved ? { userKeyResolvingFailCount: task.unresolved } : {}),
        fail: { count: task.fail.length, list: task.fail },
      },
    };
  }

  function callback(token: string, body: unknown): Answer {
    callbackPostCount++;
    const entry = callbacks.get(token);
    if (!entry) return { status: 400, body: { status: 'FAIL', message: 'unknown callback url' } };
    if (entry.used) return { status: 400, body: { status: 'FAIL', message: 'callback url already used' } };
    if (now() - entry.issuedAt > CALLBACK_VALID_MS)
      return { status: 400, body: { status: 'FAIL', message: 'callback url expired' } };
    const parsed = skillResponseSchema.safeParse(body);
    if (!parsed.success || !('template' in parsed.data)) {
      violations.push(`callback: ${parsed.success ? 'useCallback posted to a callback url' : parsed.error.message}`);
      return { status: 400, body: { status: 'FAIL', message: 'invalid skill response' } };
    }
    entry.used = true;
    showTemplate(entry.userId, 'callback', parsed.data);
    return { status: 200, body: { taskId: randomUUID(), status: 'SUCCESS', message: '', timestamp: now() } };
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
    let body: unknown;
    let answer: Answer;
    try {
      body = raw ? JSON.parse(raw) : undefined;
      let m: RegExpExecArray | null;
      if (method === 'POST' && (m = /^\/v2\/bots\/([^/]+)\/talk$/.exec(path)))
        answer = talk(headers, decodeURIComponent(m[1] ?? ''), body);
      else if (method === 'GET' && (m = /^\/v1\/tasks\/([^/]+)$/.exec(path))) answer = taskStatus(m[1] ?? '');
      else if (method === 'POST' && (m = /^\/v1\/callback\/([^/]+)$/.exec(path))) answer = callback(m[1] ?? '', body);
      else answer = bad(404, 'not found');
    } catch {
      answer = bad(400, 'the request body is not JSON');
    }
    requests.push({ method, path, headers, body, status: answer.status });
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(answer.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => res.destroy(e instanceof Error ? e : new Error(String(e))));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    requests,
    events,
    violations,
    connect(url, secret) {
      skill = { url, secret };
    },
    say,
    press: (userId, action, o = {}) =>
      say(userId, action.messageText ?? action.label, {
        ...o,
        ...(action.extra ? { extra: action.extra as Record<string, string> } : {}),
      }),
    post: (body, headers) => post(body, headers),
    payload,
    inbox: (userId) => inboxes.get(userId) ?? [],
    blockUser: (userId) => void blocked.add(userId),
    forgetUser: (userId) => void forgotten.add(userId),
    failNext(n, response) {
      for (let i = 0; i < n; i++) failures.push(response);
    },
    taskPendingPolls(n) {
      pendingPolls = n;
    },
    callbackPosts: () => callbackPostCount,
    reset() {
      requests.length = 0;
      events.length = 0;
      violations.length = 0;
      failures.length = 0;
      pendingPolls = 0;
      blocked.clear();
      forgotten.clear();
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
