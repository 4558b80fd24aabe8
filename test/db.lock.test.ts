import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { DataDirInUseError, openDatabase } from '../db/db.client.ts';

const dir = mkdtempSync(join(tmpdir(), 'maeul-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a second process that opens the same embedded data dir stops with a clear message', async () => {
  const first = await openDatabase({ dataDir: dir });
  try {
    const child = spawn(process.execPath, ['bots/main.ts'], {
      env: { ...process.env, DATA_DIR: dir, PORT: '0', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('이미 다른 maeul 프로세스가 쓰고 있습니다');
    await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirInUseError);
  } finally {
    await first.close();
  }
  // Once the first is closed, the directory can be opened again.
  const again = await openDatabase({ dataDir: dir });
  await again.close();
}, 60_000);
