import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPhoneSender } from '../bots/phone/phone.sender.ts';
import { createSolapiClient } from '../bots/phone/solapi.client.ts';
import { enqueueToMember } from '../core/delivery/outbox.write.ts';
import { identities, phoneCalls } from '../db/schema/index.ts';
import { startSolapiEmulator, type SolapiEmulator } from './phone/solapi.emulator.ts';
import { sendBroadcast } from './support/broadcast.flow.ts';
import { approveLatest, registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

/**
 * Phone delivery never happens without the person's consent (issue 17): every path that can reach a person —
 * ordinary and 긴급 broadcasts, the fallback after a chat platform fails for good, a message to the member, the sender
 * itself given a phone identity or a call — is tried for people who never consented, who said 받지 않기, who opted
 * out at the provider, and who consented to text but not to calls.
 */
const KEY = 'NCSCONSENTKEY001';
const SECRET = 'consent-test-secret-0123456789';
const FROM = '0336803114';
const HEAD = 'head-goseong-eup-1';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let emulator: SolapiEmulator;
const flush = () => t.app.delivery.flush();
let neverConsented = 0;

beforeAll(async () => {
  emulator = await startSolapiEmulator({ apiKey: KEY, apiSecret: SECRET, senderNumbers: [FROM], autoSettle: true });
  t = await startTestApp({
    env: {
      PHONE_PROVIDER: 'solapi',
      SOLAPI_API_KEY: KEY,
      SOLAPI_API_SECRET: SECRET,
      PHONE_SENDER_NUMBER: FROM,
      PHONE_API_BASE_URL: emulator.baseUrl,
      PHONE_REPORT_POLL_MS: '3600000',
    },
  });
  sim = simClient(t.app.url);
});
afterAll(async () => {
  await t.stop();
  await emulator.close();
});

async function memberOf(platformUserId: string): Promise<number> {
  const [row] = await t.database.db
    .select({ memberId: identities.memberId })
    .from(identities)
    .where(eq(identities.platformUserId, platformUserId));
  return row?.memberId ?? 0;
}

async function registerWithPhone(nickname: string, name: string, mobile: string): Promise<string> {
  const { id } = await sim.newPersona(nickname);
  for (const answer of ['등록', '3', name, mobile, '1', '1', '1']) await sim.say(id, answer);
  await approveLatest(sim, HEAD);
  return id;
}

async function everyBroadcastPath(): Promise<void> {
  await sendBroadcast(sim, HEAD, '방송 보내기 경로 시험: 보통 방송');
  await sendBroadcast(sim, HEAD, '방송 보내기 [긴급] 경로 시험: 긴급 방송');
  await flush();
}

// Each test walks registrations and several broadcasts: generous timeouts for a shared CI machine.
describe('no phone delivery without consent', { timeout: 120_000 }, () => {
  test('a resident who never consented: no broadcast, 긴급 or fallback after a blocked chat reaches their phone', async () => {
    const resident = await registerApproved(sim, {
      nickname: '동의없음',
      name: '안동의',
      mobile: '010-3000-0001',
      head: HEAD,
    });
    const memberId = await memberOf(resident);
    neverConsented = memberId;
    expect(
      await t.database.db
        .select()
        .from(identities)
        .where(and(eq(identities.memberId, memberId), eq(identities.platform, 'phone'))),
    ).toEqual([]);
    await everyBroadcastPath();
    // The chat is blocked: deliveries fail for good and fall back — but not to a phone without consent.
    await t.database.db.update(identities).set({ reachable: false }).where(eq(identities.platformUserId, resident));
    await everyBroadcastPath();
    await t.database.db.transaction((tx) =>
      enqueueToMember(tx, t.app.deps, {
        memberId,
        messages: [{ text: '개인 알림' }],
        purpose: 'registration.approved',
        dedupeKey: `test:${randomUUID()}`,
      }),
    );
    await flush();
    expect(emulator.sendsTo('01030000001')).toEqual([]);
  });

  test('the sender itself refuses a phone identity or a call without consent, and sends nothing', async () => {
    const sender = createPhoneSender({
      provider: createSolapiClient({ apiKey: KEY, apiSecret: SECRET, baseUrl: emulator.baseUrl }),
      deps: t.app.deps,
      from: FROM,
    });
    const hash = t.app.deps.cipher.blindIndex('+821030000001');
    const text = await sender.send({
      to: { platform: 'phone', type: 'direct', id: hash },
      messages: [{ text: '안내' }],
      idempotencyKey: randomUUID(),
      attempt: 1,
    });
    expect(text).toMatchObject({ ok: false, permanent: true, error: 'no consent to phone delivery' });
    const multicast = await sender.multicast({
      recipients: [hash],
      messages: [{ text: '안내' }],
      idempotencyKey: randomUUID(),
    });
    expect(multicast.map((o) => o.result.ok)).toEqual([false]);
    const [call] = await t.database.db
      .insert(phoneCalls)
      .values({ broadcastId: 1, memberId: neverConsented, attempt: 9, createdAt: new Date() })
      .returning({ id: phoneCalls.id });
    const placed = await sender.send({
      to: { platform: 'phone', type: 'direct', id: `call:${call?.id}` },
      messages: [{ text: '전화' }],
      idempotencyKey: randomUUID(),
      attempt: 1,
    });
    expect(placed.ok).toBe(false);
    expect(emulator.sendsTo('01030000001')).toEqual([]);
  });

  test('consent to text only: SMS for 긴급, never a call; 받지 않기 in 설정 stops even 긴급', async () => {
    const resident = await registerWithPhone('문자만', '문자만', '010-3000-0002');
    await everyBroadcastPath();
    const sent = emulator.sendsTo('01030000002');
    expect(sent.map((m) => m.type)).toEqual(['SMS']); // the 긴급 one, beside the chat
    expect(sent[0]?.text).toContain('긴급');
    await sim.say(resident, '설정');
    await sim.say(resident, '휴대전화로 받기');
    expect((await sim.say(resident, '받지 않기'))[0]).toContain('휴대전화로는 알림을 보내지 않습니다');
    await sim.say(resident, '마치기');
    await everyBroadcastPath();
    expect(emulator.sendsTo('01030000002')).toHaveLength(1);
  });

  test('a number on the provider’s opt-out list stops phone delivery to it for good', async () => {
    await registerWithPhone('거부함', '거부함', '010-3000-0003');
    emulator.optOut('01030000003');
    await everyBroadcastPath(); // the 긴급 SMS is refused at once (3041): consent is marked opted out
    const requests = emulator.requests.length;
    await everyBroadcastPath();
    expect(emulator.sendsTo('01030000003')).toEqual([]);
    // The second round asked the provider about no one: nothing was left to send to that number.
    const sends = emulator.requests.slice(requests).filter((r) => r.path.endsWith('/send-many/detail'));
    expect(sends).toEqual([]);
  });
});
