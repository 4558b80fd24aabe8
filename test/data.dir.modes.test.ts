import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { startApp } from './support/app.process.ts';

const dir = mkdtempSync(join(tmpdir(), 'maeul-modes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every path under `root` whose mode is not owner-only (700 for directories, 600 for files), with its mode. */
function notOwnerOnly(root: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const stat = lstatSync(path);
    const mode = stat.mode & 0o777;
    if (stat.isDirectory()) {
      if (mode !== 0o700) found.push(`${path} ${mode.toString(8)}`);
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if (stat.isFile() && mode !== 0o600) found.push(`${path} ${mode.toString(8)}`);
  };
  walk(root);
  return found;
}

function chmodTree(path: string, dirMode: number, fileMode: number): void {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return chmodSync(path, fileMode);
  chmodSync(path, dirMode);
  for (const name of readdirSync(path)) chmodTree(join(path, name), dirMode, fileMode);
}

async function runOnce(): Promise<void> {
  const app = await startApp(dir, { LOG_LEVEL: 'warn' });
  const url = app.url;
  // Something written while running, so that the database has created files of its own since it opened.
  const res = await fetch(`${url}/api/sim/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'modes-visitor', text: '도움말' }),
  });
  expect(res.status).toBe(200);
  expect(notOwnerOnly(dir)).toEqual([]);
  expect(await app.stop()).toBe(0);
}

test('the data directory and everything in it, the embedded database included, are readable by the owner only', async () => {
  // As a shared machine hands it out: readable by everyone.
  chmodSync(dir, 0o755);
  await runOnce();
  expect(notOwnerOnly(dir)).toEqual([]);
  expect(readdirSync(join(dir, 'pglite')).length).toBeGreaterThan(5);

  // A data directory left world-writable by an older version is made owner-only on the next start.
  chmodTree(dir, 0o777, 0o666);
  await runOnce();
  expect(notOwnerOnly(dir)).toEqual([]);
}, 120_000);
