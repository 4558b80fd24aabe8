import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ChannelSender, SendRequest, SendResult } from '../core/channel/channel.port.ts';
import type { CoreDeps } from '../core/core.deps.ts';
import { createDeliveryWorker } from '../core/delivery/delivery.worker.ts';
import { enqueue } from '../core/delivery/outbox.write.ts';
import type { DatabaseHandle } from '../db/db.client.ts';
import { deliveryRequests, outbox } from '../db/schema/index.ts';
import { createTestClock } from './support/test.clock.ts';
import { createTestDatabase } from './support/test.database.ts';
import { testCipher } from './support/test.keys.ts';

let database: DatabaseHandle;
let deps: CoreDeps;
const clock = createTestClock();
const silent = { debug() {}, info() {}, warn() {}, error() {} };

beforeAll(async () => {
  database = await createTestDatabase();
  deps = { db: database.db, cipher: testCipher(), clock, logger: silent, timezone: 'Asia/Seoul' };
});
afterAll(() => database.close());

/** A platform at the edge of the system: it records what it was asked and answers from a script. */
function scriptedPlatform(answers: SendResult[] = []) {
  const received: SendRequest[] = [];
  const sender: ChannelSender = {
    platform: 'fake',
    canPush: true,
    async send(request) {
      received.push(request);
      return answers.shift() ?? { ok: true };
    },
  };
  return { sender, received, senders: new Map([['fake', sender]]) };
}

const to = (id: string) => ({ platform: 'fake', type: 'direct' as const, id });

async function row(dedupeKey: string) {
  const [r] = await database.db.select().from(outbox).where(eq(outbox.dedupeKey, dedupeKey));
  return r;
}

describe('the delivery engine', () => {
  test('enqueueing the same message twice sends it once', async () => {
    const platform = scriptedPlatform();
    await enqueue(database.db, deps, {
      dedupeKey: 'once',
      to: to('a'),
      purpose: 'report.staff',
      messages: [{ text: '안녕하세요' }],
    });
    await enqueue(database.db, deps, {
      dedupeKey: 'once',
      to: to('a'),
      purpose: 'report.staff',
      messages: [{ text: '안녕하세요' }],
    });
    await createDeliveryWorker(deps, platform.senders).flush();
    expect(platform.received.map((r) => r.messages[0]?.text)).toEqual(['안녕하세요']);
    expect(await row('once')).toMatchObject({ status: 'sent', attempts: 1 });
  });

  test('a transient failure is retried after its Retry-After with the same idempotency key, and the chat keeps its order', async () => {
    const platform = scriptedPlatform([
      { ok: false, permanent: false, error: '429 Too Many Requests', retryAfterMs: 30_000 },
    ]);
    await enqueue(database.db, deps, {
      dedupeKey: 'first',
      to: to('b'),
      purpose: 'report.staff',
      messages: [{ text: '첫째' }],
    });
    await enqueue(database.db, deps, {
      dedupeKey: 'second',
      to: to('b'),
      purpose: 'report.staff',
      messages: [{ text: '둘째' }],
    });
    const worker = createDeliveryWorker(deps, platform.senders);
    await worker.flush();
    expect(platform.received.map((r) => r.messages[0]?.text)).toEqual(['첫째']);
    expect(await row('first')).toMatchObject({ status: 'retrying', lastError: '429 Too Many Requests' });
    expect(await row('second')).toMatchObject({ status: 'queued', attempts: 0 });

    clock.advance(29_000);
    await worker.flush();
    expect(platform.received).toHaveLength(1);
    clock.advance(2_000);
    await worker.flush();
    expect(platform.received.map((r) => r.messages[0]?.text)).toEqual(['첫째', '첫째', '둘째']);
    expect(platform.received[0]?.idempotencyKey).toBe(platform.received[1]?.idempotencyKey);
    expect(await row('first')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test("a permanent failure is recorded with the platform's error and not retried", async () => {
    const platform = scriptedPlatform([{ ok: false, permanent: true, error: '400 The user blocked the bot' }]);
    await enqueue(database.db, deps, {
      dedupeKey: 'blocked',
      to: to('c'),
      purpose: 'report.staff',
      messages: [{ text: '소식' }],
    });
    const worker = createDeliveryWorker(deps, platform.senders);
    await worker.flush();
    clock.advance(3_600_000);
    await worker.flush();
    expect(platform.received).toHaveLength(1);
    expect(await row('blocked')).toMatchObject({ status: 'failed', lastError: '400 The user blocked the bot' });
  });

  test('after the last attempt a delivery is failed', async () => {
    const platform = scriptedPlatform(
      Array.from({ length: 10 }, () => ({ ok: false as const, permanent: false, error: '500' })),
    );
    await enqueue(database.db, deps, {
      dedupeKey: 'flaky',
      to: to('d'),
      purpose: 'report.staff',
      messages: [{ text: '소식' }],
    });
    const worker = createDeliveryWorker(deps, platform.senders, { maxAttempts: 3 });
    for (let i = 0; i < 5; i++) {
      await worker.flush();
      clock.advance(3_600_000);
    }
    expect(platform.received).toHaveLength(3);
    expect(await row('flaky')).toMatchObject({ status: 'failed', attempts: 3 });
  });

  test('a worker that died after claiming leaves a lease that lapses; the send is repeated with the same key', async () => {
    await enqueue(database.db, deps, {
      dedupeKey: 'crash',
      to: to('e'),
      purpose: 'report.staff',
      messages: [{ text: '소식' }],
    });
    const hanging: ChannelSender = { platform: 'fake', canPush: true, send: () => new Promise<SendResult>(() => {}) };
    const dead = createDeliveryWorker(deps, new Map([['fake', hanging]]), { leaseMs: 60_000 });
    void dead.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const claimed = await row('crash');
    // Claimed by a lease of its own row (the outbox row itself is not written until its outcome).
    const [lease] = await database.db
      .select()
      .from(deliveryRequests)
      .where(and(eq(deliveryRequests.kind, 'lease'), sql`${claimed?.id ?? -1}::int = any(${deliveryRequests.rowIds})`));
    expect(lease?.leaseUntil).not.toBeNull();
    expect(claimed).toMatchObject({ status: 'queued', attempts: 0 });

    const platform = scriptedPlatform();
    const survivor = createDeliveryWorker(deps, platform.senders, { leaseMs: 60_000 });
    await survivor.flush();
    expect(platform.received).toHaveLength(0);
    clock.advance(61_000);
    await survivor.flush();
    expect(platform.received.map((r) => r.idempotencyKey)).toEqual([claimed?.idempotencyKey]);
    expect(await row('crash')).toMatchObject({ status: 'sent' });
  });
});
