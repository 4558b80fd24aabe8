import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startApp, type AppProcess } from './support/app.process.ts';
import { sendBroadcast } from './support/broadcast.flow.ts';
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
  expect(await say('마치기')).toContain('설정을 마쳤습니다');
  await approveLatest(sim, 'head-goseong-eup-1');
  // The background delivery loop sends it by the Event API.
  for (let i = 0; i < 100 && !kakao.events.some((e) => e.users.includes(user)); i++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  expect(kakao.inbox(user).at(-1)).toMatchObject({ via: 'event' });
  expect(kakao.inbox(user).at(-1)?.text).toContain('등록이 승인되었습니다');

  // Feedback: a receipt inside the skill response, the office's answer later by the Event API.
  const receipt = /접수번호 (\d{4}-\d{6})/.exec(await say('의견 마을 앞 가로등이 꺼져 있습니다'))?.[1] ?? '';
  expect(receipt).toMatch(/^\d{4}-\d{6}$/);
  await until(
    async () => (await sim.say('staff-goseong-eup', `답변 ${receipt} 이번 주에 고치겠습니다`)).join('\n'),
    receipt,
  );
  await eventuallyReceives(user, '이번 주에 고치겠습니다');

  // A village broadcast from the district office reaches them by the Event API.
  await sendBroadcast(sim, 'staff-goseong-eup', '방송 보내기 내일 오전 상수도 공사로 단수됩니다');
  await eventuallyReceives(user, '단수됩니다');

  // 탈퇴 over KakaoTalk; every response of the whole run kept Kakao's schema and limits (the emulator's check).
  expect(await say('탈퇴')).toContain('탈퇴할까요');
  expect(await say('1')).toContain('탈퇴했습니다');
  expect(kakao.violations).toEqual([]);
  expect(await app.stop()).toBe(0);
}, 90_000);

async function eventuallyReceives(user: string, text: string): Promise<void> {
  for (let i = 0; i < 150 && !kakao.inbox(user).some((b) => b.via === 'event' && b.text.includes(text)); i++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  expect(
    kakao
      .inbox(user)
      .map((b) => b.text)
      .join('\n'),
  ).toContain(text);
}

/** A staff command retried while the feedback it names is still being triaged in the background. */
async function until(run: () => Promise<string>, expected: string): Promise<void> {
  let last = '';
  for (let i = 0; i < 30 && !last.includes(expected); i++) {
    last = await run();
    if (!last.includes(expected)) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(last).toContain(expected);
}
