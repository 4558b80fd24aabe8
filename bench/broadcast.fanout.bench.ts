/**
 * Village broadcast fan-out: 37,000 residents over 112 villages, all on LINE (the emulator, with LINE's 500-recipient
 * multicast), one county-wide broadcast, on PostgreSQL. Prints the wall time from creation to the last delivery
 * recorded; the floor (one batched insert of 37,000 delivery rows into the same database); their ratio; peak memory.
 *
 *   npm run bench:fanout        (BENCH_DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/postgres)
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { messagingApi } from '@line/bot-sdk';
import { and, eq, inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createLineSender } from '../bots/line/line.sender.ts';
import { sendBroadcast } from '../core/broadcasts/broadcast.usecases.ts';
import { createCipher, generateKey } from '../core/privacy/cipher.ts';
import { createDeliveryWorker } from '../core/delivery/delivery.worker.ts';
import { openPostgres } from '../db/db.client.ts';
import { counties, districts, members, outbox, villages } from '../db/schema/index.ts';
import { startLineEmulator } from '../test/line/line.emulator.ts';
import { seedResidents } from '../test/support/residents.seed.ts';

const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 37_000);
const VILLAGES = 112;
const TOKEN = 'bench-token';
const silent = { debug() {}, info() {}, warn() {}, error() {} };

// For context only: how long the in-process LINE emulator (the only HTTP server here) spends on each request, from
// its headers to its answer, summed; it shares the process and its two cores with the worker.
const requestStarted = new Map<IncomingMessage, number>();
let emulatorMs = 0;
subscribe('http.server.request.start', (message) =>
  requestStarted.set((message as { request: IncomingMessage }).request, performance.now()),
);
subscribe('http.server.response.finish', (message) => {
  const { request } = message as { request: IncomingMessage };
  emulatorMs += performance.now() - (requestStarted.get(request) ?? performance.now());
  requestStarted.delete(request);
});

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `maeul_fanout_${Date.now()}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const database = await openPostgres(url.toString(), { max: 10 });
const emulator = await startLineEmulator({ channelAccessToken: TOKEN });
try {
  const db = database.db;
  const cipher = createCipher(Buffer.from(generateKey(), 'base64'));
  const now = new Date('2026-11-24T01:00:00Z'); // 10:00 KST: outside everyone's quiet hours
  const clock = { now: () => now };
  const deps = { db, cipher, clock, logger: silent, timezone: 'Asia/Seoul' };
  await db.insert(counties).values({ code: 'jeungpyeong', nameKo: '증평군' });
  await db.insert(districts).values({
    code: 'jeungpyeong-eup',
    countyCode: 'jeungpyeong',
    nameKo: '증평읍',
    nameEn: 'Jeungpyeong-eup',
    kind: 'eup',
  });
  const villageIds = (
    await db
      .insert(villages)
      .values(Array.from({ length: VILLAGES }, (_, i) => ({ districtCode: 'jeungpyeong-eup', nameKo: `${i + 1}리` })))
      .returning({ id: villages.id })
  ).map((v) => v.id);
  await seedResidents(db, cipher, { count: RESIDENTS, platform: 'line', villageIds, now });
  const [staff] = await db.insert(members).values({}).returning({ id: members.id });
  const line = createLineSender(
    new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.baseUrl }),
    () => now,
  );

  // The run: create the broadcast (fan-out in its transaction), then deliver until nothing is due.
  const started = performance.now();
  emulatorMs = 0;
  const result = await db.transaction((tx) =>
    sendBroadcast({
      tx,
      deps,
      sender: {
        memberId: staff?.id ?? 0,
        grants: [{ role: 'county_staff', villageId: null, districtCode: null }],
        label: '증평군청',
      },
      scope: { kind: 'county' },
      category: 'general',
      body: '군민 여러분, 내일 오전 10시 민방위 훈련이 있습니다.',
    }),
  );
  const fannedOut = performance.now();
  await createDeliveryWorker(deps, new Map([['line', line]])).flush();
  const finished = performance.now();
  const emulatorSpent = emulatorMs;
  if (result.kind !== 'sent') throw new Error(result.kind);
  const sent = await db.$count(outbox, and(eq(outbox.status, 'sent'), eq(outbox.broadcastId, result.broadcastId)));

  // The floor: one batched insert of as many delivery rows into the same table.
  const floorStarted = performance.now();
  await db.execute(sql`
    insert into outbox (dedupe_key, platform, chat_type, chat_id, purpose, messages_enc, next_attempt_at, created_at, status)
    select 'floor:' || g, 'line', 'direct', 'U' || g, 'floor', ${cipher.encrypt('[]')}, now(), now(), 'sent' from generate_series(1, ${RESIDENTS}) g`);
  const floor = performance.now() - floorStarted;
  await db.delete(outbox).where(inArray(outbox.purpose, ['floor']));

  const wall = finished - started;
  const multicasts = emulator.requests.filter((r) => r.path === '/v2/bot/message/multicast');
  console.log(
    `broadcast fan-out: ${RESIDENTS.toLocaleString()} residents in ${VILLAGES} villages, LINE multicast, PostgreSQL`,
  );
  console.log(
    `creation → last delivery recorded : ${(wall / 1000).toFixed(2)} s (fan-out ${((fannedOut - started) / 1000).toFixed(2)} s, delivery ${((finished - fannedOut) / 1000).toFixed(2)} s)`,
  );
  console.log(
    `  of which inside the LINE emulator : ${(emulatorSpent / 1000).toFixed(2)} s (its handling of ${multicasts.length} requests, summed; up to 4 at once)`,
  );
  console.log(`floor: one insert of ${RESIDENTS.toLocaleString()} rows : ${(floor / 1000).toFixed(2)} s`);
  console.log(`ratio                             : ${(wall / floor).toFixed(1)}× the floor (target within 3×)`);
  console.log(
    `delivered                         : ${sent.toLocaleString()} recorded sent; ${new Set(emulator.delivered.map((d) => d.to)).size.toLocaleString()} residents reached at the emulator in ${multicasts.length} requests (max ${Math.max(...multicasts.map((r) => (r.body as { to: string[] }).to.length))} recipients)`,
  );
  console.log(`peak memory (rss)                 : ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
} finally {
  clearInterval(sampler);
  await emulator.close();
  await database.close();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
