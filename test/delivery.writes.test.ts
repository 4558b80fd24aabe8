import { messagingApi } from '@line/bot-sdk';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createLineSender } from '../bots/line/line.sender.ts';
import { rowsOf } from '../core/broadcasts/broadcast.audience.repository.ts';
import { sendBroadcast } from '../core/broadcasts/broadcast.usecases.ts';
import type { ChannelSender } from '../core/channel/channel.port.ts';
import type { CoreDeps } from '../core/core.deps.ts';
import { createDeliveryWorker } from '../core/delivery/delivery.worker.ts';
import { enqueue } from '../core/delivery/outbox.write.ts';
import type { DatabaseHandle } from '../db/db.client.ts';
import { identities } from '../db/schema/index.ts';
import { startLineEmulator, type LineEmulator } from './line/line.emulator.ts';
import { allVillageIds, seedResidents } from './support/residents.seed.ts';
import { createTestClock } from './support/test.clock.ts';
import { createTestDatabase } from './support/test.database.ts';
import { testCipher } from './support/test.keys.ts';

/**
 * Issue 15 item 3: a recipient's outbox row is written twice — created, and with its outcome — however many are
 * claimed together; claiming writes one row per batch or lease (delivery_requests), not one per recipient. A trigger
 * of this test's own database counts the updates of every outbox row (statement-level facts, the same on PGlite and
 * PostgreSQL); on PostgreSQL the table's own statistics must agree.
 */
const RESIDENTS = 1_100; // three batches: 500, 500, 100
const TOKEN = 'writes-token';
const silent = { debug() {}, info() {}, warn() {}, error() {} };
let database: DatabaseHandle;
let deps: CoreDeps;
let emulator: LineEmulator;
const clock = createTestClock('2026-11-24T01:00:00Z'); // 10:00 KST: nobody's quiet hours

beforeAll(async () => {
  database = await createTestDatabase();
  deps = { db: database.db, cipher: testCipher(), clock, logger: silent, timezone: 'Asia/Seoul' };
  emulator = await startLineEmulator({ channelAccessToken: TOKEN });
  await seedResidents(database.db, deps.cipher, {
    count: RESIDENTS,
    platform: 'line',
    villageIds: await allVillageIds(database.db),
    now: clock.now(),
  });
  await database.db.execute(sql`create table test_outbox_updates (id int primary key, n int not null)`);
  await database.db.execute(sql`create function test_count_outbox_update() returns trigger language plpgsql as $$
    begin
      insert into test_outbox_updates values (new.id, 1) on conflict (id) do update set n = test_outbox_updates.n + 1;
      return new;
    end $$`);
  await database.db.execute(
    sql`create trigger test_outbox_updates after update on outbox for each row execute function test_count_outbox_update()`,
  );
}, 120_000);
afterAll(async () => {
  await emulator.close();
  await database.close();
});

/** How many rows were updated how many times: {times: rows}, over the given outbox rows (never updated: 0). */
async function updatesOf(where: ReturnType<typeof sql>): Promise<Record<number, number>> {
  const rows = rowsOf<{ times: number; rows: number }>(
    await database.db.execute(sql`
      select coalesce(u.n, 0)::int as times, count(*)::int as rows
      from outbox o left join test_outbox_updates u on u.id = o.id
      where ${where} group by 1 order by 1`),
  );
  return Object.fromEntries(rows.map((r) => [r.times, r.rows]));
}

async function requestsWritten(): Promise<{ kind: string; platform: string | null; n: number }[]> {
  return rowsOf<{ kind: string; platform: string | null; n: number }>(
    await database.db.execute(
      sql`select kind, platform, count(*)::int as n from delivery_requests group by kind, platform order by kind, platform`,
    ),
  );
}

describe('how often delivery writes a recipient’s outbox row', () => {
  test(`a broadcast to ${RESIDENTS.toLocaleString()} LINE residents: each row is updated once (its outcome), and each of the 3 batches is one request row`, async () => {
    const [staff] = await database.db.select().from(identities).where(eq(identities.platformUserId, 'staff-county'));
    const result = await database.db.transaction((tx) =>
      sendBroadcast({
        tx,
        deps,
        sender: {
          memberId: staff?.memberId ?? -1,
          grants: [{ role: 'county_staff', villageId: null, districtCode: null }],
          label: '고성군청',
        },
        scope: { kind: 'county' },
        category: 'urgent', // everyone at once, whatever their quiet hours
        body: '쓰기 횟수 시험',
      }),
    );
    if (result.kind !== 'sent') throw new Error(result.kind);
    const line = createLineSender(
      new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.baseUrl }),
      () => clock.now(),
    );
    // Small claims, so that the broadcast takes several claims and passes, as a second worker would see it.
    await createDeliveryWorker(deps, new Map([['line', line]]), { batchSize: 20 }).flush();
    const lineRows = sql`o.platform = 'line' and o.purpose = 'broadcast'`;
    expect(await updatesOf(lineRows)).toEqual({ 1: RESIDENTS });
    expect(await updatesOf(sql`${lineRows} and o.status = 'sent'`)).toEqual({ 1: RESIDENTS });
    expect((await requestsWritten()).find((r) => r.kind === 'batch' && r.platform === 'line')?.n).toBe(3);
    // PostgreSQL's own count of the table's updates (this database is new: nothing else updated it) agrees.
    const counted =
      rowsOf<{ n: number }>(
        await database.db.execute(sql`select coalesce(sum(n), 0)::int as n from test_outbox_updates`),
      )[0]?.n ?? 0;
    const stats = await outboxUpdateStats(counted);
    if (stats) expect(stats.updated).toBe(counted);
  }, 120_000);

  test('messages sent one by one (a claim of several, on a platform without multicast): each row is updated once', async () => {
    const sender: ChannelSender = { platform: 'fake', canPush: true, send: async () => ({ ok: true }) };
    for (let i = 0; i < 30; i++)
      await enqueue(database.db, deps, {
        dedupeKey: `writes:single:${i}`,
        to: { platform: 'fake', type: 'direct', id: `chat-${i % 7}` },
        purpose: 'report.staff',
        messages: [{ text: `${i}번째 소식` }],
      });
    await createDeliveryWorker(deps, new Map([['fake', sender]]), { batchSize: 8 }).flush();
    expect(await updatesOf(sql`o.platform = 'fake'`)).toEqual({ 1: 30 });
    // The leases that held them went with their claims.
    expect((await requestsWritten()).find((r) => r.kind === 'lease')).toBeUndefined();
  });
});

/**
 * PostgreSQL's own count of updated outbox rows, once its statistics have caught up with `expected` (sessions flush
 * them when idle, within ~10 s); null on PGlite, where the trigger alone counts.
 */
async function outboxUpdateStats(expected: number): Promise<{ updated: number; hot: number } | null> {
  if (!inject('pgTemplateUrl')) return null;
  let row: { updated: number; hot: number } | undefined;
  for (let i = 0; i < 60 && (row?.updated ?? 0) < expected; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    [row] = rowsOf<{ updated: number; hot: number }>(
      await database.db.execute(
        sql`select n_tup_upd::int as updated, n_tup_hot_upd::int as hot from pg_stat_user_tables where relname = 'outbox'`,
      ),
    );
  }
  return row ?? null;
}
