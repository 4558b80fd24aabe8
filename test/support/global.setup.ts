import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openPglite, openPostgres, pgliteOptions } from '../../db/db.client.ts';
import { seedDemo } from '../../db/seed/demo.seed.ts';
import { SEED_TIME, testCipher } from './test.keys.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
    pgTemplateUrl: string;
    pgAdminUrl: string;
  }
}

// Per run: two suites on one server (a developer and CI, or parallel sessions) must not drop each other's template.
export const TEMPLATE_DB = `maeul_test_template_${process.pid}`;

/**
 * One migrated and seeded database made once per run: a PGlite data dir dumped to a file (cloned per test file in
 * under a second), or, with TEST_DATABASE_URL, a PostgreSQL template database (CREATE DATABASE … TEMPLATE per file).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await admin.unsafe(`create database ${TEMPLATE_DB}`);
    const templateUrl = withDatabase(url, TEMPLATE_DB);
    const handle = await openPostgres(templateUrl, { max: 1 });
    await seedDemo(handle.db, testCipher(), SEED_TIME, { staffRooms: false });
    await handle.close();
    project.provide('pgTemplateUrl', templateUrl);
    project.provide('pgAdminUrl', url);
    project.provide('pgliteDump', '');
    return async () => {
      await admin.unsafe(`drop database if exists ${TEMPLATE_DB} with (force)`);
      await admin.end();
    };
  }
  const client = new PGlite(pgliteOptions);
  const handle = await openPglite(client);
  await seedDemo(handle.db, testCipher(), SEED_TIME, { staffRooms: false });
  const dump = await client.dumpDataDir('none');
  const path = join(tmpdir(), `maeul-test-template-${process.pid}.tar`);
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  await client.close();
  project.provide('pgliteDump', path);
  project.provide('pgTemplateUrl', '');
  project.provide('pgAdminUrl', '');
  return async () => {};
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
