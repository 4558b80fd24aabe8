import { messagingApi } from '@line/bot-sdk';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from 'vitest';
import { createLineSender } from '../bots/line/line.sender.ts';
import { sendBroadcast } from '../core/broadcasts/broadcast.usecases.ts';
import type { CoreDeps } from '../core/core.deps.ts';
import {
  createDeliveryWorker,
  type DeliveryFaultPoint,
  type DeliveryWorker,
  type DeliveryWorkerOptions,
} from '../core/delivery/delivery.worker.ts';
import { enqueue } from '../core/delivery/outbox.write.ts';
import type { DatabaseHandle } from '../db/db.client.ts';
import { deliveryRequests, identities, outbox } from '../db/schema/index.ts';
import { startLineEmulator, type LineEmulator } from './line/line.emulator.ts';
import { allVillageIds, seedResidents } from './support/residents.seed.ts';
import { createTestClock } from './support/test.clock.ts';
import { createTestDatabase } from './support/test.database.ts';
import { testCipher } from './support/test.keys.ts';

// Enough residents for three batches (500, 500, 100), each one request decided at fan-out; claims of CLAIM rows take
// one request at a time, so that two workers share the broadcast.
const RESIDENTS = 1_100;
const CLAIM = 20;
const TOKEN = 'crash-token';
const silent = { debug() {}, info() {}, warn() {}, error() {} };
let database: DatabaseHandle;
let deps: CoreDeps;
let emulator: LineEmulator;
const clock = createTestClock('2026-11-24T01:00:00Z'); // 10:00 KST: nobody's quiet hours
const countyStaff = {
  memberId: -1,
  grants: [{ role: 'county_staff' as const, villageId: null, districtCode: null }],
  label: '고성군청',
};

beforeAll(async () => {
  database = await createTestDatabase();
  deps = { db: database.db, cipher: testCipher(), clock, logger: silent, timezone: 'Asia/Seoul' };
  emulator = await startLineEmulator({ channelAccessToken: TOKEN });
  const [staff] = await database.db.select().from(identities).where(eq(identities.platformUserId, 'staff-county'));
  countyStaff.memberId = staff?.memberId ?? -1;
  await seedResidents(database.db, deps.cipher, {
    count: RESIDENTS,
    platform: 'line',
    villageIds: await allVillageIds(database.db),
    now: clock.now(),
  });
}, 120_000);
afterAll(async () => {
  await emulator.close();
  await database.close();
});
beforeEach(() => emulator.reset());

const line = () =>
  createLineSender(new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.baseUrl }), () =>
    clock.now(),
  );
const worker = (options: DeliveryWorkerOptions = {}) =>
  createDeliveryWorker(deps, new Map([['line', line()]]), { batchSize: CLAIM, ...options });

async function broadcast(body: string) {
  const result = await database.db.transaction((tx) =>
    sendBroadcast({ tx, deps, sender: countyStaff, scope: { kind: 'county' }, category: 'general', body }),
  );
  if (result.kind !== 'sent') throw new Error(result.kind);
}

/** The stored batch requests by retry key: the recipients (chat ids) of their rows, sorted. */
async function storedRequests(): Promise<Map<string, string[]>> {
  const requests = await database.db.select().from(deliveryRequests).where(eq(deliveryRequests.kind, 'batch'));
  const rows = await database.db.select({ id: outbox.id, chatId: outbox.chatId }).from(outbox);
  const chatOf = new Map(rows.map((r) => [r.id, r.chatId]));
  return new Map(requests.map((q) => [q.retryKey, q.rowIds.map((id) => chatOf.get(id) ?? '?').sort()]));
}

function reached(text: string): { people: number; twice: number } {
  const counts = new Map<string, number>();
  for (const d of emulator.delivered) if (d.message.text?.includes(text)) counts.set(d.to, (counts.get(d.to) ?? 0) + 1);
  return { people: counts.size, twice: [...counts.values()].filter((n) => n > 1).length };
}

/**
 * A worker that dies at the nth time it reaches `point` (as kill -9 would: what it sent stays sent, nothing after is
 * recorded), while a second worker delivers beside it, their claims splitting the batch.
 */
async function crashMidBroadcast(point: DeliveryFaultPoint, nth: number): Promise<{ crashed: boolean }> {
  let seen = 0;
  let crashed = false;
  let companion: Promise<void> | undefined;
  const dying: DeliveryWorker = worker({
    fault: (at) => {
      if (at === 'stored') companion ??= worker().flush();
      if (at === point && ++seen === nth) {
        crashed = true;
        dying.abandon();
      }
    },
  });
  void dying.flush().catch(() => {});
  for (let i = 0; i < 200 && !crashed; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  await companion;
  return { crashed };
}

describe('a delivery worker killed at any point of a multicast', () => {
  const points: DeliveryFaultPoint[] = ['stored', 'sent', 'recorded'];
  for (const point of points)
    for (const nth of [1, 2]) {
      test(`killed at "${point}" of its request ${nth}, with a second worker splitting the batch, then restarted: nobody reached twice, nobody missed`, async () => {
        const text = `정전 안내 ${point} ${nth}`;
        await broadcast(text);
        const { crashed } = await crashMidBroadcast(point, nth);
        expect(crashed).toBe(true);
        // The restart: a fresh worker once the dead one's liveness has lapsed (5 s, not the minute-long lease).
        clock.advance(6_000);
        await worker({ batchSize: 10_000 }).flush();
        expect(reached(text)).toEqual({ people: RESIDENTS, twice: 0 });
        const multicasts = emulator.requests.filter((r) => r.path === '/v2/bot/message/multicast');
        // Every multicast, first or retried, was a stored request as it was decided: its key, all its recipients.
        const stored = await storedRequests();
        for (const r of multicasts)
          expect([...(r.body as { to: string[] }).to].sort()).toEqual(stored.get(r.headers['x-line-retry-key'] ?? ''));
        // A request LINE took before the crash was sent again as it was: the same key, answered 409.
        if (point === 'sent') expect(multicasts.some((r) => r.status === 409)).toBe(true);
        expect(await database.db.$count(outbox, eq(outbox.status, 'sent'))).toBeGreaterThanOrEqual(RESIDENTS);
      }, 60_000);
    }
});

describe('a multicast LINE took but answered too late', () => {
  test('is retried as the same request, answered 409, and reaches nobody twice', async () => {
    const text = '늦은 응답 시험';
    await broadcast(text);
    const slowLine = createLineSender(
      new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.baseUrl }),
      () => clock.now(),
      { timeoutMs: 1_000 }, // the other requests answer in time even on a busy machine
    );
    const slow = createDeliveryWorker(deps, new Map([['line', slowLine]]));
    emulator.delayNext(1, 1_500);
    await slow.flush();
    expect(reached(text).people).toBe(RESIDENTS); // LINE took it
    await new Promise((resolve) => setTimeout(resolve, 600));
    clock.advance(3_000); // past the first retry's backoff
    await slow.flush();
    expect(reached(text)).toEqual({ people: RESIDENTS, twice: 0 });
    const multicasts = emulator.requests.filter((r) => r.path === '/v2/bot/message/multicast');
    // Three requests (500, 500, 100); the one answered late went again under its key and was answered 409.
    expect(multicasts.map((r) => r.status)).toEqual([200, 200, 200, 409]);
    expect(new Set(multicasts.map((r) => r.headers['x-line-retry-key'])).size).toBe(3);
    expect(multicasts[3]?.headers['x-line-retry-key']).toBe(multicasts[0]?.headers['x-line-retry-key']);
  });
});

describe("a dead worker's claims", () => {
  test('are taken over within 5 s of the crash, not when the minute-long lease lapses', async () => {
    const text = '인수 시험';
    await broadcast(text);
    const dying: DeliveryWorker = worker({ fault: (at) => void (at === 'sent' && dying.abandon()) });
    void dying.flush().catch(() => {});
    for (let i = 0; i < 200 && emulator.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const restarted = worker();
    clock.advance(5_001);
    await restarted.flush();
    expect(reached(text)).toEqual({ people: RESIDENTS, twice: 0 });
  });

  test('are not taken over from a worker that is alive', async () => {
    const text = '살아 있는 일꾼';
    await broadcast(text);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // Alive but slow: its first request is held after LINE took it (its liveness renewed, its session lock held).
    const slow = worker({ fault: (at) => (at === 'sent' ? held : undefined) });
    const slowPass = slow.flush();
    for (let i = 0; i < 200 && emulator.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await worker().flush();
    const reachedMeanwhile = reached(text);
    release();
    await slowPass;
    await worker().flush();
    expect(reachedMeanwhile.people).toBeLessThan(RESIDENTS);
    expect(reached(text)).toEqual({ people: RESIDENTS, twice: 0 });
    expect(emulator.requests.filter((r) => r.status === 409)).toHaveLength(0);
  });

  test.skipIf(!inject('pgTemplateUrl'))(
    'on PostgreSQL, are taken over at once: the session lock went with its connection',
    async () => {
      const text = '즉시 인수';
      await broadcast(text);
      const dying: DeliveryWorker = worker({ fault: (at) => void (at === 'sent' && dying.abandon()) });
      void dying.flush().catch(() => {});
      for (let i = 0; i < 200 && emulator.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await worker().flush();
      expect(reached(text)).toEqual({ people: RESIDENTS, twice: 0 });
    },
  );

  test('on the embedded database (one process), are taken over as soon as the worker starts again', async () => {
    const text = '재시작 시험';
    await broadcast(text);
    const dying: DeliveryWorker = worker({ fault: (at) => void (at === 'sent' && dying.abandon()) });
    void dying.flush().catch(() => {});
    for (let i = 0; i < 200 && emulator.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await worker({ soleWorker: true }).flush();
    expect(reached(text)).toEqual({ people: RESIDENTS, twice: 0 });
  });
});

describe('a LINE reply cut short by a crash', () => {
  const userId = (n: number) => `Ureply${String(n).padStart(27, '0')}`;
  async function enqueueReply(to: string, text: string, token: string) {
    await enqueue(database.db, deps, {
      dedupeKey: `crash-reply:${to}`,
      to: { platform: 'line', type: 'direct', id: to },
      purpose: 'reply',
      messages: [{ text }],
      replyHandle: { token, expiresAt: new Date(clock.now().getTime() + 50_000).toISOString() },
    });
  }
  async function crashAt(point: DeliveryFaultPoint): Promise<void> {
    const dying: DeliveryWorker = worker({ fault: (at) => void (at === point && dying.abandon()) });
    void dying.flush().catch(() => {});
    for (let i = 0; i < 100; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    clock.advance(6_000);
    await worker().flush();
  }

  test('accepted by LINE just before the crash arrives once (the retry finds its token spent)', async () => {
    const to = userId(1);
    await enqueueReply(to, '답변 하나', emulator.issueReplyToken(to));
    await crashAt('sent');
    expect(emulator.delivered.filter((d) => d.to === to).map((d) => d.via)).toEqual(['reply']);
  });

  test('accepted by LINE just before the crash and retried only after the token’s time: arrives once, not pushed', async () => {
    const to = userId(4);
    await enqueueReply(to, '답변 넷', emulator.issueReplyToken(to));
    const dying: DeliveryWorker = worker({ fault: (at) => void (at === 'sent' && dying.abandon()) });
    void dying.flush().catch(() => {});
    for (let i = 0; i < 100 && !emulator.delivered.some((d) => d.to === to); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    clock.advance(60_000); // past the token's 50 s: whether it landed cannot be learnt from LINE
    await worker().flush();
    expect(emulator.delivered.filter((d) => d.to === to).map((d) => d.via)).toEqual(['reply']);
  });

  test('turned away with 429 and retried after the token’s time: goes once, by push', async () => {
    const to = userId(5);
    await enqueueReply(to, '답변 다섯', emulator.issueReplyToken(to));
    emulator.failNext(1, { status: 429, retryAfterSeconds: 1 });
    await worker().flush();
    expect(emulator.delivered.filter((d) => d.to === to)).toEqual([]);
    clock.advance(60_000);
    await worker().flush();
    expect(emulator.delivered.filter((d) => d.to === to).map((d) => d.via)).toEqual(['push']);
  });

  test('not yet sent at the crash arrives once, as a reply', async () => {
    const to = userId(2);
    await enqueueReply(to, '답변 둘', emulator.issueReplyToken(to));
    await crashAt('stored');
    expect(emulator.delivered.filter((d) => d.to === to).map((d) => d.via)).toEqual(['reply']);
  });

  test('whose token was already spent goes by push, and a crash after the push does not send it twice', async () => {
    const to = userId(3);
    const token = emulator.issueReplyToken(to);
    await new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.baseUrl }).replyMessage({
      replyToken: token,
      messages: [{ type: 'text', text: '먼저 보낸 답' }],
    });
    await enqueueReply(to, '답변 셋', token);
    await crashAt('sent');
    expect(emulator.delivered.filter((d) => d.to === to).map((d) => [d.via, d.message.text])).toEqual([
      ['reply', '먼저 보낸 답'],
      ['push', '답변 셋'],
    ]);
  });
});
