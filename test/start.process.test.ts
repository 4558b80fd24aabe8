import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'maeul-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('npm start on a fresh data dir seeds the demo county, serves the simulator, and stops cleanly on SIGTERM', async () => {
  const child = spawn(process.execPath, ['bots/main.ts'], {
    env: { ...process.env, DATA_DIR: dir, PORT: '0', DATABASE_URL: '', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /시뮬레이터: (http:\/\/\S+)\//.exec(output);
      if (m?.[1]) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 100);
    void exited.then(() => reject(new Error(`exited early:\n${output}`)));
  });
  expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', database: 'pglite' });
  const { personas } = (await (await fetch(`${url}/api/sim/personas`)).json()) as { personas: { label: string }[] };
  expect(personas.filter((p) => p.label.endsWith('이장'))).toHaveLength(42);
  expect(output).toContain('demo county seeded');
  // The generated key is kept beside the data, readable by the owner only.
  expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(output).toContain('shutting down');
}, 90_000);
