import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { startApp } from './support/app.process.ts';

const dir = mkdtempSync(join(tmpdir(), 'maeul-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('npm start on a fresh data dir seeds the demo county, serves the simulator, and stops cleanly on SIGTERM', async () => {
  const app = await startApp(dir, { LOG_LEVEL: 'info' });
  const url = app.url;
  expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', database: 'pglite' });
  const { personas } = (await (await fetch(`${url}/api/sim/personas`)).json()) as { personas: { label: string }[] };
  expect(personas.filter((p) => p.label.endsWith('이장'))).toHaveLength(42);
  expect(app.output()).toContain('demo county seeded');
  // The generated key is kept beside the data, readable by the owner only.
  expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
  expect(await app.stop()).toBe(0);
  expect(app.output()).toContain('shutting down');
}, 90_000);
