/**
 * The guarantees the graphile-worker variant (bench/graphile.delivery.ts) must carry, checked on a small county:
 * 1,500 LINE residents who also linked the web chat; one broadcast whose first multicast LINE refuses for good (400)
 * and whose second fails once (500). Expected: the refused batch's 500 rows recorded failed and each resident
 * reached once on their next platform; the failed request retried by graphile under the same retry key; nobody
 * reached twice. Then a non-urgent broadcast at 22:00 county time: held, its jobs due at 07:00, nothing sent.
 * Prints each check and exits non-zero if one fails.
 *
 *   node bench/graphile.guarantees.ts   (BENCH_DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/postgres)
 */
import { messagingApi } from '@line/bot-sdk';
import { and, eq, isNotNull, like, sql } from 'drizzle-orm';
import { createLineSender } from '../bots/line/line.sender.ts';
import type { ChannelSender } from '../core/channel/channel.port.ts';
import { createCipher, generateKey } from '../core/privacy/cipher.ts';
import { identities, outbox } from '../db/schema/index.ts';
import { startLineEmulator } from '../test/line/line.emulator.ts';
import { broadcastToCounty, createBenchDatabase, seedCounty, silent, sleep } from './bench.support.ts';
import { enqueueBroadcastJobs, migrateGraphile, startGraphileDelivery } from './graphile.delivery.ts';

const RESIDENTS = 1_500;
const TOKEN = 'guarantees-token';
const bench = await createBenchDatabase('maeul_gw_guarantees');
const emulator = await startLineEmulator({ channelAccessToken: TOKEN });
let failures = 0;
const check = (name: string, ok: boolean, detail: string) => {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
};
try {
  const db = bench.database.db;
  const cipher = createCipher(Buffer.from(generateKey(), 'base64'));
  let now = new Date();
  const deps = { db, cipher, clock: { now: () => now }, logger: silent, timezone: 'Asia/Seoul' };
  const { staffId } = await seedCounty(db, cipher, { residents: RESIDENTS, now });
  // Every resident also linked the web chat, used longer ago: their next platform.
  await db.execute(sql`
    insert into ${identities} (member_id, platform, platform_user_id, last_seen_at)
    select member_id, 'websim', 'web-' || member_id, ${new Date(now.getTime() - 86_400_000).toISOString()}::timestamptz
    from ${identities} where platform = 'line'`);
  await migrateGraphile(bench.url);
  const web: string[] = [];
  const websim: ChannelSender = {
    platform: 'websim',
    canPush: true,
    send: async (request) => {
      web.push(request.to.id);
      return { ok: true };
    },
  };
  const line = createLineSender(
    new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.baseUrl }),
    () => new Date(),
  );
  const senders = new Map<string, ChannelSender>([
    ['line', line],
    ['websim', websim],
  ]);
  const delivery = await startGraphileDelivery(deps, senders, { connectionString: bench.url, pollInterval: 200 });
  emulator.failNext(1, { status: 400, body: { message: 'refused' } });
  emulator.failNext(1, { status: 500 });
  const first = await db.transaction(async (tx) => {
    const id = await broadcastToCounty(tx, deps, { staffId, category: 'general', body: '마을 대청소 안내' });
    await enqueueBroadcastJobs(tx, id);
    return id;
  });
  const rowsOf = (id: number) => like(outbox.batchKey, `broadcast:${id}:%`);
  const deadline = performance.now() + 60_000;
  const settled = async () => {
    const open = await db.$count(outbox, sql`${outbox.status} in ('queued', 'retrying')`);
    return open === 0 && web.length >= 500;
  };
  while (!(await settled()) && performance.now() < deadline) await sleep(100);
  const sent = await db.$count(outbox, and(rowsOf(first), eq(outbox.status, 'sent')));
  const failed = await db.$count(outbox, and(rowsOf(first), eq(outbox.status, 'failed')));
  const fallbacks = await db.$count(outbox, and(isNotNull(outbox.fallbackOf), eq(outbox.status, 'sent')));
  const multicasts = emulator.requests.filter((r) => r.path === '/v2/bot/message/multicast');
  const keys = multicasts.map((r) => r.headers['x-line-retry-key']);
  const reachedLine = emulator.delivered.map((d) => d.to);
  check('per-recipient outcomes', sent === 1000 && failed === 500, `${sent} rows sent, ${failed} failed (400)`);
  check(
    'fallback on a permanent failure',
    fallbacks === 500 && new Set(web).size === 500,
    `${fallbacks} fallback rows sent, ${new Set(web).size} residents reached on the web chat`,
  );
  check(
    'a retry is the same request',
    multicasts.length === 4 && new Set(keys).size === 3,
    `${multicasts.length} multicasts (statuses ${multicasts.map((r) => r.status).join(', ')}) under ${new Set(keys).size} retry keys`,
  );
  check(
    'nobody twice',
    new Set(reachedLine).size === reachedLine.length && new Set(web).size === web.length && reachedLine.length === 1000,
    `${reachedLine.length} LINE deliveries to ${new Set(reachedLine).size} residents, ${web.length} on the web chat`,
  );

  // Quiet hours: tomorrow 22:00 in Seoul (13:00 UTC), not urgent: held until 07:00 (22:00 UTC).
  const tomorrow = new Date(Date.now() + 86_400_000);
  now = new Date(`${tomorrow.toISOString().slice(0, 10)}T13:00:00Z`);
  const before = emulator.requests.length;
  const second = await db.transaction(async (tx) => {
    const id = await broadcastToCounty(tx, deps, { staffId, category: 'general', body: '내일 아침 안내' });
    await enqueueBroadcastJobs(tx, id);
    return id;
  });
  await sleep(2_000);
  const held = (await db.execute(sql`
    select count(*)::int as n, min(run_at) as run_at from graphile_worker.jobs
    where task_identifier = 'deliver_batch' and key like ${`broadcast:${second}:%`}`)) as unknown as {
    n: number;
    run_at: Date;
  }[];
  const runAt = held[0]?.run_at ? new Date(held[0].run_at).toISOString() : 'none';
  check(
    'quiet hours hold',
    emulator.requests.length === before && runAt === `${tomorrow.toISOString().slice(0, 10)}T22:00:00.000Z`,
    `${held[0]?.n ?? 0} jobs due at ${runAt} (07:00 in Seoul), ${emulator.requests.length - before} requests meanwhile`,
  );
  await delivery.stop();
} finally {
  await emulator.close();
  await bench.drop();
}
process.exitCode = failures ? 1 : 0;
