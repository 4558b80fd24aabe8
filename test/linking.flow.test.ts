import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  dialogStates,
  identities,
  inboundEvents,
  linkCodes,
  members,
  outbox,
  registrations,
} from '../db/schema/index.ts';
import { startLineEmulator, type LineEmulator } from './line/line.emulator.ts';
import * as line from './line/line.webhook.sender.ts';
import { sendBroadcast } from './support/broadcast.flow.ts';
import { registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

/**
 * 연결 over two real channels: the simulator and LINE (its emulator speaking the Messaging API on 127.0.0.1). One app
 * and database for the file; the clock is moved by hand so that "most recently used" and the code's 10 minutes are
 * exact.
 */
const SECRET = 'line-channel-secret-for-linking';
const TOKEN = 'line-access-token-for-linking';
const HEAD = 'head-goseong-eup-1'; // 고성읍 고성1리
const STAFF = 'staff-goseong-eup';
const MINUTE = 60_000;

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
beforeEach(() => emulator.reset());

async function settle(): Promise<void> {
  await t.app.inbound.idle();
  await t.app.delivery.flush();
}

/** A person says something in their LINE 1:1 chat; returns the texts that reached them on LINE. */
async function lineSay(userId: string, text: string): Promise<string[]> {
  const before = emulator.delivered.length;
  const replyToken = emulator.issueReplyToken(userId);
  const body = line.lineWebhookBody('Ubot', [line.lineTextEvent({ userId, text, replyToken })]);
  expect((await line.sendLineWebhook(`${t.app.url}/webhooks/line`, SECRET, body)).status).toBe(200);
  await settle();
  return emulator.delivered
    .slice(before)
    .flatMap((d) => (d.to === userId && d.message.type === 'text' ? [d.message.text as string] : []));
}

/** The help menu as the person sees it: its text and its numbered choices (LINE: quick replies). */
async function lineMenu(userId: string): Promise<string> {
  const before = emulator.delivered.length;
  await lineSay(userId, '도움말');
  return emulator.delivered
    .slice(before)
    .flatMap((d) => [
      String(d.message.text ?? ''),
      ...(d.message.quickReply?.items ?? []).map((i) => i.action?.label ?? ''),
    ])
    .join('\n');
}

async function simMenu(id: string): Promise<string> {
  return (await sim.sayFull(id, '도움말')).flatMap((m) => [m.text, ...(m.choices ?? [])]).join('\n');
}

async function memberOf(platformUserId: string): Promise<number> {
  const [row] = await t.database.db
    .select({ memberId: identities.memberId })
    .from(identities)
    .where(eq(identities.platformUserId, platformUserId));
  return row?.memberId ?? -1;
}

/** `연결` in the simulator: the code it shows. */
async function codeFromSim(id: string): Promise<string> {
  const answer = (await sim.say(id, '연결')).join('\n');
  const m = /연결 번호: (\d{3}) (\d{3})/.exec(answer);
  if (!m) throw new Error(`no code in ${answer}`);
  return `${m[1]}${m[2]}`;
}

async function lineUser(userId: string, nickname: string): Promise<void> {
  emulator.setProfile(userId, { displayName: nickname });
  t.clock.advance(MINUTE);
  await lineSay(userId, '안녕하세요');
}

describe('a resident on the simulator and on LINE, linked with a code', () => {
  const LINE_USER = 'U2000000000000000000000000000linked';
  let simId = '';
  let memberId = -1;

  beforeAll(async () => {
    simId = await registerApproved(sim, {
      nickname: '연결이',
      name: '김연결',
      mobile: '010-5100-0001',
      head: HEAD,
    });
    await lineUser(LINE_USER, '연결이라인');
  });

  test('the code typed on LINE makes one member: one registration, the resident menu on both', async () => {
    const simMember = await memberOf(simId);
    const lineMember = await memberOf(LINE_USER);
    expect(lineMember).not.toBe(simMember);
    const code = await codeFromSim(simId);
    const [stored] = await t.database.db.select().from(linkCodes).where(eq(linkCodes.memberId, simMember));
    expect(stored?.codeHash).not.toContain(code);

    t.clock.advance(MINUTE);
    const answer = (await lineSay(LINE_USER, `연결 ${code}`)).join('\n');
    expect(answer).toContain('연결되었습니다');
    // Where the code was shown hears of it, with the one command that undoes it.
    expect((await sim.chat('direct', simId)).at(-1)?.text).toContain('LINE 계정이 연결되었습니다');
    expect((await sim.chat('direct', simId)).at(-1)?.text).toContain('"연결 끊기 LINE"을');
    memberId = await memberOf(LINE_USER);
    expect(memberId).toBe(simMember);
    expect(await memberOf(simId)).toBe(simMember);
    expect(await t.database.db.select().from(members).where(eq(members.id, lineMember))).toEqual([]);
    const open = await t.database.db
      .select()
      .from(registrations)
      .where(and(eq(registrations.memberId, memberId), inArray(registrations.status, ['pending', 'approved'])));
    expect(open).toHaveLength(1);
    expect(await t.database.db.select().from(linkCodes).where(eq(linkCodes.memberId, memberId))).toEqual([]);

    for (const menu of [await lineMenu(LINE_USER), await simMenu(simId)]) {
      expect(menu).toContain('탈퇴');
      expect(menu).not.toContain('실명 등록');
    }
    expect((await lineSay(LINE_USER, '등록')).join('\n')).toContain('고성1리 주민으로 등록되어');
  });

  test('a broadcast reaches them once, on the platform they used last (LINE)', async () => {
    t.clock.advance(MINUTE);
    await lineSay(LINE_USER, '도움말');
    const before = (await sim.chat('direct', simId)).length;
    await sendBroadcast(sim, STAFF, '방송 보내기 연결 시험 방송 하나입니다');
    await settle();
    const rows = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.memberId, memberId), eq(outbox.purpose, 'broadcast')));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ platform: 'line', status: 'sent' });
    expect(emulator.delivered.filter((d) => d.message.text?.toString().includes('시험 방송 하나'))).toHaveLength(1);
    expect((await sim.chat('direct', simId)).slice(before).some((m) => m.text.includes('시험 방송 하나'))).toBe(false);
  });

  test('when LINE refuses for good, the broadcast falls back to the simulator, once', async () => {
    emulator.failNext(1, { status: 400, body: { message: 'The request body has 1 error(s)' } });
    await sendBroadcast(sim, STAFF, '방송 보내기 연결 시험 방송 둘입니다');
    await settle();
    const rows = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.memberId, memberId), eq(outbox.purpose, 'broadcast')));
    const onLine = rows.find((r) => r.platform === 'line' && r.status === 'failed');
    expect(onLine).toBeDefined();
    expect(rows.filter((r) => r.fallbackOf === onLine?.id)).toMatchObject([{ platform: 'websim', status: 'sent' }]);
    expect((await sim.chat('direct', simId)).filter((m) => m.text.includes('시험 방송 둘'))).toHaveLength(1);
  });

  test('설정 lists both platforms and the person puts the simulator first: the next broadcast goes there', async () => {
    const shown = (await lineSay(LINE_USER, '설정')).join('\n');
    expect(shown).toContain('1. LINE (지금 쓰시는 곳)');
    expect(shown).toContain('2. 시뮬레이터');
    const asked = (await lineSay(LINE_USER, '먼저 받을 메신저')).join('\n');
    expect(asked).toContain('먼저 받으실 메신저');
    const done = (await lineSay(LINE_USER, '2')).join('\n');
    expect(done).toContain('시뮬레이터로 먼저');
    expect(done).toContain('1. 시뮬레이터');
    await lineSay(LINE_USER, '마치기');

    t.clock.advance(MINUTE);
    await lineSay(LINE_USER, '도움말'); // LINE is still the most recent: the choice wins over it
    await sendBroadcast(sim, STAFF, '방송 보내기 연결 시험 방송 셋입니다');
    await settle();
    const rows = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.memberId, memberId), eq(outbox.purpose, 'broadcast')));
    const third = rows.filter((r) => r.fallbackOf === null).at(-1);
    expect(third).toMatchObject({ platform: 'websim', status: 'sent' });
    expect((await sim.chat('direct', simId)).at(-1)?.text).toContain('시험 방송 셋');
  });

  test('연결 끊기 on LINE: LINE starts again unregistered, the simulator keeps the registration; the last one cannot leave', async () => {
    const answer = (await lineSay(LINE_USER, '연결 끊기')).join('\n');
    expect(answer).toContain('연결을 풀었습니다');
    const detached = await memberOf(LINE_USER);
    expect(detached).not.toBe(memberId);
    expect(await memberOf(simId)).toBe(memberId);
    expect(await lineMenu(LINE_USER)).toContain('실명 등록');
    expect(await simMenu(simId)).toContain('탈퇴');
    // A phone identity (the registered number, issue 17) is no messenger to unlink, nor one that makes two.
    await t.database.db
      .insert(identities)
      .values({ memberId, platform: 'phone', platformUserId: 'phone-hash-linking' });
    expect((await sim.say(simId, '연결 끊기')).join('\n')).toContain('연결되어 있지 않습니다');
    expect(await memberOf(simId)).toBe(memberId);
  });
});

describe('codes that do not link', () => {
  test('a wrong code is refused with the tries left; after 5 in an hour even the right code waits the hour', async () => {
    const simId = (await sim.newPersona('틀림이')).id;
    const user = 'U2000000000000000000000000000wrong1';
    await lineUser(user, '틀림');
    const replies: string[] = [];
    for (const guess of ['000001', '000002', '000003', '000004', '000005'])
      replies.push((await lineSay(user, `연결 ${guess}`)).join('\n'));
    expect(replies[0]).toContain('연결 번호가 맞지 않습니다');
    expect(replies[0]).toContain('4번 더');
    expect(replies[3]).toContain('1번 더');
    expect(replies[4]).toContain('한 시간 뒤에 다시');
    const code = await codeFromSim(simId);
    expect((await lineSay(user, `연결 ${code}`)).join('\n')).toContain('한 시간 뒤에 다시');
    expect(await memberOf(user)).not.toBe(await memberOf(simId));

    t.clock.advance(61 * MINUTE);
    const fresh = await codeFromSim(simId);
    expect((await lineSay(user, `연결 ${fresh}`)).join('\n')).toContain('연결되었습니다');
    expect(await memberOf(user)).toBe(await memberOf(simId));
    // Undone from the other account, naming the platform as people say it.
    expect((await sim.say(simId, '연결 끊기 라인')).join('\n')).toContain('LINE 연결을 풀었습니다');
    expect(await memberOf(user)).not.toBe(await memberOf(simId));
  });

  test('a code is void after 10 wrong codes typed anywhere while it lives', async () => {
    const simId = (await sim.newPersona('여럿')).id;
    const code = await codeFromSim(simId);
    const guessers = ['U2000000000000000000000000000guess1', 'U2000000000000000000000000000guess2'];
    for (const user of guessers) {
      await lineUser(user, '추측');
      for (let i = 0; i < 5; i++) await lineSay(user, `연결 ${code === '999999' ? '999998' : '999999'}`);
    }
    const late = 'U2000000000000000000000000000late01';
    await lineUser(late, '늦게');
    expect((await lineSay(late, `연결 ${code}`)).join('\n')).toContain('맞지 않습니다');
    expect(await memberOf(late)).not.toBe(await memberOf(simId));
  });

  test('a code typed after its 10 minutes is expired, and one typed where it was shown links nothing', async () => {
    const simId = (await sim.newPersona('늦음이')).id;
    const user = 'U2000000000000000000000000000expire';
    await lineUser(user, '늦음');
    const code = await codeFromSim(simId);
    expect((await sim.say(simId, `연결 ${code}`)).join('\n')).toContain('여기서 받으신 번호');
    t.clock.advance(10 * MINUTE + 1000);
    expect((await lineSay(user, `연결 ${code}`)).join('\n')).toContain('사용 시간(10분)이 지났습니다');
    expect(await memberOf(user)).not.toBe(await memberOf(simId));
  });

  test('two registrations are not merged: the person is told to withdraw one first', async () => {
    const a = await registerApproved(sim, { nickname: '둘다', name: '이둘다', mobile: '010-5100-0003', head: HEAD });
    const b = await registerApproved(sim, { nickname: '둘다2', name: '이둘다', mobile: '010-5100-0004', head: HEAD });
    const code = await codeFromSim(a);
    expect((await sim.say(b, `연결 ${code}`)).join('\n')).toContain('한쪽에서 "탈퇴"하신 뒤');
    expect(await memberOf(a)).not.toBe(await memberOf(b));
  });
});

describe('registering on a second platform with one’s own number', () => {
  const user = 'U2000000000000000000000000000second';
  let simId = '';

  test('is offered to link, and is told nothing about the other registration', async () => {
    simId = await registerApproved(sim, { nickname: '두번째', name: '박두번', mobile: '010-5100-0002', head: HEAD });
    await lineUser(user, '두번째라인');
    for (const answer of ['등록', '1', '박두번']) await lineSay(user, answer);
    const answer = (await lineSay(user, '010-5100-0002')).join('\n');
    expect(answer).toContain('이 번호로는 이미 등록되어');
    expect(answer).toContain('"연결"');
    for (const secret of ['박', '고성1리', '고성읍', '시뮬레이터', '승인']) expect(answer).not.toContain(secret);
    // The dialog ended: the code is a command now, not a mobile number.
    const code = await codeFromSim(simId);
    expect((await lineSay(user, `연결 ${code}`)).join('\n')).toContain('연결되었습니다');
    expect(await memberOf(user)).toBe(await memberOf(simId));
  });

  test('탈퇴 on LINE erases what both accounts held', async () => {
    const memberId = await memberOf(user);
    await sim.say(simId, '설정'); // a dialog left open on the other account
    expect((await lineSay(user, '탈퇴')).join('\n')).toContain('탈퇴할까요');
    expect((await lineSay(user, '1')).join('\n')).toContain('이름과 휴대전화 번호를 지웠습니다');
    const [registration] = await t.database.db.select().from(registrations).where(eq(registrations.memberId, memberId));
    expect(registration).toMatchObject({ status: 'withdrawn', realName: null, mobileEnc: null, mobileHash: null });
    const own = await t.database.db.select().from(identities).where(eq(identities.memberId, memberId));
    expect(own.map((i) => i.platform).sort()).toEqual(['line', 'websim']);
    expect(own.every((i) => i.nickname === null)).toBe(true);
    expect(
      await t.database.db
        .select()
        .from(dialogStates)
        .where(
          inArray(
            dialogStates.identityId,
            own.map((i) => i.id),
          ),
        ),
    ).toEqual([]);
    for (const identity of own) {
      const events = await t.database.db
        .select({ payloadEnc: inboundEvents.payloadEnc })
        .from(inboundEvents)
        .where(
          and(eq(inboundEvents.platform, identity.platform), eq(inboundEvents.platformUserId, identity.platformUserId)),
        );
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((e) => e.payloadEnc === null)).toBe(true);
    }
    // The number is free again, on either platform.
    expect(await simMenu(simId)).toContain('실명 등록');
  });
});
