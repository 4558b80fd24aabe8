import { Writable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startApp, type RunningApp } from '../bots/app/app.ts';
import { loadConfig } from '../bots/app/app.config.ts';
import { createLogger } from '../bots/app/app.logger.ts';
import { channelModules, type ChannelModule } from '../bots/channel.registry.ts';
import { sendBroadcast } from '../core/broadcasts/broadcast.usecases.ts';
import { enqueue } from '../core/delivery/outbox.write.ts';
import type { DatabaseHandle } from '../db/db.client.ts';
import { broadcasts, deliveryRequests, identities, outbox } from '../db/schema/index.ts';
import { createTestClock } from './support/test.clock.ts';
import { createTestDatabase } from './support/test.database.ts';
import { TEST_SECRET_KEY, testCipher } from './support/test.keys.ts';

// The app as it runs in production: delivery, scheduled fan-out and reports in the background (no test flushes).
let database: DatabaseHandle;
let app: RunningApp;
const clock = createTestClock('2026-11-24T01:00:00Z'); // 10:00 KST
/** A platform whose API takes a request and never answers: a delivery pass that sends to it is held up. */
const stuck: ChannelModule = {
  id: 'stuck',
  enabled: () => true,
  start: async () => ({
    sender: { platform: 'stuck', canPush: true, send: () => new Promise(() => {}) },
    stop: async () => {},
  }),
};

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startApp({
    config: loadConfig({ PORT: '0', DEMO_DATA: 'off', SIMULATOR: 'on', MAEUL_SECRET_KEY: TEST_SECRET_KEY }),
    logger: createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) }),
    clock,
    database,
    cipher: testCipher(),
    channels: [...channelModules, stuck],
    scheduler: false,
  });
});
afterAll(async () => {
  // The held-up pass never ends: stopping would wait for it. The database goes; the process ends with the file.
  void app.stop();
  await database.close().catch(() => {});
});

async function until(check: () => Promise<boolean>, ms = 8_000): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < ms;) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

test('a scheduled broadcast is fanned out when due even while a delivery pass is held up by a platform that does not answer', async () => {
  await enqueue(database.db, app.deps, {
    dedupeKey: 'stuck-message',
    to: { platform: 'stuck', type: 'direct', id: 'nobody' },
    purpose: 'report.staff',
    messages: [{ text: '답이 없는 플랫폼' }],
  });
  // The delivery loop takes it and waits on the platform from now on.
  expect(
    await until(async () => {
      const [row] = await database.db.select().from(outbox).where(eq(outbox.dedupeKey, 'stuck-message'));
      const leases = await database.db.select().from(deliveryRequests).where(eq(deliveryRequests.kind, 'lease'));
      return leases.some((l) => l.rowIds.includes(row?.id ?? -1));
    }),
  ).toBe(true);

  const [staff] = await database.db.select().from(identities).where(eq(identities.platformUserId, 'staff-county'));
  const result = await database.db.transaction((tx) =>
    sendBroadcast({
      tx,
      deps: app.deps,
      sender: {
        memberId: staff?.memberId ?? -1,
        grants: [{ role: 'county_staff', villageId: null, districtCode: null }],
        label: '고성군청',
      },
      scope: { kind: 'county' },
      category: 'general',
      body: '오후 2시 마을회관 소독이 있습니다',
      sendAt: new Date(clock.now().getTime() + 10 * 60_000),
    }),
  );
  if (result.kind !== 'scheduled') throw new Error(result.kind);
  clock.advance(11 * 60_000);
  const fannedOut = await until(async () => {
    const [b] = await database.db.select().from(broadcasts).where(eq(broadcasts.id, result.broadcastId));
    return b?.fannedOutAt !== null && b?.fannedOutAt !== undefined;
  });
  expect(fannedOut).toBe(true);
  expect(
    await database.db.$count(
      outbox,
      and(eq(outbox.subjectKind, 'broadcast'), eq(outbox.subjectId, result.broadcastId)),
    ),
  ).toBeGreaterThan(0);
}, 30_000);
