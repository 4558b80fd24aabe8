import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSolapiEmulator, type SolapiEmulator } from './phone/solapi.emulator.ts';
import { type AppProcess, startApp } from './support/app.process.ts';
import { simClient } from './support/sim.client.ts';

/**
 * Issue 17's "done when", with the app as a process of its own and SOLAPI emulated: a head registers a resident
 * without a chat app; the resident receives a broadcast by SMS and by a call, three calls go unanswered, and the head
 * gets the resident in the non-receipt list. Calls are retried after fractions of a minute here (the setting), and the
 * broadcast is 긴급 so that quiet hours hold nothing whatever the hour the test runs.
 */
const KEY = 'NCSPROCESSKEY001';
const SECRET = 'process-test-secret-0123456789';
const FROM = '0336803114';
const HEAD = 'head-goseong-eup-1';
const NUMBER = '01040000001';
const dir = mkdtempSync(join(tmpdir(), 'maeul-phone-'));
let emulator: SolapiEmulator;
let app: AppProcess;

beforeAll(async () => {
  emulator = await startSolapiEmulator({ apiKey: KEY, apiSecret: SECRET, senderNumbers: [FROM], autoSettle: true });
  emulator.noAnswer(NUMBER);
  app = await startApp(dir, {
    // The head works in the simulator here; with a provider set it is off unless asked for.
    SIMULATOR: 'on',
    PHONE_PROVIDER: 'solapi',
    SOLAPI_API_KEY: KEY,
    SOLAPI_API_SECRET: SECRET,
    PHONE_SENDER_NUMBER: FROM,
    PHONE_API_BASE_URL: emulator.baseUrl,
    PHONE_REPORT_POLL_MS: '200',
    PHONE_CALL_RETRY_MINUTES: '0.005,0.01',
    LOG_LEVEL: 'info',
  });
}, 180_000);
afterAll(async () => {
  await app?.stop();
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('a resident registered by the head hears a broadcast by SMS and by call, and is on the non-receipt list unanswered', async () => {
  const sim = simClient(app.url);
  // The head takes messages at any hour, so that the list is not held for the night whenever the test runs.
  for (const say of ['설정', '알림 쉬는 시간', '쉬는 시간 없이 받기', '마치기']) await sim.say(HEAD, say);
  for (const say of ['대신 등록', '이순자', '010-4000-0001', '1']) await sim.say(HEAD, say);
  expect((await sim.say(HEAD, '1')).join('\n')).toMatch(/이순자님을 고성1리 주민으로 등록했습니다/);

  await sim.say(HEAD, '방송 보내기 [긴급] 오늘 밤 태풍이 옵니다. 바깥에 나가지 마세요');
  expect((await sim.say(HEAD, '1')).join('\n')).toContain('마을방송');

  await until('an SMS and three calls', () => {
    const sent = emulator.sendsTo(NUMBER);
    const sms = sent.filter((m) => m.type !== 'VOICE' && m.text.includes('태풍'));
    const calls = sent.filter((m) => m.type === 'VOICE');
    return sms.length === 1 && calls.length === 3 ? true : undefined;
  });
  expect(emulator.sendsTo(NUMBER).filter((m) => m.type === 'VOICE')[0]?.text).toContain('태풍');
  const list = await until('the non-receipt list', async () =>
    (await sim.chat('direct', HEAD)).find((m) => m.text.includes('못 받은 주민')),
  );
  expect(list.text).toContain('이*자 — 전화 안 받으심 (3회)');
  // Three calls, no fourth.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(emulator.sendsTo(NUMBER).filter((m) => m.type === 'VOICE')).toHaveLength(3);
  expect(app.output()).not.toMatch(/4000-?0001/);
}, 120_000);
