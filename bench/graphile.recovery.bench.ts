/**
 * `npm run bench:recovery` with the queue on graphile-worker (issue 15 item 7, bench/graphile.delivery.ts): an urgent
 * county-wide broadcast to 20,000 LINE residents (the emulator answering each multicast after 300 ms) delivered by a
 * graphile-worker process; at about 40% it is killed with SIGKILL and a new one started at once. Prints the seconds
 * from the restart to the next LINE request and the next delivery recorded (target ≤ 5 s), and the residents
 * reached twice (0) and missed (0).
 *
 *   npm run bench:recovery:graphile   (BENCH_DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/postgres)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { and, eq, like } from 'drizzle-orm';
import { createCipher, generateKey, parseKey } from '../core/privacy/cipher.ts';
import { outbox } from '../db/schema/index.ts';
import { startLineEmulator } from '../test/line/line.emulator.ts';
import { broadcastToCounty, createBenchDatabase, seedCounty, silent, sleep } from './bench.support.ts';
import { enqueueBroadcastJobs, migrateGraphile } from './graphile.delivery.ts';

const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 20_000);
const KILL_AT = Number(process.env.BENCH_KILL_AT ?? 0.4);
const LINE_DELAY_MS = Number(process.env.BENCH_LINE_DELAY_MS ?? 300);
const TOKEN = 'recovery-token';
const TEXT = '긴급: 하천 범람 우려, 저지대 주민은 대피해 주십시오.';

const bench = await createBenchDatabase('maeul_gw_recovery', { max: 4 });
const emulator = await startLineEmulator({ channelAccessToken: TOKEN });
const key = generateKey();
const children: ChildProcess[] = [];
const startWorker = () => {
  const child = fork(new URL('./graphile.recovery.worker.ts', import.meta.url), [bench.url, emulator.baseUrl, TOKEN], {
    env: { ...process.env, MAEUL_BENCH_KEY: key },
  });
  children.push(child);
  return child;
};
try {
  const db = bench.database.db;
  const cipher = createCipher(parseKey(key));
  const deps = { db, cipher, clock: { now: () => new Date() }, logger: silent, timezone: 'Asia/Seoul' };
  const { staffId } = await seedCounty(db, cipher, { residents: RESIDENTS, now: new Date() });
  await migrateGraphile(bench.url);
  // Urgent: sent at once whatever the residents' quiet hours.
  const broadcastId = await db.transaction(async (tx) => {
    const id = await broadcastToCounty(tx, deps, { staffId, category: 'urgent', body: TEXT });
    await enqueueBroadcastJobs(tx, id);
    return id;
  });
  const sentCount = async () =>
    db.$count(outbox, and(like(outbox.batchKey, `broadcast:${broadcastId}:%`), eq(outbox.status, 'sent')));
  const reached = () => new Set(emulator.delivered.map((d) => d.to)).size;

  emulator.delayNext(100_000, LINE_DELAY_MS);
  const first = startWorker();
  while (reached() < RESIDENTS * KILL_AT) await sleep(5);
  first.kill('SIGKILL');
  const killedAt = performance.now();
  const reachedAtKill = reached();
  await new Promise((resolve) => first.once('exit', resolve));
  const requestsAtKill = emulator.requests.length;
  const recordedAtKill = await sentCount();

  const restartedAt = performance.now();
  let bootedAt: number | undefined;
  let claimedAt: number | undefined;
  startWorker().on('message', (message) => {
    if (message === 'started') bootedAt = performance.now();
    if (message === 'claimed') claimedAt = performance.now();
  });
  let nextRequest: number | undefined;
  let nextRecorded: number | undefined;
  let done: number | undefined;
  const deadline = restartedAt + Number(process.env.BENCH_DEADLINE_S ?? 180) * 1000;
  while (done === undefined && performance.now() < deadline) {
    const sent = await sentCount();
    const t = performance.now();
    if (nextRequest === undefined && emulator.requests.length > requestsAtKill) nextRequest = t;
    if (nextRecorded === undefined && sent > recordedAtKill) nextRecorded = t;
    if (sent >= RESIDENTS) done = t;
    else await sleep(20);
  }
  const counts = new Map<string, number>();
  for (const d of emulator.delivered)
    if (d.message.text?.includes('하천 범람')) counts.set(d.to, (counts.get(d.to) ?? 0) + 1);
  const twice = [...counts.values()].filter((n) => n > 1).length;
  const multicasts = emulator.requests.filter((r) => r.path === '/v2/bot/message/multicast');
  const s = (ms: number | undefined, from: number) =>
    ms === undefined ? 'never' : `${((ms - from) / 1000).toFixed(2)} s`;
  console.log(
    `delivery recovery on graphile-worker: ${RESIDENTS.toLocaleString()} LINE residents, urgent broadcast, PostgreSQL, LINE answering after ${LINE_DELAY_MS} ms`,
  );
  console.log(
    `killed (SIGKILL) at                 : ${reachedAtKill.toLocaleString()} residents reached (${((reachedAtKill / RESIDENTS) * 100).toFixed(0)}%), ${recordedAtKill.toLocaleString()} recorded sent`,
  );
  console.log(`restart → worker process running    : ${s(bootedAt, restartedAt)} (node, modules)`);
  console.log(`restart → first job started         : ${s(claimedAt, restartedAt)}`);
  console.log(`restart → next LINE request         : ${s(nextRequest, restartedAt)}`);
  console.log(`restart → next delivery recorded    : ${s(nextRecorded, restartedAt)} (target ≤ 5 s)`);
  console.log(`restart → broadcast settled         : ${s(done, restartedAt)} (kill → settled ${s(done, killedAt)})`);
  console.log(`reached twice                       : ${twice} (target 0)`);
  console.log(`missed                              : ${RESIDENTS - counts.size} (target 0)`);
  console.log(
    `LINE requests                       : ${multicasts.length} multicasts, ${multicasts.filter((r) => r.status === 409).length} answered 409 (retries of requests LINE had taken)`,
  );
} finally {
  for (const child of children) child.kill('SIGKILL');
  await emulator.close();
  await bench.drop();
}
