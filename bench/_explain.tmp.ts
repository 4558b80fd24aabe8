import { and, asc, eq, inArray, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { sendBroadcast } from '../core/broadcasts/broadcast.usecases.ts';
import { createCipher, generateKey } from '../core/privacy/cipher.ts';
import { openPostgres } from '../db/db.client.ts';
import { counties, districts, members, outbox, villages } from '../db/schema/index.ts';
import { seedResidents } from '../test/support/residents.seed.ts';
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
const dbName = `maeul_explain_${Date.now()}`;
await admin.unsafe(`create database ${dbName}`);
const database = await openPostgres(`postgres://postgres@127.0.0.1:5432/${dbName}`, { max: 2 });
try {
  const db = database.db;
  const cipher = createCipher(Buffer.from(generateKey(), 'base64'));
  const now = new Date('2026-11-24T01:00:00Z');
  const deps = { db, cipher, clock: { now: () => now }, logger: { debug() {}, info() {}, warn() {}, error() {} }, timezone: 'Asia/Seoul' };
  await db.insert(counties).values({ code: 'j', nameKo: '증평군' });
  await db.insert(districts).values({ code: 'e', countyCode: 'j', nameKo: '증평읍', nameEn: 'E', kind: 'eup' });
  const villageIds = (await db.insert(villages).values(Array.from({ length: 112 }, (_, i) => ({ districtCode: 'e', nameKo: `${i + 1}리` }))).returning({ id: villages.id })).map((v) => v.id);
  await seedResidents(db, cipher, { count: 37000, platform: 'line', villageIds, now });
  const [staff] = await db.insert(members).values({}).returning({ id: members.id });
  const t0 = performance.now();
  await db.transaction((tx) => sendBroadcast({ tx, deps, sender: { memberId: staff?.id ?? 0, grants: [{ role: 'county_staff', villageId: null, districtCode: null }], label: 'x' }, scope: { kind: 'county' }, category: 'general', body: 'hi' }));
  console.log('fanout', performance.now() - t0);
  const client = postgres(`postgres://postgres@127.0.0.1:5432/${dbName}`, { max: 1 });
  for (const [label, q] of [
    ['lease all', "update outbox set lease_until = now() + interval '1 minute', attempts = attempts + 1 where purpose = 'broadcast'"],
    ['sent all', "update outbox set status = 'sent', sent_at = now(), lease_until = null, last_error = null where purpose = 'broadcast'"],
  ]) {
    const t = performance.now();
    await client.unsafe(q as string);
    console.log(label, (performance.now() - t).toFixed(0), 'ms');
  }
  await client.end();
} finally {
  await database.close();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
