import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { enqueue } from '../core/delivery/outbox.write.ts';
import { groupChats, identities, inboundEvents, outbox, registrations, roles } from '../db/schema/index.ts';
import { startLineEmulator, type LineEmulator } from './line/line.emulator.ts';
import * as line from './line/line.webhook.sender.ts';
import { sendBroadcast } from './support/broadcast.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

const SECRET = 'line-channel-secret-for-tests';
const TOKEN = 'line-access-token-for-tests';
let emulator: LineEmulator;
let t: TestApp;
let webhookUrl: string;

beforeAll(async () => {
  emulator = await startLineEmulator({ channelAccessToken: TOKEN, now: () => t.clock.now().getTime() });
  t = await startTestApp({
    env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: emulator.baseUrl },
  });
  webhookUrl = `${t.app.url}/webhooks/line`;
});
afterAll(async () => {
  await t.stop();
  await emulator.close();
});
beforeEach(() => emulator.reset());

/** What happens after LINE got its 200: the events are handled and the replies delivered. */
async function settle(): Promise<void> {
  await t.app.inbound.idle();
  await t.app.delivery.flush();
}

async function post(events: object[]): Promise<{ status: number; text: string }> {
  return line.sendLineWebhook(webhookUrl, SECRET, line.lineWebhookBody('Ubot', events as never));
}

/** A resident says something 1:1 with a fresh reply token; returns the texts that reached them. */
async function say(userId: string, text: string): Promise<string[]> {
  const before = emulator.delivered.length;
  const replyToken = emulator.issueReplyToken(userId);
  expect((await post([line.lineTextEvent({ userId, text, replyToken })])).status).toBe(200);
  await settle();
  return emulator.delivered
    .slice(before)
    .flatMap((d) => (d.to === userId && d.message.type === 'text' ? [d.message.text as string] : []));
}

describe('a resident over LINE', () => {
  test('registers with the same dialog as in the simulator, and is approved by their village head', async () => {
    const userId = 'U1000000000000000000000000000resident';
    emulator.setProfile(userId, { displayName: '길동이' });
    await post([line.lineFollowEvent({ userId, replyToken: emulator.issueReplyToken(userId) })]);
    await settle();
    expect(emulator.delivered.at(-1)).toMatchObject({ via: 'reply', to: userId });
    const [identity] = await t.database.db.select().from(identities).where(eq(identities.platformUserId, userId));
    expect(identity?.nickname).toBe('길동이');

    expect((await say(userId, '등록'))[0]).toContain('개인정보 수집·이용 동의');
    expect((await say(userId, '1'))[0]).toContain('실명을 입력');
    expect((await say(userId, '홍라인'))[0]).toContain('휴대전화');
    const districts = emulator.delivered.length;
    await say(userId, '010-2468-1357');
    const districtMessage = emulator.delivered[districts]?.message;
    expect(districtMessage?.quickReply?.items).toHaveLength(13);
    await say(userId, '1');
    expect((await say(userId, '1'))[0]).toContain('고성읍 고성1리');
    expect((await say(userId, '1'))[0]).toContain('등록 신청이 접수되었습니다');
    expect(emulator.requests.every((r) => r.status < 400)).toBe(true);
    expect(emulator.delivered.every((d) => d.via === 'reply')).toBe(true);

    // The head of 고성1리 uses the simulator; the outcome reaches the resident on LINE, by push.
    const sim = simClient(t.app.url);
    const request = (await sim.chat('direct', 'head-goseong-eup-1')).at(-1);
    expect(request?.text).toContain('홍라인');
    await sim.press('head-goseong-eup-1', `승인 ${/#(\d+)/.exec(request?.text ?? '')?.[1]}`);
    await settle();
    const approval = emulator.delivered.at(-1);
    expect(approval).toMatchObject({ via: 'push', to: userId });
    expect(approval?.message.text).toContain('등록이 승인되었습니다');
    expect(approval?.retryKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a button press (postback) is handled as the command it stands for', async () => {
    const userId = 'U2000000000000000000000000000postback';
    await post([line.linePostbackEvent({ userId, data: '등록', replyToken: emulator.issueReplyToken(userId) })]);
    await settle();
    expect(emulator.delivered.at(-1)?.message.text).toContain('개인정보 수집·이용 동의');
  });
});

describe('LINE webhook events', () => {
  test('a redelivered event is handled once', async () => {
    const userId = 'U3000000000000000000000000000redeliver';
    const event = line.lineTextEvent({ userId, text: '도움말', replyToken: emulator.issueReplyToken(userId) });
    await post([event]);
    await post([{ ...event, deliveryContext: { isRedelivery: true } }]);
    await settle();
    expect(emulator.delivered.filter((d) => d.to === userId)).toHaveLength(1);
    expect(
      await t.database.db.select().from(inboundEvents).where(eq(inboundEvents.eventId, event.webhookEventId)),
    ).toHaveLength(1);
  });

  test.each([
    ['image', line.lineImageEvent],
    ['video', line.lineVideoEvent],
    ['audio', line.lineAudioEvent],
    ['file', line.lineFileEvent],
    ['location', line.lineLocationEvent],
    ['sticker', line.lineStickerEvent],
  ])('a 1:1 %s message gets a polite Korean answer', async (_kind, build) => {
    const userId = `U4000000000000000000000000000${_kind}`;
    await post([build({ userId, replyToken: emulator.issueReplyToken(userId) })]);
    await settle();
    expect(emulator.delivered.at(-1)?.message.text).toContain('사진이나 위치는 의견과 함께 받습니다');
  });

  test('unfollow makes the identity unreachable; follow again makes it reachable', async () => {
    const userId = 'U5000000000000000000000000000unfollow';
    await say(userId, '도움말');
    await post([line.lineUnfollowEvent({ userId })]);
    await settle();
    const [identity] = await t.database.db.select().from(identities).where(eq(identities.platformUserId, userId));
    expect(identity?.reachable).toBe(false);
    await post([line.lineFollowEvent({ userId, replyToken: emulator.issueReplyToken(userId) })]);
    await settle();
    const [again] = await t.database.db.select().from(identities).where(eq(identities.platformUserId, userId));
    expect(again?.reachable).toBe(true);
  });

  test('in a group the bot is silent unless mentioned; a village head links the group; leave unlinks it', async () => {
    const groupId = 'C6000000000000000000000000000group';
    const headId = 'U6000000000000000000000000000head';
    await post([line.lineJoinEvent({ groupId, replyToken: emulator.issueReplyToken(groupId) })]);
    await settle();
    expect(emulator.delivered.at(-1)).toMatchObject({ to: groupId });
    expect(emulator.delivered.at(-1)?.message.text).toContain('마을방 연결');

    const before = emulator.delivered.length;
    await post([
      line.lineTextEvent({
        userId: 'U6000000000000000000000000000chat',
        groupId,
        text: '다들 안녕하세요',
        replyToken: emulator.issueReplyToken(groupId),
      }),
    ]);
    await post([line.lineMemberJoinedEvent({ groupId, userIds: ['U6000000000000000000000000000new'] })]);
    await post([line.lineMemberLeftEvent({ groupId, userIds: ['U6000000000000000000000000000new'] })]);
    await post([line.lineUnsendEvent({ userId: 'U6000000000000000000000000000chat', groupId })]);
    await settle();
    expect(emulator.delivered.length).toBe(before);

    await post([
      line.lineTextEvent({
        userId: 'U6000000000000000000000000000chat',
        groupId,
        text: '@마을 도움말',
        mention: { self: true },
        replyToken: emulator.issueReplyToken(groupId),
      }),
    ]);
    await settle();
    expect(emulator.delivered.at(-1)?.message.text).toContain('단체방에서는');

    // The head of 고성2리 uses LINE: they link this group to their village, and leaving unlinks it.
    await say(headId, '도움말');
    const [head] = await t.database.db.select().from(identities).where(eq(identities.platformUserId, headId));
    await t.database.db.insert(roles).values({ memberId: head?.memberId ?? -1, role: 'village_head', villageId: 2 });
    await post([
      line.lineTextEvent({
        userId: headId,
        groupId,
        text: '마을방 연결',
        replyToken: emulator.issueReplyToken(groupId),
      }),
    ]);
    await settle();
    expect(emulator.delivered.at(-1)?.message.text).toContain('고성2리 마을방으로 연결');
    expect(await t.database.db.select().from(groupChats).where(eq(groupChats.chatId, groupId))).toMatchObject([
      { villageId: 2 },
    ]);
    await post([line.lineLeaveEvent({ groupId })]);
    await settle();
    expect(await t.database.db.select().from(groupChats).where(eq(groupChats.chatId, groupId))).toEqual([]);
  });

  test('a room (a multi-person chat) is a group chat too', async () => {
    const roomId = 'R7000000000000000000000000000room';
    await post([
      line.lineTextEvent({
        userId: 'U7000000000000000000000000000r',
        roomId,
        text: '/도움말',
        replyToken: emulator.issueReplyToken(roomId),
      }),
    ]);
    await settle();
    expect(emulator.delivered.at(-1)).toMatchObject({ to: roomId });
  });

  test.each([
    ['a missing signature', { signature: null }, 401],
    ['a bad signature', { signature: 'bm90IGEgc2lnbmF0dXJl' }, 401],
  ])('%s is refused with 401', async (_name, opts, status) => {
    const res = await line.sendLineWebhook(webhookUrl, SECRET, line.lineWebhookBody('Ubot', []), opts);
    expect(res.status).toBe(status);
  });

  test('a body that is not JSON is 400, an oversized one 413, the URL check 200; the server keeps running', async () => {
    expect((await line.sendLineWebhook(webhookUrl, SECRET, '{"events": [')).status).toBe(400);
    expect((await line.sendLineWebhook(webhookUrl, SECRET, '"just a string"')).status).toBe(400);
    expect((await line.sendLineWebhook(webhookUrl, SECRET, Buffer.alloc(1_200_000, 0x20))).status).toBe(413);
    expect((await line.sendLineWebhook(webhookUrl, SECRET, line.lineWebhookBody('Ubot', []))).status).toBe(200);
    expect(
      (
        await line.sendLineWebhook(webhookUrl, SECRET, {
          events: [{ type: 'fromTheFuture', webhookEventId: 'x', timestamp: 1 }, 42, null],
        })
      ).status,
    ).toBe(200);
    expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
  });
});

test('malformed events of every kind get a 200 and are ignored, never a 5xx', async () => {
  const valid = line.lineTextEvent({ userId: 'Ud000000000000000000000000000fuzz', text: '도움말' });
  const mutations: unknown[] = [
    { ...valid, message: undefined },
    { ...valid, message: { type: 'text' } },
    { ...valid, message: { type: 'text', text: 42, mention: { mentionees: 'x' } } },
    { ...valid, source: undefined },
    { ...valid, source: { type: 'group' } },
    { ...valid, source: { type: 'user', userId: 7 } },
    { ...valid, type: 'postback', postback: null },
    { ...valid, type: 'postback', postback: { data: 12 } },
    { ...valid, timestamp: 'yesterday' },
    { ...valid, webhookEventId: null },
    { ...valid, type: 'message', message: { type: 'hologram', id: '1' } },
    'a string',
    [],
  ];
  for (const event of mutations) {
    const res = await line.sendLineWebhook(webhookUrl, SECRET, { destination: 'Ubot', events: [event] });
    expect(res.status, JSON.stringify(event).slice(0, 80)).toBe(200);
  }
  await settle();
  expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
});

describe('a resident on two platforms', () => {
  const lineUser = 'U1000000000000000000000000000resident'; // registered and approved in the first test
  const simTwin = 'sim-linked-line-user';
  let memberId = -1;

  beforeAll(async () => {
    const [identity] = await t.database.db.select().from(identities).where(eq(identities.platformUserId, lineUser));
    memberId = identity?.memberId ?? -1;
    await t.database.db
      .insert(identities)
      .values({ memberId, platform: 'websim', platformUserId: simTwin, lastSeenAt: new Date('2026-01-01T00:00:00Z') });
  });

  test('a broadcast that LINE refuses for good reaches them on their next platform, and 현황 counts it as a fallback', async () => {
    const sim = simClient(t.app.url);
    emulator.failNext(1, { status: 400, body: { message: 'The request body has 1 error(s)' } });
    await sendBroadcast(sim, 'staff-goseong-eup', '방송 보내기 상수도 공사로 오후 2시부터 단수됩니다');
    await settle();
    const rows = await t.database.db.select().from(outbox).where(eq(outbox.memberId, memberId));
    const onLine = rows.find((r) => r.platform === 'line' && r.purpose === 'broadcast');
    expect(onLine).toMatchObject({ status: 'failed' });
    expect(onLine?.lastError).toContain('400');
    expect(rows.find((r) => r.fallbackOf === onLine?.id)).toMatchObject({ platform: 'websim', status: 'sent' });
    expect((await sim.chat('direct', simTwin)).at(-1)?.text).toContain('단수됩니다');
    const status = (await sim.say('staff-goseong-eup', '현황'))[0] ?? '';
    expect(status).toContain('LINE: 보냄 0 · 대기 0 · 실패 1');
    expect(status).toMatch(/시뮬레이터: 보냄 \d+\(대체 1\)/);
  });

  test('after they block the bot on LINE (LINE sends unfollow), broadcasts go to their other platform', async () => {
    emulator.blockUser(lineUser);
    await post([line.lineUnfollowEvent({ userId: lineUser })]);
    await settle();
    const sim = simClient(t.app.url);
    await sendBroadcast(sim, 'staff-goseong-eup', '방송 보내기 내일은 쓰레기 수거가 없습니다');
    await settle();
    expect((await sim.chat('direct', simTwin)).at(-1)?.text).toContain('쓰레기 수거');
    expect(emulator.delivered.some((d) => d.to === lineUser)).toBe(false);
  });
});

describe('sending to LINE', () => {
  async function enqueueTo(userId: string, text: string, key: string, replyToken?: string) {
    await enqueue(t.database.db, t.app.deps, {
      dedupeKey: key,
      to: { platform: 'line', type: 'direct', id: userId },
      purpose: 'report.staff',
      messages: [{ text }],
      replyHandle: replyToken
        ? { token: replyToken, expiresAt: new Date(t.clock.now().getTime() + 50_000).toISOString() }
        : null,
    });
  }
  const rowOf = async (key: string) => (await t.database.db.select().from(outbox).where(eq(outbox.dedupeKey, key)))[0];

  test('a reply longer than 5,000 characters arrives split on line boundaries, within LINE limits', async () => {
    const paragraph = `${'마을 소식을 전합니다. '.repeat(40)}\n`;
    await enqueueTo('U8000000000000000000000000000long', paragraph.repeat(30), 'long');
    await t.app.delivery.flush();
    const texts = emulator.delivered.map((d) => d.message.text as string);
    expect(texts.length).toBe(Math.ceil((paragraph.length * 30) / 5000));
    expect(texts.every((x) => x.length <= 5000 && x.trimEnd().endsWith('전합니다.'))).toBe(true);
    const squash = (x: string) => x.replace(/\s+/g, ' ').trim();
    expect(squash(texts.join('\n'))).toBe(squash(paragraph.repeat(30)));
    expect(emulator.requests.every((r) => r.status === 200)).toBe(true);
  });

  test('an expired reply token falls back to push', async () => {
    const userId = 'U9000000000000000000000000000expired';
    await enqueueTo(userId, '늦은 답장', 'expired', emulator.issueReplyToken(userId));
    t.clock.advance(70_000);
    await t.app.delivery.flush();
    expect(emulator.delivered).toMatchObject([{ via: 'push', to: userId, message: { text: '늦은 답장' } }]);
  });

  test('a 429 with Retry-After is retried after that time, and delivered once', async () => {
    const userId = 'Ua000000000000000000000000000ratelimited';
    emulator.failNext(1, { status: 429, retryAfterSeconds: 30 });
    await enqueueTo(userId, '잠시 후', 'rate-limited');
    await t.app.delivery.flush();
    expect(await rowOf('rate-limited')).toMatchObject({ status: 'retrying' });
    t.clock.advance(20_000);
    await t.app.delivery.flush();
    expect(emulator.delivered).toHaveLength(0);
    t.clock.advance(15_000);
    await t.app.delivery.flush();
    expect(emulator.delivered).toMatchObject([{ to: userId, message: { text: '잠시 후' } }]);
    expect(await rowOf('rate-limited')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test("a blocked user's 400 is a recorded permanent failure", async () => {
    const userId = 'Ub000000000000000000000000000blocked';
    emulator.blockUser(userId);
    await enqueueTo(userId, '소식', 'blocked');
    await t.app.delivery.flush();
    t.clock.advance(3_600_000);
    await t.app.delivery.flush();
    const row = await rowOf('blocked');
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row?.lastError).toContain('400');
  });

  test('a push accepted before a lost response is not delivered twice (409 on the same retry key)', async () => {
    const userId = 'Uc000000000000000000000000000twice';
    await enqueueTo(userId, '한 번만', 'twice');
    const row = await rowOf('twice');
    const { messagingApi } = await import('@line/bot-sdk');
    await new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.baseUrl }).pushMessage(
      { to: userId, messages: [{ type: 'text', text: '한 번만' }] },
      row?.idempotencyKey,
    );
    await t.app.delivery.flush();
    expect(emulator.delivered.filter((d) => d.to === userId)).toHaveLength(1);
    expect(await rowOf('twice')).toMatchObject({ status: 'sent' });
  });
});

test('registrations over LINE keep no plaintext number', async () => {
  const rows = await t.database.db.select().from(registrations);
  expect(JSON.stringify(rows)).not.toContain('2468-1357');
  expect(JSON.stringify(rows)).not.toContain('24681357');
});
