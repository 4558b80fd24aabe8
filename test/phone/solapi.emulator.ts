import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';

/**
 * A stand-in for api.solapi.com on 127.0.0.1 that our REST client talks to, strict where SOLAPI is documented to be:
 * the HMAC-SHA256 Authorization header (key, signature over date + salt, a date within 15 minutes, a salt used once),
 * 10,000 messages a request, SMS 90 / LMS 2,000 / subject 40 bytes in EUC-KR, a registered sender number, a status per
 * message (2000 accepted → 4000 received, or a failure code), calls that go unanswered, and opt-outs (080 수신거부).
 * https://developers.solapi.com/references/messages/sendManyDetail
 */
export type SolapiRecord = {
  messageId: string;
  groupId: string;
  to: string;
  from: string;
  type: 'SMS' | 'LMS' | 'VOICE';
  text: string;
  subject?: string | undefined;
  statusCode: string;
  at: number;
};

export type SolapiRequest = { method: string; path: string; status: number; count?: number; at: number };

export interface SolapiEmulator {
  readonly baseUrl: string;
  readonly requests: SolapiRequest[];
  /** Every accepted message, in order. */
  readonly messages: SolapiRecord[];
  /** The next n send requests are answered with this status (429, 500) and send nothing. */
  failNext(n: number, status: number): void;
  /** Calls to this number ring out unanswered: the first `times` of them, or every one. */
  noAnswer(localNumber: string, times?: number): void;
  /** SMS/LMS to this number fail at the carrier (status 3059, as for a number no longer in service). */
  failTextsTo(localNumber: string): void;
  /** The number is on the account's opt-out (080 수신거부) list: refused at once with 3041. */
  optOut(localNumber: string): void;
  /** Whether accepted messages settle at once (4000 or the failure), or wait for `settle()`. */
  autoSettle: boolean;
  /** Gives every accepted message its final status. */
  settle(): void;
  sendsTo(localNumber: string): SolapiRecord[];
  reset(): void;
  close(): Promise<void>;
}

const MAX_PER_REQUEST = 10_000;
const LIMITS = { SMS: 90, LMS: 2_000, SUBJECT: 40 };

export function eucKr(text: string): number {
  return iconv.encode(text, 'euc-kr').length;
}

export async function startSolapiEmulator(options: {
  apiKey: string;
  apiSecret: string;
  senderNumbers: string[];
  autoSettle?: boolean;
}): Promise<SolapiEmulator> {
  const requests: SolapiRequest[] = [];
  const messages: SolapiRecord[] = [];
  const salts = new Set<string>();
  const unanswered = new Map<string, number>();
  const failingTexts = new Set<string>();
  const optedOut = new Set<string>();
  let failures: number[] = [];

  function authorised(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const m = /^HMAC-SHA256 apiKey=([^,]+), date=([^,]+), salt=([^,]+), signature=([0-9a-f]+)$/.exec(header);
    if (!m) return false;
    const [, apiKey, date = '', salt = '', signature] = m;
    if (apiKey !== options.apiKey) return false;
    const at = Date.parse(date);
    if (!Number.isFinite(at) || Math.abs(Date.now() - at) > 15 * 60_000) return false;
    if (salts.has(salt)) return false; // a replayed header
    const expected = createHmac('sha256', options.apiSecret)
      .update(date + salt)
      .digest('hex');
    if (expected !== signature) return false;
    salts.add(salt);
    return true;
  }

  function finalCode(record: SolapiRecord): string {
    if (record.type === 'VOICE') {
      const left = unanswered.get(record.to);
      if (left !== undefined && left > 0) {
        unanswered.set(record.to, left - 1);
        return '3104';
      }
      return '4000';
    }
    return failingTexts.has(record.to) ? '3059' : '4000';
  }

  function send(body: unknown): { status: number; json: unknown; count?: number } {
    const list = (body as { messages?: unknown }).messages;
    if (!Array.isArray(list) || list.length === 0)
      return { status: 400, json: { errorCode: 'ValidationError', errorMessage: 'messages' } };
    if (list.length > MAX_PER_REQUEST)
      return { status: 400, json: { errorCode: 'TooManyMessages', errorMessage: `at most ${MAX_PER_REQUEST}` } };
    const groupId = `G4V${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;
    const accepted: SolapiRecord[] = [];
    const failed: { to: string; statusCode: string; statusMessage: string }[] = [];
    for (const raw of list as Record<string, unknown>[]) {
      const to = String(raw.to ?? '');
      const from = String(raw.from ?? '');
      const type = String(raw.type ?? '') as SolapiRecord['type'];
      const text = String(raw.text ?? '');
      const subject = raw.subject === undefined ? undefined : String(raw.subject);
      const refuse = (statusCode: string, statusMessage: string) => failed.push({ to, statusCode, statusMessage });
      if (!/^01\d{8,9}$/.test(to)) refuse('1021', 'invalid recipient');
      else if (!options.senderNumbers.includes(from)) refuse('1062', 'unregistered sender number');
      else if (!['SMS', 'LMS', 'VOICE'].includes(type)) refuse('1011', 'unknown type');
      else if (type === 'SMS' && eucKr(text) > LIMITS.SMS) refuse('1032', 'SMS over 90 bytes');
      else if (type === 'LMS' && eucKr(text) > LIMITS.LMS) refuse('1032', 'LMS over 2000 bytes');
      else if (type === 'LMS' && subject !== undefined && eucKr(subject) > LIMITS.SUBJECT)
        refuse('1033', 'subject over 40 bytes');
      else if (type === 'VOICE' && !(raw.voiceOptions as { voiceType?: string } | undefined)?.voiceType)
        refuse('1011', 'voiceOptions.voiceType required');
      else if (optedOut.has(to)) refuse('3041', '수신거부');
      else
        accepted.push({
          messageId: `M4V${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`,
          groupId,
          to,
          from,
          type,
          text,
          subject,
          statusCode: '2000',
          at: Date.now(),
        });
    }
    for (const record of accepted) {
      if (emulator.autoSettle) record.statusCode = finalCode(record);
      messages.push(record);
    }
    return {
      status: 200,
      count: list.length,
      json: {
        groupInfo: {
          groupId,
          count: { total: list.length, registeredSuccess: accepted.length, registeredFailed: failed.length },
        },
        messageList: accepted.map((r) => ({
          messageId: r.messageId,
          to: r.to,
          from: r.from,
          type: r.type,
          statusCode: '2000',
          statusMessage: '정상 접수',
        })),
        failedMessageList: failed,
      },
    };
  }

  function list(url: URL): { status: number; json: unknown } {
    const groupId = url.searchParams.get('groupId');
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 20) || 20, 500);
    const start = Number(url.searchParams.get('startKey') ?? 0) || 0;
    const matching = messages.filter((m) => !groupId || m.groupId === groupId);
    const page = matching.slice(start, start + limit);
    return {
      status: 200,
      json: {
        limit,
        startKey: String(start),
        nextKey: start + limit < matching.length ? String(start + limit) : null,
        messageList: Object.fromEntries(
          page.map((m) => [m.messageId, { messageId: m.messageId, to: m.to, type: m.type, statusCode: m.statusCode }]),
        ),
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = (status: number, json: unknown, count?: number) => {
      requests.push({ method: req.method ?? '', path: url.pathname, status, count, at: Date.now() });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (!authorised(req)) return answer(401, { errorCode: 'InvalidAuthorization', errorMessage: 'signature' });
    if (req.method === 'POST' && url.pathname === '/messages/v4/send-many/detail') {
      const failing = failures.shift();
      if (failing) return answer(failing, { errorCode: failing === 429 ? 'TooManyRequests' : 'InternalError' });
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(400, { errorCode: 'ValidationError' });
      }
      const sent = send(body);
      return answer(sent.status, sent.json, sent.count);
    }
    if (req.method === 'GET' && url.pathname === '/messages/v4/list') {
      const found = list(url);
      return answer(found.status, found.json);
    }
    return answer(404, { errorCode: 'NotFound' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const emulator: SolapiEmulator = {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    messages,
    autoSettle: options.autoSettle ?? false,
    failNext(n, status) {
      failures = [...failures, ...Array.from({ length: n }, () => status)];
    },
    noAnswer(localNumber, times = Number.POSITIVE_INFINITY) {
      unanswered.set(localNumber, times);
    },
    failTextsTo(localNumber) {
      failingTexts.add(localNumber);
    },
    optOut(localNumber) {
      optedOut.add(localNumber);
    },
    settle() {
      for (const m of messages) if (m.statusCode === '2000') m.statusCode = finalCode(m);
    },
    sendsTo(localNumber) {
      return messages.filter((m) => m.to === localNumber);
    },
    reset() {
      requests.length = 0;
      messages.length = 0;
      unanswered.clear();
      failingTexts.clear();
      optedOut.clear();
      failures = [];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return emulator;
}
