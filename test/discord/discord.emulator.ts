import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ALL_PERMISSIONS,
  fail,
  guildChannel,
  guildCreate,
  memberOf,
  messagePayload,
  NOT_FOUND,
  optionType,
  parseBody,
  snowflake,
  user,
  type Answer,
  type DiscordMessageRecord,
  type GuildSpec,
} from './discord.payloads.ts';

export type { DiscordMessageRecord, GuildSpec } from './discord.payloads.ts';

/**
 * A stand-in for Discord (gateway over WebSocket + REST) that the real discord.js 14 client talks to on 127.0.0.1.
 * It enforces the failure modes a bot adapter must survive: DM refusals, missing permissions, the 2,000-character
 * limit, nonce de-duplication, single-use interaction acknowledgements, 429s with rate-limit headers and resumable
 * gateway disconnects. Plain JSON gateway (no compression, encoding=json).
 * https://discord.com/developers/docs/events/gateway and https://discord.com/developers/docs/reference
 */

export type DiscordRestRecord = { method: string; path: string; body: unknown; status: number; at: number };
export type InteractionResponseRecord = { type: number; data: unknown; at: number };
export type ApplicationCommandRecord = {
  id: string;
  name: string;
  type: number;
  description?: string;
  options?: unknown[];
  [key: string]: unknown;
};
export type InteractionRef = { id: string; token: string };
export type SlashOptions =
  Record<string, string | number | boolean> | { name: string; type: number; value?: unknown; options?: unknown[] }[];

export interface DiscordEmulator {
  readonly apiBase: string;
  readonly botUserId: string;
  readonly applicationId: string;
  readonly connections: number;
  readonly identifies: number;
  readonly resumes: number;
  readonly rest: DiscordRestRecord[];
  readonly messages: DiscordMessageRecord[];
  /** Keyed by interaction id; an interaction can be acknowledged once (a second callback is a 400, code 40060). */
  readonly interactionResponses: Map<string, InteractionResponseRecord>;
  /** Keyed by 'global' or guild id: the last bulk overwrite. */
  readonly registeredCommands: Map<string, ApplicationCommandRecord[]>;
  waitForReady(): Promise<void>;
  /** Closes the live socket with this close code (default: terminate, which the client sees as 1006); both resume. */
  dropConnection(code?: number): void;
  /** Sends a dispatch (op 0) with the next sequence number; kept for replay on RESUME even if no socket is live. */
  dispatch(t: string, d: unknown): void;
  userMessage(m: { userId: string; username?: string; channelId: string; content: string; guildId?: string }): {
    id: string;
  };
  slashCommand(c: {
    userId: string;
    username?: string;
    name: string;
    options?: SlashOptions;
    channelId: string;
    guildId?: string;
  }): InteractionRef;
  buttonClick(c: {
    userId: string;
    username?: string;
    customId: string;
    channelId: string;
    messageId: string;
    guildId?: string;
  }): InteractionRef;
  /** The user has DMs closed: sends to their DM channel answer 403 code 50007. */
  refuseDMs(userId: string): void;
  /** The bot lacks Send Messages here: 403 code 50013. */
  denyChannel(channelId: string): void;
  /** The next n message-sending requests answer 429 with Retry-After and X-RateLimit-* headers. */
  rateLimitNext(n: number, o: { retryAfterSeconds: number; global?: boolean }): void;
  close(): Promise<void>;
}

// https://discord.com/developers/docs/resources/message#create-message — content is at most 2,000 characters.
const MAX_CONTENT = 2000;
// https://discord.com/developers/docs/resources/message#create-message-jsonform-params — nonces are checked "within
// the past few minutes".
const NONCE_TTL_MS = 5 * 60_000;
// https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction — 3 s to ack.
const ACK_WINDOW_MS = 3000;

type Pending = {
  id: string;
  token: string;
  channelId: string;
  guildId?: string;
  messageId?: string;
  createdAt: number;
  responseType?: number;
  originalId?: string;
};

export async function startDiscordEmulator(
  opts: { botUserId?: string; applicationId?: string; guilds?: GuildSpec[]; heartbeatIntervalMs?: number } = {},
): Promise<DiscordEmulator> {
  const botUserId = opts.botUserId ?? '100000000000000001';
  const applicationId = opts.applicationId ?? botUserId;
  const guilds = opts.guilds ?? [
    { id: '200000000000000001', name: '마을 테스트', channels: [{ id: '300000000000000001', name: 'general' }] },
  ];
  const botUser = {
    id: botUserId,
    username: 'maeul-bot',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
    flags: 0,
  };
  const rest: DiscordRestRecord[] = [];
  const messages: DiscordMessageRecord[] = [];
  const interactionResponses = new Map<string, InteractionResponseRecord>();
  const registeredCommands = new Map<string, ApplicationCommandRecord[]>();
  const users = new Map<string, string>();
  const dmByUser = new Map<string, string>();
  const dmRecipient = new Map<string, string>();
  const guildOf = new Map(guilds.flatMap((g) => g.channels.map((c) => [c.id, g.id] as const)));
  const refused = new Set<string>();
  const denied = new Set<string>();
  const nonces = new Map<string, { message: DiscordMessageRecord; at: number }>();
  const interactions = new Map<string, Pending>();
  const rateLimits: { retryAfterSeconds: number; global?: boolean }[] = [];
  const counters = { identifies: 0, resumes: 0 };

  // --- Gateway: https://discord.com/developers/docs/events/gateway#connection-lifecycle
  const sockets = new Set<WebSocket>();
  let live: WebSocket | null = null;
  let session: { id: string; log: { op: 0; s: number; t: string; d: unknown }[] } | null = null;
  let seq = 0;
  let ready = false;
  let readyWaiters: (() => void)[] = [];
  const send = (ws: WebSocket, payload: object) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  };

  function dispatch(t: string, d: unknown): void {
    const payload = { op: 0 as const, s: ++seq, t, d };
    session?.log.push(payload);
    if (live) send(live, payload);
  }

  const userObject = (id: string) => user(id, users.get(id) ?? `user${id.slice(-4)}`);
  const dmChannel = (id: string) => ({
    id,
    type: 1,
    last_message_id: null,
    flags: 0,
    recipients: [userObject(dmRecipient.get(id) ?? '0')],
  });
  const channelObject = (id: string) => {
    const g = guilds.find((x) => x.id === guildOf.get(id));
    const i = g?.channels.findIndex((c) => c.id === id) ?? -1;
    if (g && i >= 0) return guildChannel(id, g.channels[i]!.name, g.id, i);
    return dmRecipient.has(id) ? dmChannel(id) : null;
  };
  const member = (userId: string) => memberOf(userObject(userId));
  const ensureDm = (userId: string, channelId = dmByUser.get(userId) ?? snowflake()) => {
    dmByUser.set(userId, channelId);
    dmRecipient.set(channelId, userId);
    return channelId;
  };

  function onGatewayMessage(ws: WebSocket, raw: string): void {
    const p = JSON.parse(raw) as { op: number; d: any };
    if (p.op === 1) return send(ws, { op: 11, d: null });
    if (p.op === 2) {
      counters.identifies++;
      session = { id: randomBytes(16).toString('hex'), log: [] };
      live = ws;
      dispatch('READY', {
        v: 10,
        user: botUser,
        guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
        session_id: session.id,
        resume_gateway_url: wsUrl,
        shard: [0, 1],
        application: { id: applicationId, flags: 0 },
        private_channels: [],
        presences: [],
      });
      for (const g of guilds) dispatch('GUILD_CREATE', guildCreate(g, botUser));
      ready = true;
      for (const w of readyWaiters) w();
      readyWaiters = [];
      return;
    }
    if (p.op === 6) {
      counters.resumes++;
      // https://discord.com/developers/docs/events/gateway#resuming — replay what was missed, then RESUMED.
      if (!session || p.d?.session_id !== session.id) return send(ws, { op: 9, d: false });
      live = ws;
      for (const e of session.log) if (e.s > Number(p.d.seq ?? 0)) send(ws, e);
      dispatch('RESUMED', {});
    }
  }

  // --- REST: https://discord.com/developers/docs/reference#http-api
  const messageObject = (m: DiscordMessageRecord) =>
    messagePayload(m, guildOf.get(m.channelId), botUser, applicationId);
  function validate(b: any): Answer | null {
    if (typeof b.content === 'string' && b.content.length > MAX_CONTENT) {
      return fail(400, 50035, 'Invalid Form Body', {
        content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${MAX_CONTENT} or fewer in length.` }] },
      });
    }
    return null;
  }
  function create(
    channelId: string,
    b: any,
    via: DiscordMessageRecord['via'],
    interactionId?: string,
  ): DiscordMessageRecord {
    const m: DiscordMessageRecord = {
      id: snowflake(),
      channelId,
      content: b.content ?? '',
      components: b.components ?? [],
      embeds: b.embeds ?? [],
      flags: b.flags ?? 0,
      ...(b.nonce !== undefined && { nonce: b.nonce }),
      via,
      ...(interactionId && { interactionId }),
      edits: 0,
      at: Date.now(),
    };
    messages.push(m);
    return m;
  }
  function edit(m: DiscordMessageRecord, b: any): Answer {
    const bad = validate(b);
    if (bad) return bad;
    if (b.content !== undefined) m.content = b.content ?? '';
    if (b.components !== undefined) m.components = b.components ?? [];
    if (b.embeds !== undefined) m.embeds = b.embeds ?? [];
    m.edits++;
    return { status: 200, body: messageObject(m) };
  }
  function postMessage(channelId: string, b: any): Answer {
    if (!guildOf.has(channelId) && !dmRecipient.has(channelId)) return fail(404, 10003, 'Unknown Channel');
    if (refused.has(dmRecipient.get(channelId) ?? '')) return fail(403, 50007, 'Cannot send messages to this user');
    if (denied.has(channelId)) return fail(403, 50013, 'Missing Permissions');
    if (!b.content && !b.embeds?.length && !b.components?.length && !b.sticker_ids?.length)
      return fail(400, 50006, 'Cannot send an empty message');
    const bad = validate(b);
    if (bad) return bad;
    const key = b.enforce_nonce && b.nonce !== undefined ? `${channelId}:${String(b.nonce)}` : null;
    const seen = key ? nonces.get(key) : undefined;
    if (seen && Date.now() - seen.at < NONCE_TTL_MS) return { status: 200, body: messageObject(seen.message) };
    const m = create(channelId, b, 'channel');
    if (key) nonces.set(key, { message: m, at: m.at });
    return { status: 200, body: messageObject(m) };
  }
  function bulkCommands(scope: string, b: any): Answer {
    const previous = registeredCommands.get(scope) ?? [];
    const cmds = (Array.isArray(b) ? b : []).map((c: any) => ({
      ...c,
      id: previous.find((p) => p.name === c.name)?.id ?? snowflake(),
      application_id: applicationId,
      type: c.type ?? 1,
      version: snowflake(),
      default_member_permissions: c.default_member_permissions ?? null,
      ...(scope !== 'global' && { guild_id: scope }),
    }));
    registeredCommands.set(scope, cmds);
    return { status: 200, body: cmds };
  }
  // https://discord.com/developers/docs/interactions/receiving-and-responding#create-interaction-response
  function callback(id: string, token: string, b: any, withResponse: boolean): Answer {
    const it = interactions.get(token);
    if (!it || it.id !== id || Date.now() - it.createdAt > ACK_WINDOW_MS)
      return fail(404, 10062, 'Unknown interaction');
    if (it.responseType !== undefined) return fail(400, 40060, 'Interaction has already been acknowledged.');
    const bad = validate(b.data ?? {});
    if (bad) return bad;
    it.responseType = b.type;
    interactionResponses.set(id, { type: b.type, data: b.data, at: Date.now() });
    let message: DiscordMessageRecord | undefined;
    if (b.type === 4) {
      message = create(it.channelId, b.data ?? {}, 'interaction', id);
      it.originalId = message.id;
    }
    if (b.type === 7) {
      message = messages.find((m) => m.id === it.messageId);
      if (message) edit(message, b.data ?? {});
    }
    if (!withResponse) return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id,
          type: it.messageId ? 3 : 2,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: b.type === 5,
          response_message_ephemeral: ((b.data?.flags ?? 0) & 64) !== 0,
        },
        resource: { type: b.type, ...(message && { message: messageObject(message) }) },
      },
    };
  }
  // https://discord.com/developers/docs/interactions/receiving-and-responding#followup-messages
  function webhook(method: string, token: string, messageId: string | undefined, b: any, wait: boolean): Answer {
    const it = interactions.get(token);
    if (!it || it.responseType === undefined) return fail(404, 10015, 'Unknown Webhook');
    if (method === 'POST' && !messageId) {
      const bad = validate(b);
      if (bad) return bad;
      const m = create(it.channelId, b, 'followup', it.id);
      return wait ? { status: 200, body: messageObject(m) } : { status: 204 };
    }
    if (method !== 'PATCH' || !messageId) return NOT_FOUND;
    if (messageId === '@original' && !it.originalId && it.responseType === 5) {
      const bad = validate(b);
      if (bad) return bad;
      const m = create(it.channelId, b, 'interaction', it.id);
      it.originalId = m.id;
      return { status: 200, body: messageObject(m) };
    }
    const target = messages.find(
      (m) => m.id === (messageId === '@original' ? it.originalId : messageId) && m.interactionId === it.id,
    );
    return target ? edit(target, b) : fail(404, 10008, 'Unknown Message');
  }

  function route(method: string, path: string, query: URLSearchParams, b: any): Answer {
    const p = path.split('/').slice(1);
    const at = (i: number) => p[i] ?? '';
    const is = (m: string, pattern: string) =>
      method === m &&
      pattern.split('/').length === p.length + 1 &&
      pattern
        .split('/')
        .slice(1)
        .every((s, i) => s === '*' || s === p[i]);
    if (is('GET', '/gateway/bot'))
      return {
        status: 200,
        body: {
          url: wsUrl,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
        },
      };
    if (is('GET', '/users/@me')) return { status: 200, body: botUser };
    if (is('GET', '/users/*'))
      return users.has(at(1)) ? { status: 200, body: userObject(at(1)) } : fail(404, 10013, 'Unknown User');
    if (is('GET', '/applications/@me'))
      return {
        status: 200,
        body: {
          id: applicationId,
          name: 'maeul',
          description: '',
          flags: 0,
          bot_public: false,
          bot_require_code_grant: false,
          bot: botUser,
          owner: userObject('1'),
          team: null,
          verify_key: '',
        },
      };
    if (is('PUT', '/applications/*/commands'))
      return at(1) === applicationId ? bulkCommands('global', b) : fail(403, 50001, 'Missing Access');
    if (is('PUT', '/applications/*/guilds/*/commands'))
      return at(1) === applicationId && guilds.some((g) => g.id === at(3))
        ? bulkCommands(at(3), b)
        : fail(403, 50001, 'Missing Access');
    if (is('POST', '/users/@me/channels')) {
      if (!users.has(String(b.recipient_id))) return fail(400, 50033, 'Invalid Recipient(s)');
      return { status: 200, body: dmChannel(ensureDm(String(b.recipient_id))) };
    }
    if (is('GET', '/channels/*')) {
      const c = channelObject(at(1));
      return c ? { status: 200, body: c } : fail(404, 10003, 'Unknown Channel');
    }
    if (is('POST', '/channels/*/messages')) return postMessage(at(1), b);
    if (is('PATCH', '/channels/*/messages/*')) {
      const m = messages.find((x) => x.id === at(3) && x.channelId === at(1) && x.via === 'channel');
      return m ? edit(m, b) : fail(404, 10008, 'Unknown Message');
    }
    if (is('POST', '/interactions/*/*/callback'))
      return callback(at(1), at(2), b, query.get('with_response') === 'true');
    if ((is('POST', '/webhooks/*/*') || is('PATCH', '/webhooks/*/*/messages/*')) && at(1) === applicationId)
      return webhook(method, at(2), p[4], b, query.get('wait') === 'true');
    return NOT_FOUND;
  }
  const SENDING =
    /^(POST \/channels\/[^/]+\/messages|PATCH \/channels\/[^/]+\/messages\/[^/]+|POST \/webhooks\/[^/]+\/[^/]+|PATCH \/webhooks\/.+)$/;

  // https://discord.com/developers/docs/topics/rate-limits#header-format
  function answer(method: string, path: string, query: URLSearchParams, b: unknown): Answer {
    const bucket = { 'X-RateLimit-Bucket': `emu-${path.split('/')[1] ?? ''}`, 'X-RateLimit-Limit': '5' };
    const limit = SENDING.test(`${method} ${path}`) ? rateLimits.shift() : undefined;
    if (limit) {
      const after = String(limit.retryAfterSeconds);
      return {
        status: 429,
        body: {
          message: 'You are being rate limited.',
          retry_after: limit.retryAfterSeconds,
          global: limit.global ?? false,
        },
        headers: {
          ...bucket,
          'Retry-After': after,
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset-After': after,
          'X-RateLimit-Reset': String(Date.now() / 1000 + limit.retryAfterSeconds),
          'X-RateLimit-Scope': limit.global ? 'global' : 'user',
          ...(limit.global && { 'X-RateLimit-Global': 'true' }),
        },
      };
    }
    const a = route(method, path, query, b);
    return {
      ...a,
      headers: {
        ...bucket,
        'X-RateLimit-Remaining': '4',
        'X-RateLimit-Reset-After': '1',
        'X-RateLimit-Reset': String(Date.now() / 1000 + 1),
      },
    };
  }
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // discord.js percent-encodes path segments (messages/%40original).
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    let body: unknown;
    let a: Answer;
    try {
      body = parseBody(req, Buffer.concat(chunks).toString('utf8'));
      a = url.pathname.startsWith('/api/v')
        ? answer(req.method ?? 'GET', path, url.searchParams, body ?? {})
        : NOT_FOUND;
    } catch {
      a = fail(400, 50109, 'The request body contains invalid JSON.');
    }
    rest.push({ method: req.method ?? 'GET', path, body, status: a.status, at: Date.now() });
    // A 204 has no body and so no content type: discord.js parses any application/json response as JSON.
    if (a.status === 204) return void res.writeHead(204, a.headers).end();
    res.writeHead(a.status, { ...a.headers, 'Content-Type': 'application/json' }).end(JSON.stringify(a.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)),
  );
  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    ws.on('message', (data) => {
      try {
        onGatewayMessage(ws, String(data));
      } catch {
        ws.close(4002, 'Error while decoding payload.');
      }
    });
    ws.on('close', () => {
      sockets.delete(ws);
      if (live === ws) live = null;
    });
    // https://discord.com/developers/docs/events/gateway-events#hello
    send(ws, { op: 10, s: null, t: null, d: { heartbeat_interval: opts.heartbeatIntervalMs ?? 41_250 } });
  });
  // Idle keep-alive connections stay open longer than a test (Node's 5 s default can reset a reused connection).
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const wsUrl = `ws://127.0.0.1:${port}`;

  function interaction(
    c: { userId: string; username?: string; channelId: string; guildId?: string; messageId?: string },
    type: 2 | 3,
    data: object,
  ): InteractionRef {
    if (c.username) users.set(c.userId, c.username);
    else if (!users.has(c.userId)) users.set(c.userId, `user${c.userId.slice(-4)}`);
    if (!c.guildId) ensureDm(c.userId, c.channelId);
    const it: Pending = {
      id: snowflake(),
      token: `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`,
      channelId: c.channelId,
      createdAt: Date.now(),
      ...(c.guildId && { guildId: c.guildId }),
      ...(c.messageId && { messageId: c.messageId }),
    };
    interactions.set(it.token, it);
    const known = messages.find((m) => m.id === c.messageId);
    // https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
    dispatch('INTERACTION_CREATE', {
      id: it.id,
      application_id: applicationId,
      type,
      token: it.token,
      version: 1,
      data,
      channel_id: c.channelId,
      channel: c.guildId ? channelObject(c.channelId) : dmChannel(c.channelId),
      ...(c.guildId
        ? {
            guild_id: c.guildId,
            guild: { id: c.guildId, locale: 'ko', features: [] },
            guild_locale: 'ko',
            member: member(c.userId),
          }
        : { user: userObject(c.userId) }),
      ...(c.messageId && {
        message: known
          ? messageObject(known)
          : messageObject({
              id: c.messageId,
              channelId: c.channelId,
              content: '',
              components: [],
              embeds: [],
              flags: 0,
              via: 'channel',
              edits: 0,
              at: Date.now(),
            }),
      }),
      app_permissions: ALL_PERMISSIONS,
      locale: 'ko',
      entitlements: [],
      authorizing_integration_owners: c.guildId ? { 0: c.guildId } : { 1: c.userId },
      context: c.guildId ? 0 : 1,
      attachment_size_limit: 10_485_760,
    });
    return { id: it.id, token: it.token };
  }

  return {
    apiBase: `http://127.0.0.1:${port}/api`,
    botUserId,
    applicationId,
    rest,
    messages,
    interactionResponses,
    registeredCommands,
    get connections() {
      return sockets.size;
    },
    get identifies() {
      return counters.identifies;
    },
    get resumes() {
      return counters.resumes;
    },
    waitForReady: () => (ready ? Promise.resolve() : new Promise<void>((resolve) => readyWaiters.push(resolve))),
    dropConnection(code) {
      const ws = live ?? [...sockets][0];
      live = null;
      if (ws) {
        if (code) ws.close(code, 'emulator dropped the connection');
        else ws.terminate();
      }
    },
    dispatch,
    // https://discord.com/developers/docs/events/gateway-events#message-create
    userMessage(m) {
      users.set(m.userId, m.username ?? users.get(m.userId) ?? `user${m.userId.slice(-4)}`);
      if (!m.guildId) ensureDm(m.userId, m.channelId);
      const id = snowflake();
      dispatch('MESSAGE_CREATE', {
        id,
        channel_id: m.channelId,
        author: userObject(m.userId),
        content: m.content,
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: [],
        embeds: [],
        components: [],
        pinned: false,
        type: 0,
        flags: 0,
        ...(m.guildId
          ? { guild_id: m.guildId, member: { ...member(m.userId), user: undefined }, channel_type: 0 }
          : { channel_type: 1 }),
      });
      return { id };
    },
    slashCommand(c) {
      const registered = [...registeredCommands.values()].flat().find((x) => x.name === c.name);
      const options = Array.isArray(c.options)
        ? c.options
        : Object.entries(c.options ?? {}).map(([name, value]) => ({ name, type: optionType(value), value }));
      return interaction(c, 2, {
        id: registered?.id ?? snowflake(),
        name: c.name,
        type: 1,
        options,
        ...(c.guildId && { guild_id: c.guildId }),
      });
    },
    buttonClick(c) {
      return interaction(c, 3, { custom_id: c.customId, component_type: 2 });
    },
    refuseDMs(userId) {
      refused.add(userId);
    },
    denyChannel(channelId) {
      denied.add(channelId);
    },
    rateLimitNext(n, o) {
      for (let i = 0; i < n; i++) rateLimits.push(o);
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
