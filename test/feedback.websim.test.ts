import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { feedbackItems, feedbackMessages } from '../db/schema/index.ts';
import { setUpStaffRooms, settleFeedback } from './support/feedback.setup.ts';
import { registerApproved, registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let resident: string;
let samsanStaff: string;

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  resident = await registerApproved(sim, {
    nickname: '길동이',
    name: '홍길동',
    mobile: '010-3000-0001',
    head: 'head-goseong-eup-1',
  });
  ({ samsanStaff } = await setUpStaffRooms(t, sim));
});
afterAll(() => t.stop());

const say = async (who: string, text: string) => (await sim.say(who, text)).join('\n');
const last = async (kind: 'direct' | 'group', id: string) => (await sim.chat(kind, id)).at(-1);
const pressInGroup = (from: string, chat: string, command: string) =>
  sim.post('/api/sim/messages', { from, chat, command });

describe('two-way feedback (의견) over the simulator', () => {
  let receipt = '';

  test('a resident gets a receipt at once, and the right staff rooms see the item after triage', async () => {
    const reply = await say(resident, '의견 마을 앞 도로에 구멍이 생겨 위험합니다');
    receipt = /접수번호 (\d{4}-\d{6})/.exec(reply)?.[1] ?? '';
    expect(receipt).toBe('2026-000001');
    expect(reply).toContain('답변 기한 11.27.(금) 18:00');
    expect((await last('group', 'office-goseong'))?.text ?? '').not.toContain(receipt); // not before triage
    await settleFeedback(t);
    const card = await last('group', 'office-goseong');
    expect(card?.text).toContain(`[주민 의견 ${receipt}] 도로·교통 · 긴급`);
    expect(card?.text).toContain('고성1리 홍*동 님');
    expect(card?.text).not.toContain('홍길동');
    expect(card?.text).toContain('마을 앞 도로에 구멍이 생겨 위험합니다');
    expect(card?.buttons?.map((b) => b.command)).toEqual([
      `의견 맡기 ${receipt}`,
      `답변 ${receipt}`,
      `의견 닫기 ${receipt}`,
    ]);
    expect((await last('group', 'office-hq'))?.text).toContain(receipt); // urgent: HQ too
  });

  test('district staff of another district cannot answer it', async () => {
    expect(await say(samsanStaff, `답변 ${receipt} 저희가 보겠습니다`)).toContain(
      '다른 읍·면의 의견이라 처리할 권한이 없습니다',
    );
    expect(await say(resident, `답변 ${receipt} 제가 답합니다`)).toContain('읍·면 담당 직원이 합니다');
    expect(await t.database.db.$count(feedbackMessages, eq(feedbackMessages.role, 'staff'))).toBe(0);
  });

  test('staff take it with the button and answer in the staff room; the answer reaches the resident', async () => {
    await pressInGroup('staff-goseong-eup', 'office-goseong', `의견 맡기 ${receipt}`);
    expect((await last('direct', resident))?.text).toContain(`의견 ${receipt}을 담당자가 확인하고 있습니다`);
    await sim.sayInGroup(
      'staff-goseong-eup',
      'office-goseong',
      `답변 ${receipt} 내일 오전에 보수하겠습니다. 불편을 드려 죄송합니다.`,
    );
    const answer = await last('direct', resident);
    expect(answer?.text).toBe(
      `[의견 ${receipt} 답변]\n내일 오전에 보수하겠습니다. 불편을 드려 죄송합니다.\n— 고성읍사무소`,
    );
    expect(await say(resident, '내 의견')).toMatch(
      new RegExp(`${receipt} · 답변 완료[\\s\\S]*↳ 답변: 내일 오전에 보수하겠습니다`),
    );
  });

  test('the 덧붙여 묻기 button under the answer asks the resident for the text, which joins the thread', async () => {
    const answer = (await sim.chat('direct', resident)).find((m) => m.text.startsWith(`[의견 ${receipt} 답변]`));
    expect(answer?.buttons?.map((b) => b.command)).toEqual([`의견 답글 ${receipt}`]);
    expect((await sim.press(resident, `의견 답글 ${receipt}`)).join()).toContain(
      `의견 ${receipt}에 덧붙일 말씀을 적어 보내 주세요`,
    );
    expect(await say(resident, '몇 시쯤 오시나요?')).toContain(`의견 ${receipt}에 덧붙여 담당자께 전해 드립니다`);
    expect((await last('group', 'office-goseong'))?.text).toBe(`[의견 ${receipt} 주민 답글]\n몇 시쯤 오시나요?`);
  });

  test('the resident writes back into the same thread, and the staff room sees it', async () => {
    expect(await say(resident, `의견 답글 ${receipt} 오늘 저녁에 더 커졌습니다`)).toContain(
      `의견 ${receipt}에 덧붙여 담당자께 전해 드립니다`,
    );
    expect((await last('group', 'office-goseong'))?.text).toBe(
      `[의견 ${receipt} 주민 답글]\n오늘 저녁에 더 커졌습니다`,
    );
    expect(await t.database.db.$count(feedbackMessages)).toBe(4);
  });

  test('closed by staff, the resident says whether it was resolved and how satisfied they are', async () => {
    await sim.sayInGroup('staff-goseong-eup', 'office-goseong', `의견 닫기 ${receipt}`);
    const asked = await last('direct', resident);
    expect(asked?.text).toContain(`의견 ${receipt}이 종결되었습니다. 해결되셨나요?`);
    expect((await sim.press(resident, `의견 평가 ${receipt} 해결`)).join()).toContain('얼마나 만족하셨나요');
    expect((await sim.press(resident, `의견 만족 ${receipt} 5`)).join()).toContain('고맙습니다');
    const [item] = await t.database.db.select().from(feedbackItems).where(eq(feedbackItems.receiptNo, receipt));
    expect(item).toMatchObject({
      status: 'closed',
      resolved: true,
      satisfaction: 5,
      triagedBy: 'rules',
      category: 'road',
      urgent: true,
    });
  });

  test('the resident reopens it within 14 days, not after', async () => {
    t.clock.advance(3 * 86_400_000);
    expect(await say(resident, `의견 답글 ${receipt} 다시 패였어요`)).toContain('다시 열었습니다');
    expect((await last('group', 'office-goseong'))?.text).toContain(`[의견 ${receipt} 다시 열림]`);
    await sim.sayInGroup('staff-goseong-eup', 'office-goseong', `의견 닫기 ${receipt}`);
    t.clock.advance(15 * 86_400_000);
    expect(await say(resident, `의견 답글 ${receipt} 또 패였어요`)).toContain(
      '종결된 지 14일이 지난 의견은 다시 열 수 없습니다',
    );
  });
});

describe('the 답변 button', () => {
  test('asks a staff member for the answer in a 1:1 chat, says what to type in a staff room, and refuses another district', async () => {
    const r = /접수번호 (\S+)/.exec(await say(resident, '의견 마을 정자 지붕이 샙니다'))?.[1] ?? '';
    await settleFeedback(t);
    const inRoom = await pressInGroup('staff-goseong-eup', 'office-goseong', `답변 ${r}`);
    expect(JSON.stringify(inRoom.json)).toContain(`답변 ${r} 내일 보수하겠습니다`);
    expect((await sim.press(samsanStaff, `답변 ${r}`)).join()).toContain('처리할 권한이 없습니다');
    expect((await sim.press('staff-goseong-eup', `답변 ${r}`)).join()).toContain(`의견 ${r}에 보낼 답변을 적어 주세요`);
    expect(await say('staff-goseong-eup', '다음 주 월요일에 고치겠습니다.')).toContain(`의견 ${r}에 답변했습니다`);
    expect((await last('direct', resident))?.text).toBe(
      `[의견 ${r} 답변]\n다음 주 월요일에 고치겠습니다.\n— 고성읍사무소`,
    );
    t.clock.advance(86_400_000); // the daily limit below counts a fresh day
  });
});

describe('what a resident may send', () => {
  test('an overlong opinion is refused with its length, and the dialog stays open for the shorter one', async () => {
    expect(await say(resident, `의견 ${'가'.repeat(1001)}`)).toContain('1000자 이내로 적어 주세요. (지금 1001자)');
    expect(await say(resident, '가로등이 꺼졌어요')).toContain('의견이 접수되었습니다');
  });

  test('at most five a day, with a clear message for the sixth', async () => {
    for (let i = 2; i <= 5; i++) expect(await say(resident, `의견 시험 ${i}`)).toContain('접수');
    expect(await say(resident, '의견 여섯 번째')).toContain('하루 5건까지');
  });

  test('someone not registered is asked to register; someone waiting for approval may write, flagged for staff', async () => {
    const { id: stranger } = await sim.newPersona('나그네');
    expect(await say(stranger, '의견 안녕하세요')).toContain('먼저 실명 등록');
    const pending = (await registerResident(sim, { nickname: '새주민', name: '김새댁', mobile: '010-3000-0002' })).id;
    expect(await say(pending, '의견 경로당 보일러가 고장났어요')).toContain('아직 등록 승인 전이라');
    await settleFeedback(t);
    expect((await last('group', 'office-goseong'))?.text).toContain('김*댁 님 (등록 승인 전)');
  });

  test('a bare 의견 asks for the text; 취소 leaves it', async () => {
    t.clock.advance(86_400_000);
    expect(await say(resident, '의견')).toContain('어떤 의견이신가요?');
    expect(await say(resident, '취소')).toContain('취소했습니다');
    expect(await say(resident, '의견')).toContain('어떤 의견이신가요?');
    expect(await say(resident, '버스 정류장 지붕이 새요')).toContain('의견이 접수되었습니다');
  });

  test('탈퇴 erases what the resident wrote', async () => {
    await say(resident, '탈퇴');
    await say(resident, '1');
    const items = await t.database.db.select().from(feedbackItems).where(eq(feedbackItems.platformUserId, resident));
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.bodyEnc === null)).toBe(true);
  });
});
