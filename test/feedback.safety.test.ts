import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { feedbackItems, feedbackMessages } from '../db/schema/index.ts';
import { setUpStaffRooms, settleFeedback } from './support/feedback.setup.ts';
import { registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';
import { testCipher } from './support/test.keys.ts';

// Feedback tried as an attacker and as a new user would (issue 13: items 9, 11, 15 and the due time of 20).
let t: TestApp;
let sim: ReturnType<typeof simClient>;
let writer: string;
let neighbour: string;
let samsanStaff: string;

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  writer = await registerApproved(sim, {
    nickname: '길동이',
    name: '홍길동',
    mobile: '010-3100-0001',
    head: 'head-goseong-eup-1',
  });
  neighbour = await registerApproved(sim, {
    nickname: '이웃',
    name: '김이웃',
    mobile: '010-3100-0002',
    head: 'head-goseong-eup-1',
  });
  ({ samsanStaff } = await setUpStaffRooms(t, sim));
});
afterAll(() => t.stop());

const say = async (who: string, text: string) => (await sim.say(who, text)).join('\n');
const staffRoom = async () => (await sim.chat('group', 'office-goseong')).map((m) => m.text);
const MISSING = '2026-000999';
let receipt = '';

describe('what a resident wrote is stored encrypted only', () => {
  test('no column of the item or its thread holds the text or its summary in plain text', async () => {
    const text = '가로등이 꺼졌어요';
    receipt = /접수번호 (\d{4}-\d{6})/.exec(await say(writer, `의견 ${text}`))?.[1] ?? '';
    await settleFeedback(t); // triage writes the summary (a one-sentence item is its own summary)
    expect((await staffRoom()).at(-1)).toContain(text); // staff still read it

    const [item] = await t.database.db.select().from(feedbackItems).where(eq(feedbackItems.receiptNo, receipt));
    const thread = await t.database.db
      .select()
      .from(feedbackMessages)
      .where(eq(feedbackMessages.itemId, item?.id ?? -1));
    expect(item?.triagedBy).toBe('rules');
    expect(thread).toHaveLength(1);
    for (const row of [item, ...thread]) {
      expect(JSON.stringify(row)).not.toContain('가로등');
      expect(JSON.stringify(row)).not.toContain('꺼졌어요');
    }
    expect(testCipher().decrypt(item?.bodyEnc ?? '')).toBe(text);
  });
});

describe('refusals do not tell which receipt numbers exist', () => {
  const same = (reply: string, typed: string) => reply.replaceAll(typed, '<번호>');

  test("to a resident, someone else's item and a number that does not exist read the same", async () => {
    for (const command of [
      (r: string) => `의견 답글 ${r} 저도 봤습니다`,
      (r: string) => `의견 평가 ${r} 해결`,
      (r: string) => `의견 만족 ${r} 5`,
    ]) {
      const others = await say(neighbour, command(receipt));
      expect(same(others, receipt)).toBe(same(await say(neighbour, command(MISSING)), MISSING));
      expect(others).toContain('찾을 수 없습니다');
    }
  });

  test("staff commands typed by a resident answer the same for their own item, another's and a missing one", async () => {
    for (const command of ['답변', '의견 맡기', '의견 닫기']) {
      const own = await say(writer, `${command} ${receipt} 제가 처리합니다`);
      expect(own).not.toContain('다른 읍·면'); // the writer's own item is not "another district's"
      expect(own).toContain('담당 직원이 합니다');
      expect(own).toContain('의견 답글');
      expect(await say(neighbour, `${command} ${receipt} 제가 처리합니다`)).toBe(own);
      expect(await say(neighbour, `${command} ${MISSING} 제가 처리합니다`)).toBe(own);
    }
    const [item] = await t.database.db.select().from(feedbackItems).where(eq(feedbackItems.receiptNo, receipt));
    expect(item).toMatchObject({ status: 'received', assignedTo: null, closedAt: null });
  });

  test("staff of another district are told an item is another district's, and a missing number is not found", async () => {
    expect(await say(samsanStaff, `답변 ${receipt} 저희가 보겠습니다`)).toContain(
      `${receipt} 의견은 다른 읍·면의 의견이라 처리할 권한이 없습니다`,
    );
    expect(await say(samsanStaff, `의견 맡기 ${MISSING}`)).toContain(`접수번호 ${MISSING} 의견을 찾을 수 없습니다`);
    expect(await t.database.db.$count(feedbackMessages, eq(feedbackMessages.role, 'staff'))).toBe(0);
  });
});

describe('follow-ups have a daily limit of their own', () => {
  const followUps = async () => (await staffRoom()).filter((m) => m.startsWith(`[의견 ${receipt} 주민 답글]`));

  test('five a day reach the staff room; the sixth is refused with when, kept, and sent with 보내기 the next day', async () => {
    for (let i = 1; i <= 5; i++)
      expect(await say(writer, `의견 답글 ${receipt} 덧붙임 ${i}`)).toContain('덧붙여 담당자께 전해 드립니다');
    const refused = await say(writer, `의견 답글 ${receipt} 여섯째 글입니다 ${'길게 '.repeat(100)}`);
    expect(refused).toContain('의견에 덧붙이는 글은 하루 5번까지 보낼 수 있어');
    expect(refused).toContain('11.25.(수) 00:00부터 다시 보내실 수 있습니다');
    expect(refused).toContain('적으신 글은 보관해 두었습니다');
    // 덧붙여 묻기 (the button, then the text) counts too.
    await sim.press(writer, '취소');
    await sim.press(writer, `의견 답글 ${receipt}`);
    expect(await say(writer, '버튼으로 보낸 글')).toContain('하루 5번까지');
    expect(await say(writer, '보내기')).toContain('하루 5번까지'); // still today: kept, not sent
    await t.app.delivery.flush();
    expect(await followUps()).toHaveLength(5);

    // New items are counted apart: the follow-ups did not use them up.
    expect(await say(neighbour, '의견 버스 정류장 의자가 부서졌어요')).toContain('의견이 접수되었습니다');

    t.clock.set('2026-11-24T15:05:00Z'); // 11.25.(수) 00:05 KST
    expect(await say(writer, '보내기')).toContain(`의견 ${receipt}에 덧붙여 담당자께 전해 드립니다`);
    await t.app.delivery.flush();
    expect((await followUps()).at(-1)).toBe(`[의견 ${receipt} 주민 답글]\n버튼으로 보낸 글`);
    expect(await say(writer, '보내기')).not.toContain('덧붙여 담당자께'); // sent once: the dialog is over
  });
});

describe('an answer deadline falls in working hours', () => {
  test('an item written at 02:54 on a Wednesday is due on Monday at 18:00', async () => {
    t.clock.set('2026-12-01T17:54:00Z'); // 12.2.(수) 02:54 KST
    const reply = await say(neighbour, '의견 마을회관 앞 배수로가 막혔습니다');
    expect(reply).toContain('답변 기한 12.7.(월) 18:00');
    await settleFeedback(t);
    expect((await staffRoom()).at(-1)).toContain('첫 답변 기한: 12.7.(월) 18:00');
  });
});
