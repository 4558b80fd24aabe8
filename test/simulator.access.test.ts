import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApp, startApp, type AppProcess } from './support/app.process.ts';
import { afterAll, describe, expect, test } from 'vitest';

/**
 * The simulator lets whoever reaches it speak as anyone, county staff included. These start the real process
 * (`node bots/main.ts`) listening on every address (HOST=0.0.0.0; the machine has no outside network) and send
 * their requests to 127.0.0.1 only.
 */
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const LINE = {
  LINE_CHANNEL_SECRET: 'line-channel-secret-for-tests',
  LINE_CHANNEL_ACCESS_TOKEN: 'line-token-for-tests',
};
const TOKEN = 'sim-token-0123456789-abcdef';
const METRICS = 'metrics-token-0123456789-abcdef';

type Started = AppProcess;

function run(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'maeul-sim-'));
  dirs.push(dir);
  return runApp(dir, env);
}

async function start(env: Record<string, string>): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'maeul-sim-'));
  dirs.push(dir);
  const started = await startApp(dir, env);
  // Requests go to loopback only, whatever the process listens on.
  expect(new URL(started.url).hostname).toBe('127.0.0.1');
  return started;
}

describe('the simulator is no back door', () => {
  test('with LINE configured and HOST=0.0.0.0, the simulator is off by default: its API and page answer 404 and no demo staff exist', async () => {
    const app = await start({ HOST: '0.0.0.0', ...LINE });
    try {
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      for (const path of ['/', '/api/sim/personas', '/api/sim/groups', '/api/sim/chats/direct/staff-county/messages'])
        expect((await fetch(`${app.url}${path}`)).status, path).toBe(404);
      const post = await fetch(`${app.url}/api/sim/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'staff-county', text: '방송 보내기 긴급 대피하세요' }),
      });
      expect(post.status).toBe(404);
      // Metrics without METRICS_TOKEN are for loopback listeners only.
      expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
      // No simulator, no demo county with its staff personas.
      expect(app.output()).not.toContain('demo county seeded');
    } finally {
      expect(await app.stop()).toBe(0);
    }
  }, 180_000);

  test('SIMULATOR=on with HOST=0.0.0.0 and no token refuses to start, and says what to set', async () => {
    const { exited, output } = run({ HOST: '0.0.0.0', SIMULATOR: 'on', ...LINE });
    expect(await exited).not.toBe(0);
    expect(output()).toContain('SIMULATOR_TOKEN');
    expect(output()).toContain('HOST=0.0.0.0');
  }, 180_000);

  test('with SIMULATOR_TOKEN, every simulator request needs the bearer token: 401 in Korean without it, 200 with it', async () => {
    const app = await start({
      HOST: '0.0.0.0',
      SIMULATOR: 'on',
      SIMULATOR_TOKEN: TOKEN,
      METRICS_TOKEN: METRICS,
      ...LINE,
    });
    try {
      const without = await fetch(`${app.url}/api/sim/personas`);
      expect(without.status).toBe(401);
      expect(((await without.json()) as { error: string }).error).toContain('토큰이 필요합니다');
      const wrong = await fetch(`${app.url}/api/sim/personas`, { headers: { authorization: 'Bearer not-the-token' } });
      expect(wrong.status).toBe(401);
      const staffPost = await fetch(`${app.url}/api/sim/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'staff-county', text: '방송 보내기 긴급 대피하세요' }),
      });
      expect(staffPost.status).toBe(401);
      expect((await fetch(`${app.url}/api/sim/chats/direct/staff-county/messages`)).status).toBe(401);

      const auth = { authorization: `Bearer ${TOKEN}` };
      const withToken = await fetch(`${app.url}/api/sim/personas`, { headers: auth });
      expect(withToken.status).toBe(200);
      const { personas } = (await withToken.json()) as { personas: { label: string }[] };
      expect(personas.length).toBeGreaterThan(0);
      const said = await fetch(`${app.url}/api/sim/messages`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'visitor-1', text: '도움말' }),
      });
      expect(said.status).toBe(200);
      expect(((await said.json()) as { messages: unknown[] }).messages.length).toBeGreaterThan(0);
      // The page is a shell holding no data, which asks for the token.
      const page = await fetch(`${app.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('sessionStorage');

      // Metrics follow the same rule with their own token; the simulator's does not open them.
      expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${app.url}/metrics`, { headers: auth })).status).toBe(401);
      const metrics = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS}` } });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/maeul_outbox_messages\{platform="websim",status="sent"\} \d+/);
    } finally {
      expect(await app.stop()).toBe(0);
    }
  }, 180_000);
});
