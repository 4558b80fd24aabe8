import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startApp, type AppProcess } from './support/app.process.ts';
import { approveLatest } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startKakaoEmulator, type KakaoEmulator } from './kakao/kakao.emulator.ts';

/** `npm start` with the KakaoTalk settings, against the Kakao emulator: the channel as a county runs it. */
const dir = mkdtempSync(join(tmpdir(), 'maeul-kakao-'));
const SECRET = 'kakao-skill-secret-process-test';
let kakao: KakaoEmulator;
let app: AppProcess;

beforeAll(async () => {
  kakao = await startKakaoEmulator({ restApiKey: 'kakao-rest-key', botId: 'bot-process' });
  app = await startApp(dir, {
    KAKAO_SKILL_SECRET: SECRET,
    KAKAO_REST_API_KEY: 'kakao-rest-key',
    KAKAO_BOT_ID: 'bot-process',
    KAKAO_API_BASE_URL: kakao.baseUrl,
    // The demo county's village heads are simulator personas: the head approves there.
    SIMULATOR: 'on',
    LOG_LEVEL: 'warn',
  });
  kakao.connect(`${app.url}/webhooks/kakao`, SECRET);
}, 90_000);
afterAll(async () => {
  await app?.stop();
  await kakao?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a resident registers over KakaoTalk and hears of the approval by the Event API, the app a process of its own', async () => {
  const user = 'f'.repeat(64);
  const sim = simClient(app.url);
  const say = async (text: string) => (await kakao.say(user, text)).texts.join('\n');
  // The process runs on the real clock: quiet hours off for both, so that nothing waits for the morning.
  for (const text of ['설정', '알림 쉬는 시간', '쉬는 시간 없이 받기', '마치기'])
    await sim.say('head-goseong-eup-1', text);
  expect(await say('등록')).toContain('개인정보 수집·이용 동의');
  for (const answer of ['1', '김카톡', '010-5555-0101', '1', '1']) await say(answer);
  expect(await say('1')).toContain('등록 신청이 접수되었습니다');
  for (const text of ['설정', '알림 쉬는 시간', '쉬는 시간 없이 받기']) await say(text);
  expect(await say('마치기')).toBeTruthy();
  await approveLatest(sim, 'head-goseong-eup-1');
  // The background delivery loop sends it by the Event API.
  for (let i = 0; i < 100 && !kakao.events.some((e) => e.users.includes(user)); i++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  expect(kakao.inbox(user).at(-1)).toMatchObject({ via: 'event' });
  expect(kakao.inbox(user).at(-1)?.text).toContain('등록이 승인되었습니다');
  expect(kakao.violations).toEqual([]);
  expect(await app.stop()).toBe(0);
}, 60_000);
