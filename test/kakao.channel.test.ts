import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createKakaoChannel, KAKAO_ANSWER_WITHIN_MS } from '../bots/kakao/kakao.channel.ts';
import { KAKAO_GROUP_CHATS_NOTE } from '../bots/kakao/kakao.facts.ts';
import { lineChannel } from '../bots/line/line.channel.ts';
import { websimChannel } from '../bots/websim/websim.channel.ts';
import { importWorkshops } from '../core/workshops/workshop.import.ts';
import {
  identities,
  inboundEvents,
  members,
  outbox,
  registrations,
  villages,
  workshopSignups,
} from '../db/schema/index.ts';
import { startKakaoEmulator, type KakaoEmulator, type SkillExchange } from './kakao/kakao.emulator.ts';
import { startLineEmulator, type LineEmulator } from './line/line.emulator.ts';
import * as lineHook from './line/line.webhook.sender.ts';
import { sendBroadcast } from './support/broadcast.flow.ts';
import { settleFeedback } from './support/feedback.setup.ts';
import { seedHeads } from './support/heads.seed.ts';
import { approveLatest } from './support/registration.flow.ts';
import { seedResidents } from './support/residents.seed.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

const SECRET = 'kakao-skill-secret-for-tests';
const KEY = 'kakao-rest-api-key-for-tests';
const BOT = '667e5382f2b2f84cb555091c';
const LINE_TOKEN = 'line-access-token-for-tests';
const LINE_SECRET = 'line-channel-secret-for-tests';
let kakao: KakaoEmulator;
let line: LineEmulator;
let t: TestApp;
let sim: ReturnType<typeof simClient>;
/** How long a skill request may take before it answers late: a test sets 0 to make every turn "slow". */
let answerWithinMs = KAKAO_ANSWER_WITHIN_MS;

beforeAll(async () => {
  const now = () => t.clock.now().getTime();
  kakao = await startKakaoEmulator({ restApiKey: KEY, botId: BOT, now });
  line = await startLineEmulator({ channelAccessToken: LINE_TOKEN, now });
  t = await startTestApp({
    env: {
      KAKAO_SKILL_SECRET: SECRET,
      KAKAO_REST_API_KEY: KEY,
      KAKAO_BOT_ID: BOT,
      KAKAO_API_BASE_URL: kakao.baseUrl,
      KAKAO_CALLBACK: 'on',
      LINE_CHANNEL_SECRET: LINE_SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN,
      LINE_API_BASE_URL: line.baseUrl,
    },
    channels: [
      websimChannel,
      lineChannel,
      createKakaoChannel({ answerWithinMs: () => answerWithinMs, pollDelaysMs: [10, 30, 60] }),
    ],
  });
  kakao.connect(`${t.app.url}/webhooks/kakao`, SECRET);
  sim = simClient(t.app.url);
}, 60_000);
afterAll(async () => {
  await t.stop();
  await kakao.close();
  await line.close();
});
beforeEach(() => {
  answerWithinMs = KAKAO_ANSWER_WITHIN_MS;
  expect(kakao.violations).toEqual([]);
});

/** A botUserKey as Kakao gives them: 64 hex characters and a suffix. */
const userKey = (n: number) => `${n.toString(16).padStart(64, 'a')}ae`;
const RESIDENT = userKey(1);
const said = (x: SkillExchange) => x.texts.join('\n');
const say = async (who: string, text: string) => said(await kakao.say(who, text));
/** What happens after Kakao got its answer: the events handled, their deliveries sent. */
async function settle(): Promise<void> {
  await t.app.inbound.idle();
  await t.app.delivery.flush();
}

/** A turn that answered before its event was even stored: wait for its reply to be written, then send it. */
async function settleReplyTo(userId: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await t.database.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.chatId, userId), eq(outbox.purpose, 'reply')));
    if (row) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await settle();
}
const lastEvent = (who: string) =>
  kakao
    .inbox(who)
    .filter((b) => b.via === 'event')
    .at(-1)?.text ?? '';
async function memberOf(userId: string): Promise<number> {
  const [row] = await t.database.db
    .select({ id: identities.memberId })
    .from(identities)
    .where(and(eq(identities.platform, 'kakao'), eq(identities.platformUserId, userId)));
  return row?.id ?? -1;
}

describe('a resident over KakaoTalk', () => {
  test('registers with quick replies, is approved by the village head, and is told by the Event API', async () => {
    const consent = await kakao.say(RESIDENT, '등록');
    expect(said(consent)).toContain('개인정보 수집·이용 동의');
    // Numbered choices are quick replies whose message text is the number.
    expect(consent.quickReplies[0]).toMatchObject({ action: 'message', messageText: '1' });
    expect(said(await kakao.press(RESIDENT, consent.quickReplies[0]!))).toContain('실명을 입력');
    expect(await say(RESIDENT, '홍카카')).toContain('휴대전화');
    const districts = await kakao.say(RESIDENT, '010-2468-9753');
    expect(districts.quickReplies).toHaveLength(10); // 14 districts: all numbered in the text, 10 quick replies
    expect(said(districts)).toContain('14. ');
    await kakao.press(RESIDENT, districts.quickReplies[0]!);
    expect(await say(RESIDENT, '1')).toContain('고성읍 고성1리');
    expect(await say(RESIDENT, '1')).toContain('등록 신청이 접수되었습니다');

    await approveLatest(sim, 'head-goseong-eup-1');
    await t.app.delivery.flush();
    expect(lastEvent(RESIDENT)).toContain('등록이 승인되었습니다');
    const [row] = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.platform, 'kakao'), eq(outbox.purpose, 'registration.approved')));
    expect(row).toMatchObject({ status: 'sent', chatId: RESIDENT });
    expect(row?.platformMessageId).toBe(kakao.events.at(-1)?.taskId);
    // Every answer so far went inside its skill request, recorded as sent like any other delivery.
    const replies = await t.database.db
      .select({ status: outbox.status })
      .from(outbox)
      .where(and(eq(outbox.platform, 'kakao'), eq(outbox.purpose, 'reply')));
    expect(replies.length).toBeGreaterThanOrEqual(7);
    expect(replies.every((r) => r.status === 'sent')).toBe(true);
    expect(kakao.events.filter((e) => e.users.includes(RESIDENT))).toHaveLength(1);
  });

  test('sends feedback, gets a receipt at once and the staff answer by the Event API', async () => {
    const reply = await say(RESIDENT, '의견 마을 앞 도로에 구멍이 생겨 위험합니다');
    const receipt = /접수번호 (\d{4}-\d{6})/.exec(reply)?.[1] ?? '';
    expect(receipt).toMatch(/^2026-\d{6}$/);
    await settleFeedback(t);
    expect((await sim.say('staff-goseong-eup', `답변 ${receipt} 내일 보수하겠습니다`)).join('\n')).toContain(receipt);
    await t.app.delivery.flush();
    expect(lastEvent(RESIDENT)).toContain('내일 보수하겠습니다');
  });

  test('changes 설정 with numbered quick replies', async () => {
    expect(await say(RESIDENT, '설정')).toContain('지금 설정입니다.');
    expect(await say(RESIDENT, '1')).toContain('마을방송을 어떻게 받으시겠어요?');
    const changed = await kakao.say(RESIDENT, '1');
    expect(said(changed)).toContain('즉시');
    // The settings stay open, their topics as quick replies, until 마치기.
    const done = changed.quickReplies.find((q) => q.label.endsWith('마치기'));
    expect(said(await kakao.press(RESIDENT, done!))).toContain('설정을 마쳤습니다');
    const [member] = await t.database.db
      .select()
      .from(members)
      .where(eq(members.id, await memberOf(RESIDENT)));
    expect(member?.broadcastMode).toBe('instant');
  });

  test('signs up for a workshop', async () => {
    await importWorkshops({ deps: t.app.deps, text: WORKSHOPS });
    await t.app.delivery.flush();
    const list = await kakao.say(RESIDENT, '교육');
    expect(said(list)).toContain('1. 「');
    expect(await say(RESIDENT, '1')).toContain('신청할까요?');
    expect(await say(RESIDENT, '1')).toContain('신청');
    const signups = await t.database.db
      .select()
      .from(workshopSignups)
      .where(eq(workshopSignups.memberId, await memberOf(RESIDENT)));
    expect(signups).toHaveLength(1);
  });
});

const WORKSHOPS = [
  'date,weekday_ko,district_code,title_ko,hours,capacity,registration_closes_days_before,note',
  '2026-12-10,목,goseong-eup,카카오톡 활용 교육,2,20,3,',
].join('\n');

describe('broadcasts to KakaoTalk residents', () => {
  let seeded: string[] = [];

  beforeAll(async () => {
    const goseongEup = await t.database.db
      .select({ id: villages.id })
      .from(villages)
      .where(eq(villages.districtCode, 'goseong-eup'));
    seeded = await seedResidents(t.database.db, t.app.deps.cipher, {
      count: 150,
      platform: 'kakao',
      villageIds: goseongEup.map((v) => v.id),
      now: t.clock.now(),
    });
  });

  test('go by the Event API, at most 100 users a request; one blocked user fails for good, the rest are sent', async () => {
    kakao.reset();
    kakao.blockUser(seeded[3] ?? '');
    const preview = (await sim.say('staff-goseong-eup', '방송 보내기 내일 오전 9시부터 단수됩니다')).join('\n');
    expect(preview).toMatch(/kakao|카카오톡/);
    await sim.say('staff-goseong-eup', '1');
    await t.app.delivery.flush();
    const requests = kakao.requests.filter((r) => r.path.endsWith('/talk'));
    const users = requests.flatMap((r) => (r.body as { user: unknown[] }).user);
    expect(users.length).toBeGreaterThanOrEqual(150);
    // Batches are cut to what one Event API request takes: as few requests as the 100-user limit allows.
    expect(requests).toHaveLength(Math.ceil(users.length / 100));
    expect(requests.every((r) => (r.body as { user: unknown[] }).user.length <= 100)).toBe(true);
    expect(lastEvent(seeded[0] ?? '')).toContain('단수됩니다');
    const rows = await t.database.db
      .select({ chatId: outbox.chatId, status: outbox.status, lastError: outbox.lastError })
      .from(outbox)
      .where(and(eq(outbox.platform, 'kakao'), eq(outbox.purpose, 'broadcast'), inArray(outbox.chatId, seeded)));
    expect(rows).toHaveLength(150);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(149);
    expect(rows.find((r) => r.chatId === seeded[3])).toMatchObject({ status: 'failed' });
    expect(rows.find((r) => r.chatId === seeded[3])?.lastError).toContain('blocked');
  });

  test('a task whose status comes only after a few polls is still recorded per recipient', async () => {
    kakao.reset();
    kakao.taskPendingPolls(2);
    await sendBroadcast(sim, 'staff-goseong-eup', '방송 보내기 마을회관 대청소가 있습니다');
    await t.app.delivery.flush();
    const rows = await t.database.db
      .select({ status: outbox.status })
      .from(outbox)
      .where(and(eq(outbox.platform, 'kakao'), eq(outbox.purpose, 'broadcast'), inArray(outbox.chatId, seeded)));
    expect(rows.filter((r) => r.status === 'sent').length).toBe(rows.length - 1); // the blocked one from before
  });
});

describe('the skill server', () => {
  test('refuses a missing or wrong secret header with 401, and a body that is no SkillPayload with 400', async () => {
    const body = kakao.payload(userKey(9), '도움말');
    expect((await kakao.post(body)).status).toBe(401);
    expect((await kakao.post(body, { 'x-maeul-skill-secret': 'not-the-secret' })).status).toBe(401);
    expect((await kakao.post({ hello: 1 }, { 'x-maeul-skill-secret': SECRET })).status).toBe(400);
    expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
  });

  test('a button carries its command in clientExtra and is handled as that command', async () => {
    const x = await kakao.press(userKey(10), {
      label: '실명 등록',
      action: 'message',
      messageText: '등록',
      extra: { command: '등록' },
    });
    expect(said(x)).toContain('개인정보 수집·이용 동의');
  });

  test('"더 보기" of a page no longer kept asks the person to ask again, and stores nothing', async () => {
    const before = await t.database.db.$count(inboundEvents);
    const x = await kakao.say(userKey(15), '더 보기', { extra: { continue: 'gone' } });
    expect(said(x)).toContain('이어서 보여 드릴 내용이 없습니다');
    expect(await t.database.db.$count(inboundEvents)).toBe(before);
  });

  test('the same request sent twice (same callback URL) is stored and handled once', async () => {
    const body = kakao.payload(userKey(11), '도움말', { callback: true });
    const headers = { 'x-maeul-skill-secret': SECRET };
    const [a, b] = [await kakao.post(body, headers), await kakao.post(body, headers)];
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(JSON.stringify(b.json)).toContain('앞서 보내신 말씀을 처리하고 있습니다');
    const callbackUrl = (body.userRequest as { callbackUrl: string }).callbackUrl;
    const rows = await t.database.db.select().from(inboundEvents).where(eq(inboundEvents.platform, 'kakao'));
    expect(rows.filter((r) => r.platformUserId === userKey(11))).toHaveLength(1);
    expect(callbackUrl).toBeTruthy();
  });

  test('a slow turn answers useCallback at once and posts the full answer to the callback URL', async () => {
    answerWithinMs = 0;
    const x = await kakao.say(userKey(12), '도움말', { callback: true });
    expect(x.response).toMatchObject({ useCallback: true });
    await settleReplyTo(userKey(12));
    expect(kakao.inbox(userKey(12)).at(-1)).toMatchObject({ via: 'callback' });
    expect(kakao.inbox(userKey(12)).at(-1)?.text).toContain('무엇을 도와드릴까요?');
    const [row] = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.chatId, userKey(12)), eq(outbox.purpose, 'reply')));
    expect(row?.status).toBe('sent');
  });

  test('a slow turn whose callback URL has expired is answered by the Event API', async () => {
    answerWithinMs = 0;
    await kakao.say(userKey(13), '도움말', { callback: true });
    t.clock.advance(61_000);
    await settleReplyTo(userKey(13));
    expect(kakao.inbox(userKey(13)).at(-1)).toMatchObject({ via: 'event' });
    expect(kakao.callbackPosts()).toBeGreaterThanOrEqual(1); // the first slow turn's, not this one's
  });

  test('a slow turn without callbacks answers a holding text, and the answer follows by the Event API', async () => {
    answerWithinMs = 0;
    expect(await say(userKey(14), '도움말')).toContain('답은 준비되는 대로');
    await settleReplyTo(userKey(14));
    expect(lastEvent(userKey(14))).toContain('무엇을 도와드릴까요?');
  });

  test('answers every skill request within 5 s while 100 are in flight', async () => {
    // A live server is warm: Kakao's connections to it are open and its code compiled. This test process plays
    // both sides on one thread, so the connections are opened first (refused requests: nothing stored).
    await Promise.all(Array.from({ length: 100 }, () => kakao.post(kakao.payload(userKey(999), '도움말'))));
    await kakao.say(userKey(999), '도움말');
    const all = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => kakao.say(userKey(1000 + i), '도움말')));
    const answered = all.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = all.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    await settle(); // the replies of turns that answered late go by the Event API
    const times = answered.map((x) => Math.round(x.ms)).sort((a, b) => a - b);
    const late = answered.filter((x) => x.texts.some((text) => text.includes('답은 준비되는 대로'))).length;
    if (process.env.KAKAO_TIMES)
      console.log(`100 in flight: p50 ${times[49]} ms, max ${times.at(-1)} ms, late ${late}`);
    expect(refused, `answered in ${JSON.stringify(times)}`).toEqual([]);
    expect(Math.max(...times)).toBeLessThan(5_000);
  }, 30_000);
});

describe('village chats stay on LINE and Discord', () => {
  test('a village head on KakaoTalk is told where village chats are linked, in the help and for 마을방 연결', async () => {
    const [head] = await seedHeads(t.database.db, t.app.deps.cipher, {
      count: 1,
      platforms: ['kakao'],
      now: t.clock.now(),
    });
    expect(await say(head?.platformUserId ?? '', '도움말')).toContain(KAKAO_GROUP_CHATS_NOTE);
    expect(await say(head?.platformUserId ?? '', '마을방 연결')).toContain(KAKAO_GROUP_CHATS_NOTE);
    // A resident, who links no chats, is not told.
    expect(await say(RESIDENT, '도움말')).not.toContain(KAKAO_GROUP_CHATS_NOTE);
  });
});

describe('a resident on KakaoTalk and LINE', () => {
  const lineUser = 'U00000000000000000000000000kakao1';
  let memberId = -1;

  /** The resident writes on LINE (a signed webhook, as LINE sends it) and the replies are delivered. */
  async function sayOnLine(text: string): Promise<string> {
    const before = line.delivered.length;
    const event = lineHook.lineTextEvent({ userId: lineUser, text, replyToken: line.issueReplyToken(lineUser) });
    const body = lineHook.lineWebhookBody('Ubot', [event]);
    expect((await lineHook.sendLineWebhook(`${t.app.url}/webhooks/line`, LINE_SECRET, body)).status).toBe(200);
    await settle();
    return line.delivered
      .slice(before)
      .map((d) => String(d.message.text ?? ''))
      .join('\n');
  }

  test('links the two accounts with 연결 and a code, and is one member', async () => {
    const issued = await say(RESIDENT, '연결');
    const code = /연결 (\d{6})/.exec(issued)?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);
    t.clock.advance(60_000); // a minute later, on LINE: LINE is where they wrote last
    expect(await sayOnLine(`연결 ${code}`)).toContain('연결되었습니다');
    memberId = await memberOf(RESIDENT);
    const [onLine] = await t.database.db.select().from(identities).where(eq(identities.platformUserId, lineUser));
    expect(onLine?.memberId).toBe(memberId);
  });

  test('a broadcast LINE refuses for good reaches them on KakaoTalk', async () => {
    kakao.reset();
    // LINE is where they wrote last: it comes first. LINE refuses the message for good.
    line.failNext(1, { status: 400, body: { message: 'The request body has 1 error(s)' } });
    await sendBroadcast(sim, 'staff-goseong-eup', '방송 보내기 모레 버스 시간이 바뀝니다');
    await t.app.delivery.flush();
    const rows = await broadcastsTo(memberId);
    const onLine = rows.filter((r) => r.platform === 'line').at(-1);
    expect(onLine).toMatchObject({ status: 'failed' });
    expect(rows.find((r) => r.fallbackOf === onLine?.id)).toMatchObject({ platform: 'kakao', status: 'sent' });
    expect(lastEvent(RESIDENT)).toContain('버스 시간');
  });

  test('and one KakaoTalk refuses (they blocked the channel) reaches them on LINE', async () => {
    t.clock.advance(60_000);
    await say(RESIDENT, '도움말'); // KakaoTalk is now where they wrote last
    kakao.reset();
    line.reset();
    kakao.blockUser(RESIDENT);
    await sendBroadcast(sim, 'staff-goseong-eup', '방송 보내기 내일 경로잔치가 열립니다');
    await t.app.delivery.flush();
    const rows = await broadcastsTo(memberId);
    const onKakao = rows.filter((r) => r.platform === 'kakao').at(-1);
    expect(onKakao).toMatchObject({ status: 'failed' });
    expect(onKakao?.lastError).toContain('blocked');
    expect(rows.find((r) => r.fallbackOf === onKakao?.id)).toMatchObject({ platform: 'line', status: 'sent' });
    expect(line.delivered.at(-1)).toMatchObject({ to: lineUser });
    expect(line.delivered.at(-1)?.message.text).toContain('경로잔치');
  });
});

async function broadcastsTo(memberId: number) {
  return t.database.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.memberId, memberId), eq(outbox.purpose, 'broadcast')))
    .orderBy(outbox.id);
}

describe('탈퇴 over KakaoTalk', () => {
  test('withdraws: the registration is erased', async () => {
    expect(await say(RESIDENT, '탈퇴')).toContain('탈퇴할까요');
    expect(await say(RESIDENT, '1')).toContain('탈퇴했습니다');
    const [registration] = await t.database.db
      .select()
      .from(registrations)
      .where(eq(registrations.memberId, await memberOf(RESIDENT)));
    expect(registration?.realName ?? null).toBeNull();
    expect(kakao.violations).toEqual([]);
  });
});
