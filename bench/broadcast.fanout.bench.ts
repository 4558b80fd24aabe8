/**
 * Village broadcast fan-out: 37,000 residents over 112 villages, all on LINE (the emulator, with LINE's 500-recipient
 * multicast), one county-wide broadcast, on PostgreSQL. Prints the wall time from creation to the last delivery
 * recorded; the floor (one batched insert of 37,000 delivery rows into the same database); their ratio; peak memory.
 *
 *   npm run bench:fanout        (BENCH_DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_RESIDENTS=1000000 npm run bench:fanout      (another county size; prints the same figures)
 *   BENCH_FILLFACTOR=100 npm run bench:fanout         (the outbox's fillfactor for the run, to weigh HOT outcomes)
 */
import { seedCounty, VILLAGES } from './bench.support.ts';
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { messagingApi } from '@line/bot-sdk';
import { and, eq, inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createLineSender } from '../bots/line/line.sender.ts';
import { sendBroadcast } from '../core/broadcasts/broadcast.usecases.ts';
import { createCipher, generateKey } from '../core/privacy/cipher.ts';
import { createDeliveryWorker } from '../core/delivery/delivery.worker.ts';
import { openPostgres } from '../db/db.client.ts';
import { outbox } from '../db/schema/index.ts';
import { startLineEmulator } from '../test/line/line.emulator.ts';

const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 37_000);
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

// Peak memory of the whole process, and of the run alone (creation to last delivery; seeding 10⁶ residents is not it).
let peakRss = 0;
let runPeakRss = 0;
let runPeakHeap = 0;
let running = false;
const sampler = setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage();
  peakRss = Math.max(peakRss, rss);
  if (running) runPeakRss = Math.max(runPeakRss, rss);
  if (running) runPeakHeap = Math.max(runPeakHeap, heapUsed);
}, 50);
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

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
  if (process.env.BENCH_FILLFACTOR)
    await db.execute(sql.raw(`alter table outbox set (fillfactor = ${Number(process.env.BENCH_FILLFACTOR)})`));
  const cipher = createCipher(Buffer.from(generateKey(), 'base64'));
  const now = new Date('2026-11-24T01:00:00Z'); // 10:00 KST: outside everyone's quiet hours
  const clock = { now: () => now };
  const deps = { db, cipher, clock, logger: silent, timezone: 'Asia/Seoul' };
  const { staffId } = await seedCounty(db, cipher, { residents: RESIDENTS, now });
  const line = createLineSender(
    new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.baseUrl }),
    () => now,
  );

  // The run: create the broadcast (fan-out in its transaction), then deliver until nothing is due.
  gc(); // what seeding left behind is not the run's
  const started = performance.now();
  emulatorMs = 0;
  running = true;
  const result = await db.transaction((tx) =>
    sendBroadcast({
      tx,
      deps,
      sender: {
        memberId: staffId,
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
  running = false;
  const emulatorSpent = emulatorMs;
  if (result.kind !== 'sent') throw new Error(result.kind);
  // PostgreSQL's own count of the outbox's updates and how many were HOT (no index touched), once every session of
  // the worker has flushed its statistics (within ~10 s of going idle).
  let stats: { upd: number; hot: number } | undefined;
  for (let i = 0; i < 60 && (stats?.upd ?? 0) < RESIDENTS; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    const rows = (await db.execute(
      sql`select n_tup_upd::int as upd, n_tup_hot_upd::int as hot from pg_stat_user_tables where relname = 'outbox'`,
    )) as unknown as { upd: number; hot: number }[];
    stats = rows[0];
  }
  const sent = await db.$count(
    outbox,
    and(eq(outbox.status, 'sent'), eq(outbox.subjectKind, 'broadcast'), eq(outbox.subjectId, result.broadcastId)),
  );

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
  console.log(
    `outbox rows updated               : ${stats?.upd.toLocaleString()} (${stats?.hot.toLocaleString()} HOT) for ${RESIDENTS.toLocaleString()} recipients: written at creation and once with the outcome`,
  );
  // How much of the heap is the emulator's records of every delivery and request (a test double, not the engine).
  gc();
  const heapWith = process.memoryUsage().heapUsed;
  emulator.reset();
  gc();
  const emulatorHeap = heapWith - process.memoryUsage().heapUsed;
  console.log(
    `peak memory (rss)                 : ${(runPeakRss / 1024 / 1024).toFixed(0)} MiB during the run (JS heap at most ${(runPeakHeap / 1024 / 1024).toFixed(0)} MiB), ${(peakRss / 1024 / 1024).toFixed(0)} MiB with seeding; of the heap after the run, ${(emulatorHeap / 1024 / 1024).toFixed(0)} MiB were the LINE emulator's records of every delivery and request`,
  );
} finally {
  clearInterval(sampler);
  await emulator.close();
  await database.close();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
