/**
 * Recovery after a crash: a county-wide broadcast to 20,000 LINE residents (the emulator, each multicast answered
 * after 300 ms so that the broadcast takes a few seconds) is being delivered by a worker process; at about 40% that
 * process is killed with SIGKILL and a new one started at once. Prints the seconds from the restart to the next
 * LINE request and to the next delivery recorded (target ≤ 5 s), and the residents reached twice (0) and missed (0).
 *
 *   npm run bench:recovery      (BENCH_DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/postgres)
 */
import { seedCounty } from './bench.support.ts';
import { fork, type ChildProcess } from 'node:child_process';
import { and, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { sendBroadcast } from '../core/broadcasts/broadcast.usecases.ts';
import { createCipher, generateKey, parseKey } from '../core/privacy/cipher.ts';
import { openPostgres } from '../db/db.client.ts';
import { deliveryRequests, outbox } from '../db/schema/index.ts';
import { startLineEmulator } from '../test/line/line.emulator.ts';

const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 20_000);
const KILL_AT = Number(process.env.BENCH_KILL_AT ?? 0.4);
const LINE_DELAY_MS = Number(process.env.BENCH_LINE_DELAY_MS ?? 300);
const TOKEN = 'recovery-token';
const TEXT = '긴급: 하천 범람 우려, 저지대 주민은 대피해 주십시오.';
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `maeul_recovery_${Date.now()}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const database = await openPostgres(url.toString(), { max: 4 });
const emulator = await startLineEmulator({ channelAccessToken: TOKEN });
const key = generateKey();
const children: ChildProcess[] = [];
const startWorker = () => {
  const child = fork(
    new URL('./delivery.recovery.worker.ts', import.meta.url),
    [url.toString(), emulator.baseUrl, TOKEN],
    {
      env: { ...process.env, MAEUL_BENCH_KEY: key },
    },
  );
  children.push(child);
  return child;
};
try {
  const db = database.db;
  const cipher = createCipher(parseKey(key));
  const now = new Date();
  const deps = { db, cipher, clock: { now: () => new Date() }, logger: silent, timezone: 'Asia/Seoul' };
  const { staffId } = await seedCounty(db, cipher, { residents: RESIDENTS, now });
  // Urgent: sent at once whatever the residents' quiet hours.
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
      category: 'urgent',
      body: TEXT,
    }),
  );
  if (result.kind !== 'sent') throw new Error(result.kind);
  const sentCount = async () =>
    db.$count(
      outbox,
      and(eq(outbox.subjectKind, 'broadcast'), eq(outbox.subjectId, result.broadcastId), eq(outbox.status, 'sent')),
    );
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
  const deadline = restartedAt + 180_000;
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
  const requests = await db.$count(deliveryRequests);
  console.log(
    `delivery recovery: ${RESIDENTS.toLocaleString()} LINE residents, urgent broadcast, PostgreSQL, LINE answering after ${LINE_DELAY_MS} ms`,
  );
  console.log(
    `killed (SIGKILL) at                 : ${reachedAtKill.toLocaleString()} residents reached (${((reachedAtKill / RESIDENTS) * 100).toFixed(0)}%), ${recordedAtKill.toLocaleString()} recorded sent`,
  );
  console.log(`restart → worker process running    : ${s(bootedAt, restartedAt)} (node, modules, database connection)`);
  console.log(`restart → first claim stored        : ${s(claimedAt, restartedAt)}`);
  console.log(`restart → next LINE request         : ${s(nextRequest, restartedAt)}`);
  console.log(`restart → next delivery recorded    : ${s(nextRecorded, restartedAt)} (target ≤ 5 s)`);
  console.log(`restart → broadcast settled         : ${s(done, restartedAt)} (kill → settled ${s(done, killedAt)})`);
  console.log(`reached twice                       : ${twice} (target 0)`);
  console.log(`missed                              : ${RESIDENTS - counts.size} (target 0)`);
  console.log(
    `LINE requests                       : ${multicasts.length} multicasts, ${multicasts.filter((r) => r.status === 409).length} answered 409 (retries of requests LINE had taken); ${requests} requests stored`,
  );
} finally {
  for (const child of children) child.kill('SIGKILL');
  await emulator.close();
  await database.close();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
