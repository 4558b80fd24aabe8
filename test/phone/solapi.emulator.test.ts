import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ProviderError } from '../../bots/phone/phone.provider.ts';
import { createSolapiClient, solapiAuthorization } from '../../bots/phone/solapi.client.ts';
import { startSolapiEmulator, type SolapiEmulator } from './solapi.emulator.ts';

const KEY = 'NCSEMULATORKEY01';
const SECRET = 'emulator-secret-0123456789';
const FROM = '0336803114';
let emulator: SolapiEmulator;
let client: ReturnType<typeof createSolapiClient>;

beforeAll(async () => {
  emulator = await startSolapiEmulator({ apiKey: KEY, apiSecret: SECRET, senderNumbers: [FROM] });
  client = createSolapiClient({ apiKey: KEY, apiSecret: SECRET, baseUrl: emulator.baseUrl });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const numbers = (n: number) => Array.from({ length: n }, (_, i) => `+82105${String(i).padStart(7, '0')}`);

describe('authentication', () => {
  test('a request signed with another secret, an old date or a replayed salt is refused with 401', async () => {
    const wrong = createSolapiClient({ apiKey: KEY, apiSecret: 'not-the-secret', baseUrl: emulator.baseUrl });
    await expect(wrong.statuses('G')).rejects.toMatchObject({ status: 401, retryable: false });
    const stale = createSolapiClient({
      apiKey: KEY,
      apiSecret: SECRET,
      baseUrl: emulator.baseUrl,
      now: () => new Date(Date.now() - 20 * 60_000),
    });
    await expect(stale.statuses('G')).rejects.toMatchObject({ status: 401 });
    const header = solapiAuthorization(KEY, SECRET, new Date(), 'fixed-salt');
    const first = await fetch(`${emulator.baseUrl}/messages/v4/list`, { headers: { authorization: header } });
    const replay = await fetch(`${emulator.baseUrl}/messages/v4/list`, { headers: { authorization: header } });
    expect([first.status, replay.status]).toEqual([200, 401]);
  });
});

describe('limits', () => {
  test('10,000 messages go in one request; 10,001 are refused whole', async () => {
    const ok = await client.sendMany({
      from: FROM,
      messages: numbers(10_000).map((to) => ({ to, kind: 'sms' as const, text: '마을방송 시험' })),
    });
    expect(ok.accepted).toHaveLength(10_000);
    await expect(
      client.sendMany({ from: FROM, messages: numbers(10_001).map((to) => ({ to, kind: 'sms' as const, text: 'x' })) }),
    ).rejects.toMatchObject({ status: 400, retryable: false });
  });

  test('an SMS over 90 bytes, an LMS subject over 40 bytes and an unregistered sender are refused per message', async () => {
    const [a, b, c] = numbers(3) as [string, string, string];
    const answer = await client.sendMany({
      from: FROM,
      messages: [
        { to: a, kind: 'sms', text: '가'.repeat(46) },
        { to: b, kind: 'lms', text: '본문', subject: '제'.repeat(21) },
        { to: c, kind: 'sms', text: '가'.repeat(45) },
      ],
    });
    expect(answer.refused.map((r) => [r.to, r.code])).toEqual([
      [a, '1032'],
      [b, '1033'],
    ]);
    expect(answer.accepted.map((r) => r.to)).toEqual([c]);
    const other = await client.sendMany({ from: '0212345678', messages: [{ to: c, kind: 'sms', text: '안내' }] });
    expect(other.refused[0]?.code).toBe('1062');
  });

  test('429 and 500 are worth retrying; the request sent nothing', async () => {
    emulator.failNext(1, 429);
    const error = await client
      .sendMany({ from: FROM, messages: [{ to: numbers(1)[0] ?? '', kind: 'sms', text: '안내' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 429, retryable: true });
    expect(emulator.messages).toHaveLength(0);
  });
});

describe('status per message', () => {
  test('accepted messages are 2000 until they settle: received, failed at the carrier, a call unanswered', async () => {
    const [sms, bad, call] = numbers(3) as [string, string, string];
    emulator.failTextsTo(bad.replace('+82', '0'));
    emulator.noAnswer(call.replace('+82', '0'));
    const answer = await client.sendMany({
      from: FROM,
      messages: [
        { to: sms, kind: 'sms', text: '안내' },
        { to: bad, kind: 'sms', text: '안내' },
        { to: call, kind: 'voice', text: '마을방송을 읽어 드립니다' },
      ],
    });
    expect((await client.statuses(answer.groupId)).map((s) => s.state)).toEqual(['pending', 'pending', 'pending']);
    emulator.settle();
    const states = new Map((await client.statuses(answer.groupId)).map((s) => [s.to, s.state]));
    expect(Object.fromEntries(states)).toEqual({ [sms]: 'delivered', [bad]: 'failed', [call]: 'unanswered' });
  });

  test('a number that does not answer twice answers the third call', async () => {
    const [to] = numbers(1) as [string];
    emulator.noAnswer(to.replace('+82', '0'), 2);
    emulator.autoSettle = true;
    try {
      const states = [];
      for (let i = 0; i < 3; i++) {
        const answer = await client.sendMany({ from: FROM, messages: [{ to, kind: 'voice', text: '방송' }] });
        states.push((await client.statuses(answer.groupId))[0]?.state);
      }
      expect(states).toEqual(['unanswered', 'unanswered', 'delivered']);
    } finally {
      emulator.autoSettle = false;
    }
  });

  test('an opted-out number is refused at once and marked as an opt-out', async () => {
    const [to] = numbers(1) as [string];
    emulator.optOut(to.replace('+82', '0'));
    const answer = await client.sendMany({ from: FROM, messages: [{ to, kind: 'sms', text: '안내' }] });
    expect(answer.refused).toEqual([{ to, code: '3041', message: '수신거부', optedOut: true }]);
  });

  test('statuses page through groups larger than one page', async () => {
    const answer = await client.sendMany({
      from: FROM,
      messages: numbers(1_203).map((to) => ({ to, kind: 'sms' as const, text: '안내' })),
    });
    expect(await client.statuses(answer.groupId)).toHaveLength(1_203);
  });
});
