/**
 * LINE webhook throughput and latency: the full server on PostgreSQL (verify, store, acknowledge; handling and
 * replies run behind) against a bare express endpoint that only checks the signature, in the same run.
 * Prints requests/s, p50 and p99 for each, their ratio, p99 at a steady 500 requests/s, and how long one body of
 * 1,000 events waits for its 200.
 *
 *   npm run bench:line            (BENCH_DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/postgres)
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import postgres from 'postgres';
import { generateKey } from '../core/privacy/cipher.ts';
import { startLineEmulator } from '../test/line/line.emulator.ts';
import { lineId, lineTextEvent, lineWebhookBody, signLineBody } from '../test/line/line.webhook.sender.ts';

const SECRET = 'bench-secret';
const TOKEN = 'bench-token';
const THROUGHPUT_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const RATE = 500;
const RATE_SECONDS = 5;

type Body = { raw: Buffer; signature: string };

function bodies(n: number): Body[] {
  return Array.from({ length: n }, (_, i) => {
    // A new resident each time: the full path (identity created, help menu, reply queued) is exercised.
    const raw = Buffer.from(
      JSON.stringify(
        lineWebhookBody('Ubench', [lineTextEvent({ userId: `Ubench${i}-${randomUUID()}`, text: '안녕하세요' })]),
      ),
    );
    return { raw, signature: signLineBody(SECRET, raw) };
  });
}

async function hit(url: string, body: Body): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-line-signature': body.signature },
    body: body.raw,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return performance.now() - started;
}

async function closedLoop(url: string, list: Body[]): Promise<{ rps: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < list.length) latencies.push(await hit(url, list[next++] as Body));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { rps: list.length / seconds, ...percentiles(latencies) };
}

/** Open loop: a request every 2 ms whatever the answers, as LINE would send them. */
async function steadyRate(url: string, list: Body[]): Promise<{ p50: number; p99: number; achieved: number }> {
  const latencies: Promise<number>[] = [];
  const started = performance.now();
  for (let i = 0; i < list.length; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    latencies.push(hit(url, list[i] as Body));
  }
  const done = await Promise.all(latencies);
  return { ...percentiles(done), achieved: list.length / ((performance.now() - started) / 1000) };
}

/** One body of 1,000 events (LINE sets no limit): chatter in group chats the bot is not addressed in, so no replies. */
function bigBody(): Body {
  const groups = Array.from({ length: 10 }, () => lineId('C'));
  const events = Array.from({ length: 1000 }, (_, i) =>
    lineTextEvent({ userId: lineId('U'), groupId: groups[i % 10], text: `오늘 날씨 좋네요 ${i}` }),
  );
  const raw = Buffer.from(JSON.stringify(lineWebhookBody('Ubench', events)));
  return { raw, signature: signLineBody(SECRET, raw) };
}

function percentiles(values: number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

/** Waits until the server has answered every event (its replies reached the emulator), so runs do not overlap. */
async function drained(emulator: { delivered: unknown[] }, expected: number): Promise<void> {
  for (let i = 0; emulator.delivered.length < expected && i < 1200; i++) await new Promise((r) => setTimeout(r, 100));
}

/** Each server runs in a process of its own, as in production; this process only sends (and plays LINE). */
async function spawnServer(
  script: string,
  env: Record<string, string>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  // BENCH_SERVER_ARGS passes node flags to the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile them.
  const nodeArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      if (i > 300) throw new Error(`${script} did not start`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `${url}/webhooks/line`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// The machine is shared (2 cores): its load, before and after, says how much the figures are worth.
const loadBefore = loadavg()[0] ?? 0;
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `maeul_bench_${Date.now()}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${dbName}`;
const emulator = await startLineEmulator({ channelAccessToken: TOKEN });
const app = await spawnServer('bots/main.ts', {
  DATABASE_URL: dbUrl.toString(),
  MAEUL_SECRET_KEY: generateKey(),
  LINE_CHANNEL_SECRET: SECRET,
  LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
  LINE_API_BASE_URL: emulator.baseUrl,
});
const bare = await spawnServer('bench/line.bare.server.ts', { LINE_CHANNEL_SECRET: SECRET });
try {
  const full = app.url;
  await closedLoop(bare.url, bodies(300)); // warm-up
  await closedLoop(full, bodies(300));
  const bareResult = await closedLoop(bare.url, bodies(THROUGHPUT_REQUESTS));
  const fullResult = await closedLoop(full, bodies(THROUGHPUT_REQUESTS));
  await drained(emulator, THROUGHPUT_REQUESTS + 300);
  const bareSteady = await steadyRate(bare.url, bodies(RATE * RATE_SECONDS));
  const steady = await steadyRate(full, bodies(RATE * RATE_SECONDS));
  await drained(emulator, THROUGHPUT_REQUESTS + 300 + RATE * RATE_SECONDS);
  const big = await hit(full, bigBody());
  const f = (n: number) => n.toFixed(1);
  console.log(
    `LINE webhook, ${THROUGHPUT_REQUESTS} signed text events, ${CONCURRENCY} concurrent, PostgreSQL; load average ${loadBefore.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)}`,
  );
  console.log(
    `bare signature check : ${f(bareResult.rps)} req/s  p50 ${f(bareResult.p50)} ms  p99 ${f(bareResult.p99)} ms`,
  );
  console.log(
    `full server          : ${f(fullResult.rps)} req/s  p50 ${f(fullResult.p50)} ms  p99 ${f(fullResult.p99)} ms`,
  );
  console.log(`throughput ratio     : ${(fullResult.rps / bareResult.rps).toFixed(2)} (target >= 0.60)`);
  console.log(
    `steady ${RATE} req/s, ${RATE_SECONDS} s, bare : p50 ${f(bareSteady.p50)} ms  p99 ${f(bareSteady.p99)} ms`,
  );
  console.log(
    `steady ${RATE} req/s, ${RATE_SECONDS} s, full : achieved ${f(steady.achieved)} req/s  p50 ${f(steady.p50)} ms  p99 ${f(steady.p99)} ms (target p99 < 50 ms)`,
  );
  console.log(`one body of 1,000 events: answered 200 after ${f(big)} ms (target < 1,000 ms)`);
  await drained(emulator, THROUGHPUT_REQUESTS + 300 + RATE * RATE_SECONDS);
  console.log(
    `every event answered : ${emulator.delivered.length >= THROUGHPUT_REQUESTS + 300 + RATE * RATE_SECONDS ? 'yes' : 'no'} (${emulator.delivered.length} replies at the LINE emulator)`,
  );
} finally {
  await app.stop();
  await bare.stop();
  await emulator.close();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
