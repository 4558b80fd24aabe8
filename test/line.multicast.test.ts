import { randomUUID } from 'node:crypto';
import { messagingApi } from '@line/bot-sdk';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { createLineSender, type LineSender } from '../bots/line/line.sender.ts';
import { startLineEmulator, type LineEmulator } from './line/line.emulator.ts';

const TOKEN = 'multicast-token';
let emulator: LineEmulator;
let sender: LineSender;

beforeAll(async () => {
  emulator = await startLineEmulator({ channelAccessToken: TOKEN });
  sender = createLineSender(
    new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.baseUrl }),
    () => new Date(),
  );
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const residents = (n: number) => Array.from({ length: n }, (_, i) => `U${String(i).padStart(32, '0')}`);

test('a message to 1,234 residents goes in batches of at most 500, each resident reached once', async () => {
  const outcomes = await sender.multicast({
    recipients: residents(1234),
    messages: [{ text: '마을방송: 내일 오전 정전 예정' }],
    idempotencyKey: randomUUID(),
  });
  expect(outcomes.map((o) => [o.recipients.length, o.result.ok])).toEqual([
    [500, true],
    [500, true],
    [234, true],
  ]);
  const multicasts = emulator.requests.filter((r) => r.path === '/v2/bot/message/multicast');
  expect(multicasts.map((r) => (r.body as { to: string[] }).to.length)).toEqual([500, 500, 234]);
  expect(new Set(emulator.delivered.map((d) => d.to)).size).toBe(1234);
  expect(emulator.delivered).toHaveLength(1234);
});

test('seven messages go as two requests of at most five', async () => {
  await sender.multicast({
    recipients: residents(3),
    messages: Array.from({ length: 7 }, (_, i) => ({ text: `${i + 1}번째 안내` })),
    idempotencyKey: randomUUID(),
  });
  expect(emulator.requests.map((r) => (r.body as { messages: unknown[] }).messages.length)).toEqual([5, 2]);
  expect(emulator.delivered).toHaveLength(21);
});

test('a batch that failed with 429 reports its recipients; retrying the whole send reaches nobody twice', async () => {
  const key = randomUUID();
  const recipients = residents(1200);
  emulator.failNext(1, { status: 429, retryAfterSeconds: 10 });
  // The first batch fails; the others go through.
  const first = await sender.multicast({ recipients, messages: [{ text: '안내' }], idempotencyKey: key });
  expect(first.map((o) => o.result)).toEqual([
    { ok: false, permanent: false, error: expect.stringContaining('429'), retryAfterMs: 10_000 },
    { ok: true },
    { ok: true },
  ]);
  expect(emulator.delivered).toHaveLength(700);
  // Sending the same delivery again: the accepted batches answer 409, the failed one now goes through.
  const again = await sender.multicast({ recipients, messages: [{ text: '안내' }], idempotencyKey: key });
  expect(again.every((o) => o.result.ok)).toBe(true);
  expect(emulator.delivered).toHaveLength(1200);
  expect(new Set(emulator.delivered.map((d) => d.to)).size).toBe(1200);
});

test('a LINE that answers too late: the push is retried with the same key, answered 409, and reaches the person once', async () => {
  const slow = createLineSender(
    new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.baseUrl }),
    () => new Date(),
    { timeoutMs: 100 },
  );
  const request = {
    to: { platform: 'line', type: 'direct' as const, id: 'Uslow' },
    messages: [{ text: '늦은 답' }],
    idempotencyKey: randomUUID(),
  };
  emulator.delayNext(1, 400);
  const first = await slow.send({ ...request, attempt: 1 });
  expect(first).toMatchObject({ ok: false, permanent: false, error: 'LINE did not answer within 100 ms' });
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(await slow.send({ ...request, attempt: 2 })).toEqual({ ok: true });
  expect(emulator.delivered.filter((d) => d.to === 'Uslow')).toHaveLength(1);
  expect(emulator.requests.filter((r) => r.path === '/v2/bot/message/push').map((r) => r.status)).toEqual([200, 409]);
});
