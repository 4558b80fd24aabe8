/**
 * `npm run bench:fanout` with the queue on graphile-worker (issue 15 item 7, bench/graphile.delivery.ts): the same
 * 37,000 LINE residents in 112 villages, the same county-wide broadcast and fan-out, one graphile job per batch of
 * 500 created in the broadcast's transaction, 4 jobs at once. Prints creation → last delivery recorded, the floor
 * (one batched insert of as many outbox rows), their ratio, the requests and peak memory.
 *
 *   npm run bench:fanout:graphile   (BENCH_DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/postgres)
 */
import { messagingApi } from '@line/bot-sdk';
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { createLineSender } from '../bots/line/line.sender.ts';
import { createCipher, generateKey } from '../core/privacy/cipher.ts';
import { outbox } from '../db/schema/index.ts';
import { startLineEmulator } from '../test/line/line.emulator.ts';
import { broadcastToCounty, createBenchDatabase, seedCounty, silent, VILLAGES } from './bench.support.ts';
import { enqueueBroadcastJobs, migrateGraphile, startGraphileDelivery } from './graphile.delivery.ts';

const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 37_000);
const TOKEN = 'bench-token';

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const bench = await createBenchDatabase('maeul_gw_fanout');
const emulator = await startLineEmulator({ channelAccessToken: TOKEN });
try {
  const db = bench.database.db;
  const cipher = createCipher(Buffer.from(generateKey(), 'base64'));
  const now = new Date('2026-11-24T01:00:00Z'); // 10:00 KST: outside everyone's quiet hours
  const deps = { db, cipher, clock: { now: () => now }, logger: silent, timezone: 'Asia/Seoul' };
  const { staffId } = await seedCounty(db, cipher, { residents: RESIDENTS, now });
  await migrateGraphile(bench.url);
  const line = createLineSender(
    new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.baseUrl }),
    () => now,
  );
  // The worker is running before the broadcast, as in production: it learns of the jobs by LISTEN/NOTIFY.
  const delivery = await startGraphileDelivery(deps, new Map([['line', line]]), { connectionString: bench.url });
  let succeeded = 0;
  let failedJobs = 0;
  let allDone: () => void = () => {};
  const done = new Promise<void>((resolve) => (allDone = resolve));
  let expected = Infinity;
  delivery.events.on('job:success', () => {
    if (++succeeded >= expected) allDone();
  });
  delivery.events.on('job:error', () => failedJobs++);

  const started = performance.now();
  const { broadcastId, jobs } = await db.transaction(async (tx) => {
    const id = await broadcastToCounty(tx, deps, {
      staffId,
      category: 'general',
      body: '군민 여러분, 내일 오전 10시 민방위 훈련이 있습니다.',
    });
    return { broadcastId: id, jobs: await enqueueBroadcastJobs(tx, id) };
  });
  const fannedOut = performance.now();
  expected = jobs;
  if (succeeded >= expected) allDone();
  await done;
  const finished = performance.now();
  await delivery.stop();
  const batchRows = like(outbox.batchKey, `broadcast:${broadcastId}:%`);
  const sent = await db.$count(outbox, and(eq(outbox.status, 'sent'), batchRows));

  const floorStarted = performance.now();
  await db.execute(sql`
    insert into outbox (dedupe_key, platform, chat_type, chat_id, purpose, messages_enc, next_attempt_at, created_at, status)
    select 'floor:' || g, 'line', 'direct', 'U' || g, 'floor', ${cipher.encrypt('[]')}, now(), now(), 'sent' from generate_series(1, ${RESIDENTS}) g`);
  const floor = performance.now() - floorStarted;
  await db.delete(outbox).where(inArray(outbox.purpose, ['floor']));

  const wall = finished - started;
  const multicasts = emulator.requests.filter((r) => r.path === '/v2/bot/message/multicast');
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `broadcast fan-out on graphile-worker: ${RESIDENTS.toLocaleString()} residents in ${VILLAGES} villages, LINE multicast, PostgreSQL`,
  );
  console.log(
    `creation → last delivery recorded : ${s(wall)} (fan-out and ${jobs} jobs ${s(fannedOut - started)}, delivery ${s(finished - fannedOut)})`,
  );
  console.log(`floor: one insert of ${RESIDENTS.toLocaleString()} rows : ${s(floor)}`);
  console.log(`ratio                             : ${(wall / floor).toFixed(1)}× the floor (target within 3×)`);
  console.log(
    `delivered                         : ${sent.toLocaleString()} recorded sent; ${new Set(emulator.delivered.map((d) => d.to)).size.toLocaleString()} residents reached at the emulator in ${multicasts.length} requests (max ${Math.max(...multicasts.map((r) => (r.body as { to: string[] }).to.length))} recipients); ${failedJobs} job errors`,
  );
  console.log(`peak memory (rss)                 : ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
} finally {
  clearInterval(sampler);
  await emulator.close();
  await bench.drop();
}
