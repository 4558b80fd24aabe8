import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { consoleLoginLinks, consoleSessions } from '../db/schema/index.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

/**
 * The console's sign-in over HTTP, as a browser speaks it: the link from `콘솔`, the cookie, the CSRF field, the idle
 * end, logout, and the limits on link attempts. The pages themselves are driven in Chromium (console.pages.test.ts).
 */
let t: TestApp;
let sim: ReturnType<typeof simClient>;
beforeAll(async () => {
  t = await startTestApp({ env: { PUBLIC_BASE_URL: 'https://maeul.example.kr' } });
  sim = simClient(t.app.url);
});
afterAll(() => t.stop());

/** The link the bot sent, pointed at the test server instead of the public address. */
async function linkFor(who: string): Promise<string> {
  const reply = (await sim.say(who, '콘솔')).join('\n');
  const url = /https:\/\/maeul\.example\.kr(\/console\/login\?token=[\w-]+)/.exec(reply)?.[1];
  if (!url) throw new Error(`no console link in: ${reply}`);
  return `${t.app.url}${url}`;
}

async function login(who: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const link = await linkFor(who);
  const token = new URL(link).searchParams.get('token') ?? '';
  const res = await fetch(`${t.app.url}/console/login`, {
    method: 'POST',
    body: new URLSearchParams({ token }),
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const page = await (await fetch(`${t.app.url}/console/feedback`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  return { cookie, csrf, setCookie };
}

describe('signing in to the console', () => {
  test('콘솔 answers staff with a one-time link and keeps only its hash; a resident gets none', async () => {
    const reply = (await sim.say('staff-goseong-eup', '콘솔')).join('\n');
    expect(reply).toContain('한 번만 쓸 수 있고');
    const token = /token=([\w-]+)/.exec(reply)?.[1] ?? '';
    const stored = await t.database.db.select().from(consoleLoginLinks);
    expect(stored.some((l) => l.tokenHash === token)).toBe(false);
    expect(stored.at(-1)?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const { id } = await sim.newPersona('그냥손님');
    expect((await sim.say(id, '콘솔')).join('\n')).not.toContain('token=');
  });

  test('opening the link only shows a button (link previews use nothing); the POST starts a session', async () => {
    const link = await linkFor('staff-goseong-eup');
    const first = await fetch(link);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('콘솔 열기');
    expect((await fetch(link)).status).toBe(200); // still unused
    const { setCookie, csrf } = await login('staff-goseong-eup');
    expect(setCookie).toMatch(/maeul_console=[\w-]+/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Secure/i); // PUBLIC_BASE_URL is https
    expect(setCookie).toMatch(/Path=\/console/);
    expect(csrf).toMatch(/^[\w-]{40,}$/);
  });

  test('a link is good once', async () => {
    const link = await linkFor('staff-goseong-eup');
    const token = new URL(link).searchParams.get('token') ?? '';
    const post = () =>
      fetch(`${t.app.url}/console/login`, { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });
    expect((await post()).status).toBe(303);
    const again = await post();
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('이미 사용한 로그인 링크입니다');
  });

  test('a link older than 5 minutes is refused', async () => {
    const link = await linkFor('staff-goseong-eup');
    t.clock.advance(5 * 60_000);
    const res = await fetch(link);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('로그인 링크가 만료되었습니다');
  });

  test('without a session the pages answer 401 in Korean', async () => {
    const res = await fetch(`${t.app.url}/console/feedback`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('채팅에서 &quot;콘솔&quot;을 보내');
  });

  test('a POST without the CSRF field, or with another, is refused with 403', async () => {
    const { cookie, csrf } = await login('staff-goseong-eup');
    const post = (body: Record<string, string>) =>
      fetch(`${t.app.url}/console/feedback/2026-000001/take`, {
        method: 'POST',
        headers: { cookie },
        body: new URLSearchParams(body),
        redirect: 'manual',
      });
    const none = await post({});
    expect(none.status).toBe(403);
    expect(await none.text()).toContain('보안 확인값이 없거나 맞지 않아');
    expect((await post({ _csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await post({ _csrf: csrf })).status).not.toBe(403);
  });

  test('a session idle for 30 minutes has ended; one used within them goes on', async () => {
    const { cookie } = await login('staff-goseong-eup');
    const open = () => fetch(`${t.app.url}/console/feedback`, { headers: { cookie } });
    t.clock.advance(29 * 60_000);
    expect((await open()).status).toBe(200);
    t.clock.advance(29 * 60_000);
    expect((await open()).status).toBe(200);
    t.clock.advance(30 * 60_000);
    const idle = await open();
    expect(idle.status).toBe(401);
    expect(await idle.text()).toContain('30분 동안 사용하지 않아');
    expect((await open()).status).toBe(401);
  });

  test('logout ends the session at once', async () => {
    const { cookie, csrf } = await login('staff-goseong-eup');
    const out = await fetch(`${t.app.url}/console/logout`, {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(await out.text()).toContain('로그아웃했습니다');
    expect((await fetch(`${t.app.url}/console/feedback`, { headers: { cookie } })).status).toBe(401);
    const ended = await t.database.db.select().from(consoleSessions).where(eq(consoleSessions.csrf, csrf));
    expect(ended[0]?.endedAt).not.toBeNull();
  });

  test('a village head opens 등록 but not 의견 or 기록', async () => {
    const { cookie } = await login('head-goseong-eup-1');
    const open = (path: string) => fetch(`${t.app.url}/console${path}`, { headers: { cookie }, redirect: 'manual' });
    expect((await open('/registrations')).status).toBe(200);
    expect((await open('/feedback')).status).toBe(403);
    expect((await open('/audit')).status).toBe(403);
    const home = await open('/');
    expect(home.headers.get('location')).not.toBe('/console/feedback');
  });

  test('link attempts from one address are limited, with a Korean page', async () => {
    let status = 0;
    let text = '';
    for (let i = 0; i < 25 && status !== 429; i++) {
      const res = await fetch(`${t.app.url}/console/login?token=guess${i}`);
      status = res.status;
      text = await res.text();
    }
    expect(status).toBe(429);
    expect(text).toContain('로그인 링크를 너무 여러 번 열었습니다');
    t.clock.advance(10 * 60_000);
    expect((await fetch(`${t.app.url}/console/login?token=later`)).status).toBe(410);
  });
});
