/**
 * What the delivery benchmarks share (bench/broadcast.fanout.bench.ts, bench/delivery.recovery.bench.ts and their
 * graphile-worker variants): a scratch PostgreSQL database, Jeungpyeong's 112 villages with residents on LINE, a
 * county-wide broadcast created as staff create it, and a quiet logger.
 */
import postgres from 'postgres';
import { sendBroadcast } from '../core/broadcasts/broadcast.usecases.ts';
import type { CoreDeps } from '../core/core.deps.ts';
import { openPostgres, type DatabaseHandle, type Db, type DbOrTx } from '../db/db.client.ts';
import { counties, districts, members, villages } from '../db/schema/index.ts';
import type { Cipher } from '../core/privacy/cipher.ts';
import { seedResidents } from '../test/support/residents.seed.ts';

export const silent = { debug() {}, info() {}, warn() {}, error() {} };
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Jeungpyeong-gun's villages (2023). */
export const VILLAGES = 112;

export type BenchDatabase = { url: string; database: DatabaseHandle; drop(): Promise<void> };

/** A database of its own for one run (BENCH_DATABASE_URL names the server), migrated; `drop()` removes it. */
export async function createBenchDatabase(prefix: string, options: { max?: number } = {}): Promise<BenchDatabase> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `${prefix}_${Date.now()}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString(), { max: options.max ?? 10 });
  return {
    url: url.toString(),
    database,
    async drop() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** One county, one district, `VILLAGES` villages and `residents` approved residents (on LINE unless said); a staff member. */
export async function seedCounty(
  db: Db,
  cipher: Cipher,
  input: { residents: number; now: Date; platform?: string },
): Promise<{ staffId: number }> {
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
  await seedResidents(db, cipher, {
    count: input.residents,
    platform: input.platform ?? 'line',
    villageIds,
    now: input.now,
  });
  const [staff] = await db.insert(members).values({}).returning({ id: members.id });
  return { staffId: staff?.id ?? 0 };
}

/** A county-wide broadcast by county staff, fanned out in `tx` as the staff console and chat do it. */
export async function broadcastToCounty(
  tx: DbOrTx,
  deps: CoreDeps,
  input: { staffId: number; category: 'general' | 'urgent'; body: string },
): Promise<number> {
  const result = await sendBroadcast({
    tx,
    deps,
    sender: {
      memberId: input.staffId,
      grants: [{ role: 'county_staff', villageId: null, districtCode: null }],
      label: '증평군청',
    },
    scope: { kind: 'county' },
    category: input.category,
    body: input.body,
  });
  if (result.kind !== 'sent') throw new Error(`broadcast not sent: ${result.kind}`);
  return result.broadcastId;
}
