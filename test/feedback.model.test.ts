import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { feedbackItems } from '../db/schema/index.ts';
import { startOpenAiStub, type OpenAiStub, type StubAnswer } from './openai/openai.stub.ts';
import { setUpStaffRooms, settleFeedback } from './support/feedback.setup.ts';
import { registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';
import { testCipher } from './support/test.keys.ts';

let stub: OpenAiStub;
let t: TestApp;
let sim: ReturnType<typeof simClient>;
let resident: string;

beforeAll(async () => {
  stub = await startOpenAiStub();
  t = await startTestApp({
    env: { OPENAI_BASE_URL: stub.baseURL, OPENAI_MODEL: 'stub-model', OPENAI_TIMEOUT_MS: '300' },
  });
  sim = simClient(t.app.url);
  resident = await registerApproved(sim, {
    nickname: '길동이',
    name: '홍길동',
    mobile: '010-5555-1234',
    head: 'head-goseong-eup-1',
  });
  await setUpStaffRooms(t, sim);
});
afterAll(async () => {
  await t.stop();
  await stub.close();
});

const PERSONAL = '저 홍길동인데요 010-5555-1234로 연락 주세요. 고성로 12 사시는 어르신 댁 보일러가 고장났어요';

async function write(text: string) {
  const reply = (await sim.say(resident, `의견 ${text}`)).join('\n');
  const receipt = /접수번호 (\d{4}-\d{6})/.exec(reply)?.[1] ?? '';
  // The receipt came before any model call: the stub has not been asked about this item yet.
  const asked = stub.requests.length;
  await settleFeedback(t);
  const [item] = await t.database.db.select().from(feedbackItems).where(eq(feedbackItems.receiptNo, receipt));
  return { receipt, item, askedBeforeReceipt: asked };
}

describe('AI triage through an OpenAI-compatible endpoint', () => {
  test("the model's structured answer classifies the item and summarises it for the staff room", async () => {
    stub.answer({
      kind: 'json',
      content: { category: 'welfare', urgent: false, summary: '어르신 댁 보일러 고장, 난방 점검 요청' },
    });
    const before = stub.requests.length;
    const { receipt, item, askedBeforeReceipt } = await write(PERSONAL);
    expect(askedBeforeReceipt).toBe(before);
    expect(stub.requests.length).toBe(before + 1);
    expect(item).toMatchObject({ category: 'welfare', urgent: false, triagedBy: 'model' });
    expect(testCipher().decrypt(item?.summaryEnc ?? '')).toBe('어르신 댁 보일러 고장, 난방 점검 요청');
    const card = (await sim.chat('group', 'office-goseong')).at(-1)?.text ?? '';
    expect(card).toContain(`[주민 의견 ${receipt}] 복지·돌봄`);
    expect(card).toContain('요약: 어르신 댁 보일러 고장, 난방 점검 요청');
  });

  test.each<[string, StubAnswer]>([
    ['a 429', { kind: 'status', status: 429, retryAfterSeconds: 30 }],
    ['a 500', { kind: 'status', status: 500 }],
    ['a timeout', { kind: 'hang' }],
    ['an answer outside the schema', { kind: 'json', content: { category: 'weather', urgent: 'yes' } }],
  ])('%s falls back to the keyword rules, and the staff room still hears of it', async (_name, answer) => {
    stub.answer(answer);
    const { receipt, item } = await write('마을 앞 도로에 구멍이 생겨 위험합니다');
    expect(item).toMatchObject({ category: 'road', urgent: true, triagedBy: 'rules' });
    expect((await sim.chat('group', 'office-goseong')).at(-1)?.text).toContain(
      `[주민 의견 ${receipt}] 도로·교통 · 긴급`,
    );
  });

  test('no name, mobile number or street address of the resident reached the model', async () => {
    const sent = stub.sentText();
    expect(stub.requests.length).toBeGreaterThanOrEqual(5);
    for (const secret of [
      '홍길동',
      '길동이',
      '010-5555-1234',
      '5555-1234',
      '01055551234',
      '+821055551234',
      '고성로 12',
    ])
      expect(sent).not.toContain(secret);
    expect(sent).toContain('[이름]');
    expect(sent).toContain('[휴대전화]');
    expect(sent).toContain('[주소]');
    expect(sent).toContain('보일러가 고장났어요'); // the matter itself did go
    expect(t.logs.join('')).not.toContain('5555-1234');
  });
});
