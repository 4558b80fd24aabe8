import { getTableName } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as schema from '../db/schema/index.ts';
import { registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const MOBILE_FORMS = ['010-8642-9753', '01086429753', '+821086429753', '8642-9753', '86429753'];

test('no plaintext mobile number is found in the database or in the logs after a registration', async () => {
  const sim = simClient(t.app.url);
  const { id } = await registerResident(sim, { nickname: '비밀', name: '배비밀', mobile: '010-8642-9753' });
  const request = (await sim.chat('direct', 'head-goseong-eup-1')).at(-1);
  await sim.press('head-goseong-eup-1', `승인 ${/#(\d+)/.exec(request?.text ?? '')?.[1]}`);
  // A number typed where it does not belong, and a failing path, must not leak either.
  await sim.say(id, '제 번호는 010-8642-9753 입니다');

  const tables = Object.values(schema as Record<string, unknown>).filter((v): v is PgTable => v instanceof PgTable);
  expect(tables.length).toBeGreaterThanOrEqual(10);
  const dump: string[] = [];
  for (const table of tables) {
    const rows = await t.database.db.select().from(table);
    dump.push(`${getTableName(table)} ${JSON.stringify(rows)}`);
  }
  const database = dump.join('\n');
  const logs = t.logs.join('');
  expect(database).toContain('"status":"approved"');
  expect(logs.length).toBeGreaterThan(100);
  for (const form of MOBILE_FORMS) {
    expect(database).not.toContain(form);
    expect(logs).not.toContain(form);
  }
  expect(logs).not.toContain('배비밀');
});
