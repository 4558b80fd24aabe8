import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { interactionToInbound, messageToInbound } from '../bots/discord/discord.translate.ts';
import { identities, inboundEvents } from '../db/schema/index.ts';
import { startLineEmulator, type LineEmulator } from './line/line.emulator.ts';
import * as line from './line/line.webhook.sender.ts';
import { sendBroadcast } from './support/broadcast.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

/** NUL cannot be stored in PostgreSQL text; the other control characters hide text from whoever reads it. */
const SECRET = 'line-channel-secret-for-tests';
const TOKEN = 'line-access-token-for-tests';
let emulator: LineEmulator;
let t: TestApp;
let sim: ReturnType<typeof simClient>;

beforeAll(async () => {
  emulator = await startLineEmulator({ channelAccessToken: TOKEN, now: () => t.clock.now().getTime() });
  t = await startTestApp({
    env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: emulator.baseUrl },
  });
  sim = simClient(t.app.url);
});
afterAll(async () => {
  await t.stop();
  await emulator.close();
});

const failures = () => t.logs.filter((l) => l.includes('inbound event failed') || l.includes('request failed'));

async function postLine(events: object[]): Promise<number> {
  const { status } = await line.sendLineWebhook(
    `${t.app.url}/webhooks/line`,
    SECRET,
    line.lineWebhookBody('Ubot', events as never),
  );
  await t.app.inbound.idle();
  await t.app.delivery.flush();
  return status;
}

describe('control characters from the simulator', () => {
  test('a persona nickname with a NUL creates the persona, named without it; one of nothing but controls is refused in Korean', async () => {
    const created = await sim.post('/api/sim/personas', { nickname: '김\u0000하늘\u0007' });
    expect(created.status).toBe(201);
    expect(created.json.persona.nickname).toBe('김하늘');
    const json = (await (await fetch(`${t.app.url}/api/sim/personas`)).json()) as {
      personas: { platformUserId: string; nickname: string }[];
    };
    expect(json.personas.find((p) => p.platformUserId === created.json.persona.id)?.nickname).toBe('김하늘');

    const refused = await sim.post('/api/sim/personas', { nickname: '\u0000\u0001\n' });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toContain('별명을 1~40자로');
    expect(failures()).toEqual([]);
  });

  test('a message with a NUL is read without it, and the chat shows it without it', async () => {
    const plain = await sim.say('ctrl-visitor', '도움말');
    const withNul = await sim.say('ctrl-visitor', '도움\u0000말\u001b');
    expect(withNul).toEqual(plain);
    const mine = (await sim.chat('direct', 'ctrl-visitor')).filter((m) => m.from === 'ctrl-visitor');
    expect(mine.map((m) => m.text)).toEqual(['도움말', '도움말']);
    expect(failures()).toEqual([]);
  });

  test('a broadcast whose text holds a NUL goes out without it, not as an internal error', async () => {
    const reply = await sendBroadcast(
      sim,
      'staff-goseong-eup',
      '방송 보내기 내일\u0000 오전 9시 도로\u0008 보수 설명회',
    );
    expect(reply.join('\n')).toMatch(/마을방송 #\d+을 보냈습니다/);
    const village = (await sim.chat('group', 'village-1')).at(-1)?.text ?? '';
    expect(village).toContain('내일 오전 9시 도로 보수 설명회');
    expect(failures()).toEqual([]);
  });
});

describe('control characters and malformed events from LINE', () => {
  test('a text with control characters is answered as the text without them', async () => {
    const userId = line.lineId('U');
    const before = emulator.delivered.length;
    expect(await postLine([line.lineTextEvent({ userId, text: '도움말\u0000\u0003' })])).toBe(200);
    const [stored] = await t.database.db
      .select({ status: inboundEvents.status })
      .from(inboundEvents)
      .where(eq(inboundEvents.platformUserId, userId));
    expect(stored?.status).toBe('handled');
    expect(emulator.delivered.slice(before).some((d) => d.to === userId)).toBe(true);
    expect(failures()).toEqual([]);
  });

  test('a display name with control characters becomes a nickname without them', async () => {
    const userId = line.lineId('U');
    emulator.setProfile(userId, { displayName: '길\u0000동\u001f이' });
    expect(await postLine([line.lineFollowEvent({ userId })])).toBe(200);
    const [identity] = await t.database.db.select().from(identities).where(eq(identities.platformUserId, userId));
    expect(identity?.nickname).toBe('길동이');
  });

  test('a group event without a groupId, or with ids of the wrong kind, is logged and skipped, and the others in the body are handled', async () => {
    const userId = line.lineId('U');
    const good = line.lineTextEvent({ userId, text: '도움말' });
    const noGroupId = { ...line.lineTextEvent({ userId, text: '@마을 도움말' }), source: { type: 'group', userId } };
    const numericUser = { ...line.lineTextEvent({ userId, text: '도움말' }), source: { type: 'user', userId: 42 } };
    const nulId = { ...line.lineTextEvent({ userId, text: '도움말' }), webhookEventId: 'abc\u0000def' };
    const noMessage = { ...line.lineTextEvent({ userId, text: '도움말' }), message: null };
    expect(await postLine([noGroupId, numericUser, nulId, noMessage, good])).toBe(200);
    const stored = await t.database.db
      .select({ status: inboundEvents.status, eventId: inboundEvents.eventId })
      .from(inboundEvents)
      .where(eq(inboundEvents.platformUserId, userId));
    expect(stored).toEqual([{ status: 'handled', eventId: good.webhookEventId }]);
    expect(t.logs.join('')).toContain('LINE event not acted on');
    expect(failures()).toEqual([]);
  });
});

describe('control characters from Discord', () => {
  const at = new Date('2026-11-24T01:00:00Z');
  const author = { id: '400000000000000001', username: 'al\u0000ice', global_name: '앨\u0000리스' };
  test('a message and a nickname lose their control characters at the adapter', () => {
    const d = { id: '900000000000000009', channel_id: '5', type: 0, author, content: '의견\u0000 보내기\u0007' };
    expect(messageToInbound(d, { botUserId: '1', receivedAt: at })).toMatchObject({
      kind: 'text',
      text: '의견 보내기',
      sender: { nickname: '앨리스' },
    });
  });

  test('a button whose custom id is nothing but control characters is not acted on', () => {
    const d = {
      id: '900000000000000010',
      token: 'tok',
      application_id: '7',
      channel_id: '5',
      type: 3,
      user: author,
      data: { component_type: 2, custom_id: '\u0000\u0001' },
    };
    expect(interactionToInbound(d, at)).toBeNull();
  });
});
