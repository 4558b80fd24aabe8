import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import lockfile from 'proper-lockfile';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

/** The one database type the core sees; the PGlite and postgres.js drivers both satisfy it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction or the database itself: usecases accept either, so callers choose the transaction boundary. */
export type DbOrTx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export type DatabaseHandle = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** True where row locks and advisory locks protect nothing (one embedded connection). */
  singleConnection: boolean;
  ping(): Promise<void>;
  close(): Promise<void>;
};

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** PGlite loads extensions at construction; the schema's trigram index (broadcast archive search) needs pg_trgm. */
export const pgliteOptions: PGliteOptions = { extensions: { pg_trgm } };

/**
 * Extensions the generated migrations rely on. drizzle-kit does not write CREATE EXTENSION, so it runs here, before
 * the migrations, on both drivers (pg_trgm is a trusted extension: no superuser needed).
 */
const EXTENSIONS_SQL = 'create extension if not exists pg_trgm';

export class DataDirInUseError extends Error {
  constructor(dataDir: string) {
    super(
      `DATA_DIR ${dataDir} 는 이미 다른 maeul 프로세스가 쓰고 있습니다 (the embedded database in ${dataDir} is open in another maeul process). ` +
        `Stop that process, or give this one its own DATA_DIR, or set DATABASE_URL to share a PostgreSQL server.`,
    );
    this.name = 'DataDirInUseError';
  }
}

/** PostgreSQL through postgres.js when a URL is given, else embedded PGlite in dataDir; migrations applied either way. */
export async function openDatabase(opts: {
  databaseUrl?: string | undefined;
  dataDir: string;
}): Promise<DatabaseHandle> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl);
  return openPgliteDir(opts.dataDir);
}

export async function openPostgres(
  url: string,
  options: { max?: number; migrate?: boolean } = {},
): Promise<DatabaseHandle> {
  if (options.migrate !== false) await migratePostgresOnce(url);
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  const db = drizzlePostgres(client, { schema, casing: 'snake_case' });
  // Webhook acknowledgements (acknowledgementDb): opened on first use, as postgres.js connects lazily.
  const storeClient = postgres(url, { max: STORE_CONNECTIONS, onnotice: () => {} });
  const storeDb = drizzlePostgres(storeClient, { schema, casing: 'snake_case' });
  acknowledgementStores.set(db, storeDb);
  return {
    db,
    kind: 'postgres',
    singleConnection: false,
    ping: async () => {
      await client`select 1`;
    },
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), storeClient.end({ timeout: 5 })]);
    },
  };
}

/** The webhook store keeps two statements in flight (core/inbound/inbound.coalesce.ts): one connection each. */
const STORE_CONNECTIONS = 2;

const acknowledgementStores = new WeakMap<Db, Db>();

/**
 * Where a webhook's events are stored before its 200: on PostgreSQL two connections of their own beside `db`'s pool,
 * so that the store never waits behind a handling query that postgres.js pipelined on a shared connection (handling
 * runs a dozen queries an event on the same pool); on PGlite, whose one connection serves everything, `db` itself.
 */
export function acknowledgementDb(db: Db): Db {
  return acknowledgementStores.get(db) ?? db;
}

/** Two instances starting together must not both run a migration: one connection holds an advisory lock meanwhile. */
async function migratePostgresOnce(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(7262201)`;
    await client.unsafe(EXTENSIONS_SQL);
    await migratePostgres(drizzlePostgres(client, { schema, casing: 'snake_case' }), { migrationsFolder });
    await client`select pg_advisory_unlock(7262201)`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * PGlite allows one process per data directory: a second one silently loses writes. A lock file (proper-lockfile,
 * refreshed while we run, stale after a crash) makes the second process stop with a clear message instead.
 */
async function openPgliteDir(dataDir: string): Promise<DatabaseHandle> {
  ownerOnly(dataDir);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, { lockfilePath: join(dataDir, 'maeul.lock'), stale: 15_000, update: 5_000 });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') throw new DataDirInUseError(dataDir);
    throw error;
  }
  try {
    const handle = await openPglite(new PGlite(join(dataDir, 'pglite'), pgliteOptions));
    // A fresh database is copied in by PGlite's initdb with mode 666, whatever the umask: set right once it is there.
    ownerOnly(dataDir);
    return {
      ...handle,
      close: async () => {
        await handle.close();
        ownerOnly(dataDir);
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * DATA_DIR holds the residents' data and its key: owner-only (directories 700, files 600). The process umask is 077
 * from here on, so that what PGlite creates later (WAL segments, new tables) is born owner-only; what exists is
 * chmodded (a data dir from an older version, PGlite's own copies).
 */
export function ownerOnly(dataDir: string): void {
  try {
    process.umask(0o077);
  } catch {
    // Worker threads may not change the umask; the chmod below still applies.
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodTree(dataDir);
}

function chmodTree(path: string): void {
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== 0o700) chmodSync(path, 0o700);
      for (const name of readdirSync(path)) chmodTree(join(path, name));
    } else if ((stat.mode & 0o777) !== 0o600) chmodSync(path, 0o600);
  } catch (error) {
    // The database removes files of its own while it runs (a finished WAL segment): gone is fine.
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
}

/** Wraps an open PGlite (a data dir, or an in-memory clone in tests) and applies migrations. */
export async function openPglite(client: PGlite, options: { migrate?: boolean } = {}): Promise<DatabaseHandle> {
  const db = drizzlePglite(client, { schema, casing: 'snake_case' });
  if (options.migrate !== false) {
    await client.exec(EXTENSIONS_SQL);
    await migratePglite(db, { migrationsFolder });
  }
  return {
    db,
    kind: 'pglite',
    singleConnection: true,
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}
