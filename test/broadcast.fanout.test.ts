import { messagingApi } from '@line/bot-sdk';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLineSender } from '../bots/line/line.sender.ts';
import { sendBroadcast } from '../core/broadcasts/broadcast.usecases.ts';
import type { CoreDeps } from '../core/core.deps.ts';
import { createDeliveryWorker } from '../core/delivery/delivery.worker.ts';
import type { DatabaseHandle } from '../db/db.client.ts';
import { identities, outbox } from '../db/schema/index.ts';
import { startLineEmulator, type LineEmulator } from './line/line.emulator.ts';
import { allVillageIds, seedResidents } from './support/residents.seed.ts';
import { createTestClock } from './support/test.clock.ts';
import { createTestDatabase } from './support/test.database.ts';
import { testCipher } from './support/test.keys.ts';

// The seeds' county-wide broadcast: 37,000 households. FANOUT_RESIDENTS makes a quicker local run possible.
const RESIDENTS = Number(process.env.FANOUT_RESIDENTS ?? 37_000);
const TOKEN = 'fanout-token';
const silent = { debug() {}, info() {}, warn() {}, error() {} };
let database: DatabaseHandle;
let deps: CoreDeps;
let emulator: LineEmulator;
const clock = createTestClock('2026-11-24T01:00:00Z'); // 10:00 KST: nobody's quiet hours

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
}, 300_000);
afterAll(async () => {
  await emulator.close();
  await database.close();
});

const line = () =>
  createLineSender(new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.baseUrl }), () =>
    clock.now(),
  );
const countyStaff = {
  memberId: -1,
  grants: [{ role: 'county_staff' as const, villageId: null, districtCode: null }],
  label: '고성군청',
};

async function broadcast(body: string) {
  const result = await database.db.transaction((tx) =>
    sendBroadcast({ tx, deps, sender: countyStaff, scope: { kind: 'county' }, category: 'general', body }),
  );
  if (result.kind !== 'sent') throw new Error(result.kind);
  return result;
}

function reachedOnce(text: string): { people: number; duplicates: number } {
  const counts = new Map<string, number>();
  for (const d of emulator.delivered) if (d.message.text?.includes(text)) counts.set(d.to, (counts.get(d.to) ?? 0) + 1);
  return { people: counts.size, duplicates: [...counts.values()].filter((n) => n > 1).length };
}

describe(`a county-wide broadcast to ${RESIDENTS.toLocaleString()} residents on LINE`, () => {
  test('reaches every resident exactly once, in requests within LINE limits', async () => {
    const result = await broadcast('군민 여러분, 내일 오전 10시 민방위 훈련이 있습니다');
    // Every seeded resident; the 42 demo village heads (on the simulator) are reached but are not residents.
    expect(result).toMatchObject({ residents: RESIDENTS, others: 42 });
    await createDeliveryWorker(deps, new Map([['line', line()]])).flush();
    expect(reachedOnce('민방위 훈련')).toEqual({ people: RESIDENTS, duplicates: 0 });
    const multicasts = emulator.requests.filter((r) => r.path === '/v2/bot/message/multicast');
    expect(multicasts.length).toBe(Math.ceil(RESIDENTS / 500));
    expect(multicasts.every((r) => (r.body as { to: string[] }).to.length <= 500 && r.status === 200)).toBe(true);
    expect(new Set(multicasts.map((r) => r.headers['x-line-retry-key'])).size).toBe(multicasts.length);
    expect(await database.db.$count(outbox, and(eq(outbox.status, 'sent'), eq(outbox.platform, 'line')))).toBe(
      RESIDENTS,
    );
  }, 300_000);

  test('a worker stopped midway and started again: nobody missed, nobody reached twice', async () => {
    emulator.reset();
    await broadcast('두 번째 안내: 정전 작업');
    // The first worker sends one pass and dies before recording the second (its requests reach LINE, its records do not).
    const dying = line();
    let calls = 0;
    const crashing = {
      ...dying,
      multicast: async (request: Parameters<NonNullable<typeof dying.multicast>>[0]) => {
        const outcome = await dying.multicast(request);
        if (++calls > 3) await new Promise(() => {}); // hangs after sending: a crash between send and record
        return outcome;
      },
    };
    void createDeliveryWorker(deps, new Map([['line', crashing]]), { leaseMs: 60_000 }).flush();
    for (let i = 0; i < 100 && calls < 4; i++) await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(4);
    const landedBeforeCrash = reachedOnce('정전 작업').people;
    expect(landedBeforeCrash).toBeGreaterThan(0);
    clock.advance(61_000); // the dead worker's lease lapses
    await createDeliveryWorker(deps, new Map([['line', line()]])).flush();
    expect(reachedOnce('정전 작업')).toEqual({ people: RESIDENTS, duplicates: 0 });
  }, 300_000);

  test('a storm of 429s, then recovery: everyone reached once, after the Retry-After', async () => {
    emulator.reset();
    await broadcast('세 번째 안내: 태풍 대비');
    emulator.failNext(5, { status: 429, retryAfterSeconds: 30 });
    const worker = createDeliveryWorker(deps, new Map([['line', line()]]));
    await worker.flush();
    expect(reachedOnce('태풍 대비').people).toBeLessThan(RESIDENTS);
    const throttled = async () =>
      (
        await database.db
          .select({ id: outbox.id, status: outbox.status })
          .from(outbox)
          .where(like(outbox.lastError, '429%'))
      )
        .filter((r) => r.status !== 'sent')
        .map((r) => r.id)
        .sort((a, b) => a - b);
    const waiting = await throttled();
    expect(waiting.length).toBeGreaterThan(0);
    // Nothing that was answered 429 is tried again before its Retry-After (30 s) has passed. (A batch that met a
    // passing network error instead may go at its own, shorter backoff: that is not what this checks.)
    const requestsBefore = emulator.requests.length;
    clock.advance(20_000);
    await worker.flush();
    expect(await throttled()).toEqual(waiting);
    expect(emulator.requests.slice(requestsBefore).filter((r) => r.status === 429)).toHaveLength(0);
    // Then the storm passes (with few residents, a retried batch can meet one of the remaining 429s: another round).
    for (let round = 0; round < 5 && reachedOnce('태풍 대비').people < RESIDENTS; round++) {
      clock.advance(40_000);
      await worker.flush();
    }
    expect(reachedOnce('태풍 대비')).toEqual({ people: RESIDENTS, duplicates: 0 });
    expect(emulator.requests.filter((r) => r.status === 429)).toHaveLength(5);
  }, 300_000);
});
