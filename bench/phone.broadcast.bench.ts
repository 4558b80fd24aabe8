/**
 * A 긴급 broadcast to 37,000 households by SMS (issue 17): every resident's only identity is the phone, with consent,
 * over 112 villages, on PostgreSQL, sent through SOLAPI's REST API to the emulator (10,000 messages a request at
 * most). Prints the seconds from creation until every message was accepted by the emulator (and recorded), the
 * requests used (target: 4 or fewer), the floor (one batched insert of 37,000 delivery rows), their ratio, peak RSS.
 *
 *   npm run bench:phone        (BENCH_DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/postgres)
 */
import { seedCounty, VILLAGES } from './bench.support.ts';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createPhoneSender } from '../bots/phone/phone.sender.ts';
import { createSolapiClient } from '../bots/phone/solapi.client.ts';
import { sendBroadcast } from '../core/broadcasts/broadcast.usecases.ts';
import { registerRequestLimit } from '../core/channel/platform.facts.ts';
import { createDeliveryWorker } from '../core/delivery/delivery.worker.ts';
import { createCipher, generateKey } from '../core/privacy/cipher.ts';
import { openPostgres } from '../db/db.client.ts';
import { startSolapiEmulator } from '../test/phone/solapi.emulator.ts';

const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 37_000);
const KEY = 'NCSBENCHKEY00001';
const SECRET = 'bench-secret-0123456789';
const FROM = '0336803114';
const silent = { debug() {}, info() {}, warn() {}, error() {} };

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `maeul_phone_${Date.now()}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const database = await openPostgres(url.toString(), { max: 10 });
const emulator = await startSolapiEmulator({ apiKey: KEY, apiSecret: SECRET, senderNumbers: [FROM] });
try {
  const db = database.db;
  const cipher = createCipher(Buffer.from(generateKey(), 'base64'));
  const now = new Date('2026-11-24T01:00:00Z');
  const clock = { now: () => now };
  const deps = { db, cipher, clock, logger: silent, timezone: 'Asia/Seoul' };
  const { staffId } = await seedCounty(db, cipher, { residents: RESIDENTS, now, platform: 'phone' });
  // Households without a chat app: the phone identity is the number's blind index, with consent to text.
  await db.execute(sql`update identities i set platform_user_id = r.mobile_hash, last_seen_at = null
    from registrations r where r.member_id = i.member_id and i.platform = 'phone'`);
  await db.execute(sql`insert into phone_consents (member_id, mode, source, consented_at, updated_at)
    select member_id, 'sms', 'proxy', now(), now() from registrations`);
  const sender = createPhoneSender({
    provider: createSolapiClient({ apiKey: KEY, apiSecret: SECRET, baseUrl: emulator.baseUrl }),
    deps,
    from: FROM,
  });
  // As the composition root does for every channel it starts: batches are cut to what one request takes.
  registerRequestLimit('phone', sender.multicastLimit);

  const started = performance.now();
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
      body: '호우 경보: 하천과 계곡에 가지 마세요.',
    }),
  );
  const fannedOut = performance.now();
  await createDeliveryWorker(deps, new Map([['phone', sender]])).flush();
  const finished = performance.now();
  if (result.kind !== 'sent') throw new Error(result.kind);
  const accepted = emulator.messages.length;
  const reached = new Set(emulator.messages.map((m) => m.to)).size;
  const sends = emulator.requests.filter((r) => r.path === '/messages/v4/send-many/detail');
  const [recorded] = (await db.execute(
    sql`select count(*)::int as n from phone_messages where status = 'accepted'`,
  )) as unknown as { n: number }[];

  const floorStarted = performance.now();
  await db.execute(sql`
    insert into outbox (dedupe_key, platform, chat_type, chat_id, purpose, messages_enc, next_attempt_at, created_at, status)
    select 'floor:' || g, 'phone', 'direct', 'P' || g, 'floor', ${cipher.encrypt('[]')}, now(), now(), 'sent' from generate_series(1, ${RESIDENTS}) g`);
  const floor = performance.now() - floorStarted;
  await db.execute(sql`delete from outbox where purpose = 'floor'`);

  const wall = finished - started;
  console.log(
    `긴급 broadcast by SMS: ${RESIDENTS.toLocaleString()} households in ${VILLAGES} villages, SOLAPI emulator, PostgreSQL`,
  );
  console.log(
    `creation → all accepted & recorded : ${(wall / 1000).toFixed(2)} s (fan-out ${((fannedOut - started) / 1000).toFixed(2)} s, delivery ${((finished - fannedOut) / 1000).toFixed(2)} s)`,
  );
  console.log(
    `requests used                      : ${sends.length} send-many requests (max ${Math.max(...sends.map((r) => r.count ?? 0)).toLocaleString()} messages; target ≤ 4)`,
  );
  console.log(`floor: one insert of ${RESIDENTS.toLocaleString()} rows  : ${(floor / 1000).toFixed(2)} s`);
  console.log(`ratio                              : ${(wall / floor).toFixed(1)}× the floor (target within 3×)`);
  console.log(
    `accepted                           : ${accepted.toLocaleString()} messages to ${reached.toLocaleString()} numbers; ${recorded?.n.toLocaleString()} recorded per recipient`,
  );
  console.log(`peak memory (rss)                  : ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
} finally {
  clearInterval(sampler);
  await emulator.close();
  await database.close();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
