import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { inboundEvents, outbox } from '../db/schema/index.ts';
import { startLineEmulator, type LineEmulator } from './line/line.emulator.ts';
import * as line from './line/line.webhook.sender.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

const SECRET = 'line-channel-secret-for-tests';
const TOKEN = 'line-access-token-for-tests';
let emulator: LineEmulator;
let t: TestApp;

beforeAll(async () => {
  emulator = await startLineEmulator({ channelAccessToken: TOKEN, now: () => t.clock.now().getTime() });
  t = await startTestApp({
    env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: emulator.baseUrl },
  });
});
afterAll(async () => {
  await t.stop();
  await emulator.close();
});

async function countWhere(platform: string) {
  const [stored] = await t.database.db
    .select({ n: count() })
    .from(inboundEvents)
    .where(eq(inboundEvents.platform, platform));
  const [handled] = await t.database.db
    .select({ n: count() })
    .from(inboundEvents)
    .where(eq(inboundEvents.status, 'handled'));
  const [replies] = await t.database.db.select({ n: count() }).from(outbox).where(eq(outbox.platform, platform));
  return { stored: stored?.n, handled: handled?.n, replies: replies?.n };
}

test('a LINE webhook body with 1,000 events is acknowledged, and each event is handled once, also when LINE sends the body again', async () => {
  // Mostly chatter in group chats the bot is not addressed in (cheap to handle), and 20 residents asking for help 1:1.
  const groups = Array.from({ length: 10 }, () => line.lineId('C'));
  const events = Array.from({ length: 1000 }, (_, i) =>
    i % 50 === 0
      ? line.lineTextEvent({ userId: line.lineId('U'), text: '도움말' })
      : line.lineTextEvent({ userId: line.lineId('U'), groupId: groups[i % 10], text: `오늘 날씨 좋네요 ${i}` }),
  );
  const body = line.lineWebhookBody('Ubot', events);
  const before = await countWhere('line');

  const started = performance.now();
  const first = await line.sendLineWebhook(`${t.app.url}/webhooks/line`, SECRET, body);
  const ackMs = performance.now() - started;
  expect(first.status).toBe(200);
  await t.app.inbound.idle();
  const once = await countWhere('line');
  expect(Number(once.stored) - Number(before.stored)).toBe(1000);
  expect(Number(once.handled) - Number(before.handled)).toBe(1000);
  // One answer to each who asked (the help menu), none twice.
  expect(Number(once.replies) - Number(before.replies)).toBe(20);

  // A redelivery of the whole body: acknowledged, nothing stored or answered again.
  expect((await line.sendLineWebhook(`${t.app.url}/webhooks/line`, SECRET, body)).status).toBe(200);
  await t.app.inbound.idle();
  expect(await countWhere('line')).toEqual(once);
  // Both bodies were timed for /metrics, labelled by platform and status class only.
  const metrics = await (await fetch(`${t.app.url}/metrics`)).text();
  expect(metrics).toContain('maeul_webhook_duration_seconds_count{platform="line",status="2xx"} 2');
  expect(metrics).not.toMatch(/U[0-9a-f]{32}/);
  console.info(`1,000-event LINE body acknowledged in ${Math.round(ackMs)} ms`);
}, 120_000);
