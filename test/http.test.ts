import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

describe('the HTTP surface', () => {
  test('GET /healthz reports the database it uses', async () => {
    const res = await fetch(`${t.app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: t.database.kind });
  });

  test('the simulator page is served at /', async () => {
    const res = await fetch(`${t.app.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('마을 시뮬레이터');
  });

  test.each([
    ['not JSON', '{"from":', 400],
    ['no sender', JSON.stringify({ text: '등록' }), 400],
    ['both text and command', JSON.stringify({ from: 'a', text: 'x', command: 'y' }), 400],
    ['a sender id with spaces', JSON.stringify({ from: 'a b', text: 'x' }), 400],
    ['an oversized body', JSON.stringify({ from: 'a', text: 'x'.repeat(100_000) }), 413],
  ])('the simulator API answers %s with a 4xx, never a 5xx', async (_name, body, status) => {
    const res = await fetch(`${t.app.url}/api/sim/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(status);
    expect(t.logs.join('')).toContain('"status":');
  });

  test('an unknown path answers 404 with a Korean error, and an oversized body a Korean 413', async () => {
    const unknown = await fetch(`${t.app.url}/admin`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: '없는 주소입니다.' });
    const big = await fetch(`${t.app.url}/api/sim/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'a', text: 'x'.repeat(100_000) }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toContain('너무 큽니다');
  });

  test('GET /metrics on a loopback address shows the delivery queue by platform and status, and no person', async () => {
    await fetch(`${t.app.url}/api/sim/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'metrics-visitor', text: '도움말' }),
    });
    const res = await fetch(`${t.app.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/maeul_outbox_messages\{platform="websim",status="sent"\} [1-9]/);
    expect(text).toContain('maeul_inbound_pending_events');
    expect(text).not.toContain('metrics-visitor');
  });
});
