import { randomUUID } from 'node:crypto';
import { count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { InboundEvent } from '../core/channel/channel.types.ts';
import { createInboundProcessor, type Accepted } from '../core/inbound/inbound.processor.ts';
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

function inboundText(chatId: string, eventId: string): InboundEvent {
  return {
    platform: 'line',
    eventId,
    occurredAt: t.clock.now().toISOString(),
    chat: { platform: 'line', type: 'direct', id: chatId },
    sender: { platformUserId: chatId },
    kind: 'text',
    text: '안녕하세요',
    addressed: true,
  };
}

test('while webhooks keep arriving every one is acknowledged before any of their events starts being handled', async () => {
  const order: string[] = [];
  const processor = createInboundProcessor(t.app.deps, {
    handle: async (_deps, _tx, event) => {
      order.push(`handled ${event.eventId}`);
    },
    // A gap of a second: on a busy machine the stream below must not look like it has stopped.
    quietMs: 1_000,
    maxYieldMs: 30_000,
  });
  const acked: Promise<Accepted[]>[] = [];
  for (let i = 0; i < 12; i++) {
    const eventId = `stream-${randomUUID()}`;
    acked.push(
      processor.acceptBatch([inboundText(line.lineId('U'), eventId)]).then((accepted) => {
        order.push(`acknowledged ${eventId}`);
        return accepted;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const accepted = (await Promise.all(acked)).flat();
  await Promise.all(accepted.map((a) => a.handled));
  expect(order.filter((o) => o.startsWith('handled'))).toHaveLength(12);
  const lastAck = order.findLastIndex((o) => o.startsWith('acknowledged'));
  const firstHandled = order.findIndex((o) => o.startsWith('handled'));
  expect(lastAck).toBeLessThan(firstHandled);
}, 60_000);

test('webhook bodies that arrive together are each acknowledged with their own events, and an event in two of them is handled once', async () => {
  const handled: string[] = [];
  const processor = createInboundProcessor(t.app.deps, {
    handle: async (_deps, _tx, event) => {
      handled.push(event.eventId);
    },
  });
  const shared = `shared-${randomUUID()}`;
  const bodies = Array.from({ length: 20 }, (_, i) => [
    inboundText(line.lineId('U'), `together-${i}-${randomUUID()}`),
    inboundText('Ushared-chat', shared),
  ]);
  const results = await Promise.all(bodies.map((body) => processor.acceptBatch(body)));
  for (const accepted of results) expect(accepted).toHaveLength(2);
  // Each body's own event is new; the shared one is new in exactly one body.
  expect(results.every((accepted) => accepted[0]?.duplicate === false)).toBe(true);
  expect(results.filter((accepted) => accepted[1]?.duplicate === false)).toHaveLength(1);
  await processor.idle();
  expect(handled.filter((id) => id === shared)).toHaveLength(1);
  expect(new Set(handled).size).toBe(21);
  const stored = await t.database.db
    .select({ n: count() })
    .from(inboundEvents)
    .where(inArray(inboundEvents.eventId, [...bodies.flat().map((e) => e.eventId)]));
  expect(stored[0]?.n).toBe(21);
}, 60_000);
