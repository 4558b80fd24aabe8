import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openPglite, openPostgres, pgliteOptions, type DatabaseHandle } from '../../db/db.client.ts';

/**
 * A real, seeded database of its own for a test file: a PGlite clone of the template, or a PostgreSQL database
 * created from the template database. Never a mock.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const templateUrl = inject('pgTemplateUrl');
  if (templateUrl) {
    const name = `maeul_t_${randomBytes(5).toString('hex')}`;
    const admin = postgres(inject('pgAdminUrl'), { max: 1, onnotice: () => {} });
    const template = new URL(templateUrl).pathname.slice(1);
    // Two files cloning the template at the same moment can collide ("being accessed by other users"): try again.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.unsafe(`create database ${name} template ${template}`);
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
    const url = new URL(templateUrl);
    url.pathname = `/${name}`;
    const handle = await openPostgres(url.toString(), { migrate: false, max: 5 });
    return {
      ...handle,
      close: async () => {
        await handle.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const client = new PGlite({ ...pgliteOptions, loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) });
  return openPglite(client, { migrate: false });
}
