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
});
