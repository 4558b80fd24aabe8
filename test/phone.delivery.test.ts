import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pollReports } from '../bots/phone/phone.poll.ts';
import { createSolapiClient } from '../bots/phone/solapi.client.ts';
import { reportFinishedBroadcasts } from '../core/broadcasts/broadcast.nonreceipt.ts';
import { setPhoneConsent } from '../core/phone/phone.consent.usecases.ts';
import { phoneCostSection } from '../core/phone/phone.digest.ts';
import { identities, phoneCalls, proxyRegistrations, registrations } from '../db/schema/index.ts';
import { startSolapiEmulator, type SolapiEmulator } from './phone/solapi.emulator.ts';
import { sendBroadcast } from './support/broadcast.flow.ts';
import { registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

const KEY = 'NCSPHONETESTKEY1';
const SECRET = 'phone-test-secret-0123456789';
const FROM = '0336803114';
const HOOK = 'phone-webhook-secret-0123456789';
const HEAD = 'head-goseong-eup-1'; // the demo head of 고성읍 고성1리
const BOKRYE = '01020000001'; // 김복례: no chat app, registered by the head

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let emulator: SolapiEmulator;
const provider = () => createSolapiClient({ apiKey: KEY, apiSecret: SECRET, baseUrl: emulator.baseUrl });
const poll = () => pollReports({ deps: t.app.deps, provider: provider() });
const flush = () => t.app.delivery.flush();
const MINUTE = 60_000;

beforeAll(async () => {
  emulator = await startSolapiEmulator({ apiKey: KEY, apiSecret: SECRET, senderNumbers: [FROM] });
  t = await startTestApp({
    env: {
      PHONE_PROVIDER: 'solapi',
      SOLAPI_API_KEY: KEY,
      SOLAPI_API_SECRET: SECRET,
      PHONE_SENDER_NUMBER: '033-680-3114',
      PHONE_API_BASE_URL: emulator.baseUrl,
      PHONE_REPORT_POLL_MS: '3600000',
      PHONE_WEBHOOK_SECRET: HOOK,
    },
  });
  sim = simClient(t.app.url);
});
afterAll(async () => {
  await t.stop();
  await emulator.close();
});

async function registerForResident(name: string, mobile: string, mode: '1' | '2' = '1'): Promise<string[]> {
  await sim.say(HEAD, '대신 등록');
  await sim.say(HEAD, name);
  await sim.say(HEAD, mobile);
  await sim.say(HEAD, mode);
  return sim.say(HEAD, '1');
}

const lastText = async (id: string) => (await sim.chat('direct', id)).at(-1)?.text ?? '';

describe('대신 등록 and 마을방송 by phone', { timeout: 120_000 }, () => {
  test('a head registers a resident who has no chat app; the resident is told by SMS, by whom and how to stop', async () => {
    const reply = await registerForResident('김복례', '010-2000-0001');
    expect(reply.join('\n')).toMatch(/김복례님을 고성1리 주민으로 등록했습니다 \(#\d+\)/);
    await flush();
    const sent = emulator.sendsTo(BOKRYE);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.type).toBe('LMS');
    expect(sent[0]?.text).toContain('대신 등록해 드렸습니다');
    expect(sent[0]?.text).toContain('"거부"');
    // Recorded with who and when; the phone identity is not the number; the number is in no log line.
    const [proxy] = await t.database.db.select().from(proxyRegistrations);
    const [head] = await t.database.db
      .select({ memberId: identities.memberId })
      .from(identities)
      .where(eq(identities.platformUserId, HEAD));
    expect(proxy?.registeredBy).toBe(head?.memberId);
    expect(proxy?.consentFormConfirmedAt).toBeInstanceOf(Date);
    const phones = await t.database.db.select().from(identities).where(eq(identities.platform, 'phone'));
    expect(phones).toHaveLength(1);
    expect(phones[0]?.platformUserId).not.toMatch(/\d{8}/);
    const [registration] = await t.database.db
      .select({ status: registrations.status })
      .from(registrations)
      .where(eq(registrations.id, proxy?.registrationId ?? 0));
    expect(registration?.status).toBe('approved');
    expect(t.logs.join('\n')).not.toMatch(/2000-?0001/);
  });

  test('the resident gets a broadcast by SMS and by a call; unanswered three times, 3 and 15 minutes apart, they are on the head’s non-receipt list', async () => {
    emulator.noAnswer(BOKRYE);
    const reply = await sendBroadcast(sim, HEAD, '방송 보내기 내일 오전 9시부터 11시까지 정전입니다');
    expect(reply[0]).toContain('마을방송');
    await flush();
    const types = () => emulator.sendsTo(BOKRYE).map((m) => m.type);
    expect(types().filter((x) => x === 'VOICE')).toHaveLength(1);
    expect(types().filter((x) => x === 'SMS' || x === 'LMS')).toHaveLength(2); // the welcome LMS and the broadcast
    expect(emulator.sendsTo(BOKRYE).at(-2)?.text ?? '').toContain('정전');
    expect(emulator.sendsTo(BOKRYE).at(-1)?.text ?? '').toContain('정전');
    const calls = () => types().filter((x) => x === 'VOICE').length;

    emulator.settle();
    await poll();
    t.clock.advance(2 * MINUTE);
    await flush();
    expect(calls()).toBe(1); // not yet: 3 minutes after the first
    t.clock.advance(1 * MINUTE);
    await flush();
    expect(calls()).toBe(2);
    emulator.settle();
    await poll();
    t.clock.advance(14 * MINUTE);
    await flush();
    expect(calls()).toBe(2);
    t.clock.advance(1 * MINUTE);
    await flush();
    expect(calls()).toBe(3);
    emulator.settle();
    await poll();
    t.clock.advance(60 * MINUTE);
    await flush();
    expect(calls()).toBe(3); // two retries, no more

    const attempts = await t.database.db.select().from(phoneCalls);
    expect(attempts.map((c) => [c.attempt, c.status])).toEqual([
      [1, 'unanswered'],
      [2, 'unanswered'],
      [3, 'unanswered'],
    ]);
    await reportFinishedBroadcasts(t.app.deps);
    await flush();
    expect(await lastText(HEAD)).toContain('김*례 — 전화 안 받으심 (3회)');
  });

  test('an answered call keeps the resident off the list, and 현황 shows who listened by phone', async () => {
    const before = emulator.sendsTo(BOKRYE).length;
    emulator.reset();
    await sendBroadcast(sim, HEAD, '방송 보내기 [행사] 토요일 마을 잔치에 오세요');
    await flush();
    expect(
      emulator
        .sendsTo(BOKRYE)
        .map((m) => m.type)
        .sort(),
    ).toEqual(['SMS', 'VOICE']);
    expect(before).toBeGreaterThan(0);
    emulator.settle();
    await poll();
    const head = (await sim.chat('direct', HEAD)).length;
    await reportFinishedBroadcasts(t.app.deps);
    await flush();
    const after = await sim.chat('direct', HEAD);
    expect(
      after
        .slice(head)
        .map((m) => m.text)
        .join('\n'),
    ).not.toContain('김*례');
    expect((await sim.say(HEAD, '현황'))[0]).toContain('전화로 들으심 1명');
  });

  test('the preview gives counts and estimated cost by channel; the staff digest the month’s cost so far', async () => {
    const preview = (await sim.say(HEAD, '방송 보내기 내일 오후 마을회관 대청소가 있습니다')).join('\n');
    expect(preview).toContain('휴대전화 문자 1명');
    expect(preview).toContain('예상 비용 (첫 통화 기준):');
    expect(preview).toMatch(/(장문 문자\(LMS\)|문자\(SMS\)) 1건 · 약 \d+원/);
    expect(preview).toContain('음성 전화 1건 · 약 60원');
    await sim.say(HEAD, '취소');
    const section = await phoneCostSection('이번 달 문자·전화 비용 (군 전체)')({
      tx: t.database.db,
      scope: { kind: 'district', districtCode: 'goseong-eup' },
      since: new Date(t.clock.now().getTime() - 86_400_000),
      until: t.clock.now(),
      timezone: 'Asia/Seoul',
    });
    expect(section.lines).toContain('· 음성 전화 4건 · 약 240원'); // three unanswered and one answered call
    expect(section.headline).toMatch(/^약 [\d,]+원$/);
  });

  test('a failed SMS falls back to the person’s next platform, a chat app', async () => {
    const resident = await registerApproved(sim, {
      nickname: '문자먼저',
      name: '박문자',
      mobile: '010-2000-0002',
      head: HEAD,
    });
    const [identity] = await t.database.db
      .select({ memberId: identities.memberId })
      .from(identities)
      .where(eq(identities.platformUserId, resident));
    const memberId = identity?.memberId ?? 0;
    await t.database.db.transaction((tx) =>
      setPhoneConsent({ tx, deps: t.app.deps, memberId, mode: 'sms', source: 'settings' }),
    );
    // The person put the phone first (설정 order, issue 16's rank): the broadcast goes by SMS.
    await t.database.db
      .update(identities)
      .set({ rank: 1 })
      .where(and(eq(identities.memberId, memberId), eq(identities.platform, 'phone')));
    emulator.reset();
    emulator.failTextsTo('01020000002');
    await sendBroadcast(sim, HEAD, '방송 보내기 내일 아침 수도 공사가 있습니다');
    await flush();
    expect(emulator.sendsTo('01020000002')).toHaveLength(1);
    expect(await lastText(resident)).not.toContain('수도 공사');
    emulator.settle();
    await poll();
    await flush();
    expect(await lastText(resident)).toContain('수도 공사');
  });

  test('`거부` replied to the county’s number stops phone delivery and erases the registration the head made', async () => {
    const wrong = await fetch(`${t.app.url}/webhooks/phone/not-the-secret-at-all`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'reply', from: '010-2000-0001', text: '거부' }),
    });
    expect(wrong.status).toBe(404);
    const res = await fetch(`${t.app.url}/webhooks/phone/${HOOK}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'reply', from: '010-2000-0001', text: '거부' }),
    });
    expect(res.status).toBe(200);
    const [proxy] = await t.database.db.select().from(proxyRegistrations);
    const [registration] = await t.database.db
      .select()
      .from(registrations)
      .where(eq(registrations.id, proxy?.registrationId ?? 0));
    expect(registration).toMatchObject({ status: 'withdrawn', realName: null, mobileEnc: null, mobileHash: null });
    emulator.reset();
    await sendBroadcast(sim, HEAD, '방송 보내기 [긴급] 산불 위험, 논밭 태우기를 하지 마세요');
    await flush();
    expect(emulator.sendsTo(BOKRYE)).toHaveLength(0);
  });

  test('the report webhook records a status once and answers 200', async () => {
    const res = await fetch(`${t.app.url}/webhooks/phone/${HOOK}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ messageId: 'M4VUNKNOWN', type: 'SMS', statusCode: '4000' }]),
    });
    expect(res.status).toBe(200);
    const bad = await fetch(`${t.app.url}/webhooks/phone/${HOOK}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nothing: true }),
    });
    expect(bad.status).toBe(400);
  });
});
