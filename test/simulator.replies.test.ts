import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApp, type RunningApp } from '../bots/app/app.ts';
import { loadConfig } from '../bots/app/app.config.ts';
import { createLogger } from '../bots/app/app.logger.ts';
import { TRANSCRIPT_LIMITS, createTranscript } from '../bots/websim/websim.transcript.ts';
import type { DatabaseHandle } from '../db/db.client.ts';
import { simClient } from './support/sim.client.ts';
import { createTestDatabase } from './support/test.database.ts';
import { TEST_SECRET_KEY, testCipher } from './support/test.keys.ts';

/**
 * The app as `npm start` runs it: the background delivery loop on (the usual test app drives delivery itself, which
 * hides the race between a request's own flush and the loop). The race shows on PostgreSQL, where the loop's claim
 * and the request's run on connections of their own (a quarter of the replies were missing before); PGlite's one
 * connection orders them.
 */
let database: DatabaseHandle;
let app: RunningApp;
let sim: ReturnType<typeof simClient>;
beforeAll(async () => {
  database = await createTestDatabase();
  const quiet = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  app = await startApp({
    config: loadConfig({ PORT: '0', DEMO_DATA: 'off', SIMULATOR: 'on', MAEUL_SECRET_KEY: TEST_SECRET_KEY }),
    logger: createLogger({ level: 'info', destination: quiet }),
    database,
    cipher: testCipher(),
    // A busy loop, as under load: it claims what is due every few milliseconds.
    delivery: { idleIntervalMs: 5 },
  });
  sim = simClient(app.url);
});
afterAll(async () => {
  await app.stop();
  await database.close();
});

describe('the simulator API', () => {
  test('answers every message with the reply it caused, while the background delivery loop is sending too', async () => {
    const missing: number[] = [];
    for (let i = 0; i < 40; i++) if ((await sim.say(`reply-check-${i}`, '도움말')).length === 0) missing.push(i);
    expect(missing).toEqual([]);
  }, 120_000);

  test('a message over 5,000 characters is refused in Korean, not with the validator’s English', async () => {
    const { status, json } = await sim.post('/api/sim/messages', { from: 'long-writer', text: '가'.repeat(5001) });
    expect(status).toBe(400);
    expect(json.error).toBe('메시지는 5,000자까지 보낼 수 있습니다. 나누어 보내 주세요.');
    for (const body of [{ text: '등록' }, { from: 'a b', text: 'x' }, { from: 'a', text: 'x', command: 'y' }, [1, 2]]) {
      const refused = await sim.post('/api/sim/messages', body);
      expect(refused.status).toBe(400);
      expect(refused.json.error).toMatch(/[가-힣]/);
      expect(refused.json.error).not.toMatch(/expected|Too big|Invalid/);
    }
  });
});

describe('the simulator keeps a bounded transcript in memory', () => {
  test('beyond its limits the chats written to longest ago lose their oldest messages first', () => {
    expect(TRANSCRIPT_LIMITS).toEqual({ chats: 500, perChat: 200, total: 5_000 });
    const transcript = createTranscript();
    const at = new Date('2026-11-24T01:00:00Z');
    for (let i = 0; i < 2_000; i++) transcript.append(`direct:stranger-${i}`, { from: `stranger-${i}`, text: 'x' }, at);
    expect(transcript.size()).toEqual({ chats: 500, messages: 500 });
    expect(transcript.after('direct:stranger-0')).toEqual([]);
    expect(transcript.after('direct:stranger-1999')).toHaveLength(1);

    for (let i = 0; i < 300; i++) transcript.append('direct:chatty', { from: 'chatty', text: `${i}` }, at);
    expect(transcript.after('direct:chatty').map((e) => e.text)[0]).toBe('100');
    for (let c = 0; c < 40; c++)
      for (let i = 0; i < 200; i++) transcript.append(`group:busy-${c}`, { from: 'x', text: `${i}` }, at);
    expect(transcript.size().messages).toBeLessThanOrEqual(5_000);
    expect(transcript.after('group:busy-39')).toHaveLength(200);
  });
});
