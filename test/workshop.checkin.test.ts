import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import { certificates, checkInAttempts, identities, workshops, workshopSignups } from '../db/schema/index.ts';
import { workshopCompletionJob } from '../jobs/workshop.completion.job.ts';
import { registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let a: string; // approved residents of 고성읍
let b: string;

const STAFF = 'staff-goseong-eup';
const say = async (who: string, text: string) => (await sim.say(who, text)).join('\n');
const texts = async (id: string) => (await sim.chat('direct', id)).map((m) => m.text).join('\n---\n');
const memberOf = async (userId: string) =>
  (
    await t.database.db
      .select({ id: identities.memberId })
      .from(identities)
      .where(eq(identities.platformUserId, userId))
  )[0]?.id ?? -1;
const workshopOf = async (id: number) => (await t.database.db.select().from(workshops).where(eq(workshops.id, id)))[0];
const signupOf = async (workshopId: number, userId: string) =>
  (
    await t.database.db
      .select()
      .from(workshopSignups)
      .where(and(eq(workshopSignups.workshopId, workshopId), eq(workshopSignups.memberId, await memberOf(userId))))
  )[0];
async function create(form: string): Promise<number> {
  const reply = await say(STAFF, `교육 만들기 ${form}`);
  const id = Number(/교육 #(\d+)/.exec(reply)?.[1]);
  if (!id) throw new Error(`not created: ${reply}`);
  return id;
}
async function runCompletionAt(iso: string): Promise<Record<string, number>> {
  t.clock.set(iso);
  const result = await workshopCompletionJob().run({ ...t.app.deps, summary: noSummaryWriter }, new Date(iso));
  await t.app.delivery.flush();
  return result;
}

beforeAll(async () => {
  t = await startTestApp(); // 11.24.(화) 10:00 KST
  sim = simClient(t.app.url);
  a = await registerApproved(sim, {
    nickname: 'a',
    name: '김출석',
    mobile: '010-5100-0001',
    head: 'head-goseong-eup-1',
  });
  b = await registerApproved(sim, {
    nickname: 'b',
    name: '이다른',
    mobile: '010-5100-0002',
    village: '2',
    head: 'head-goseong-eup-2',
  });
});
afterAll(() => t.stop());

describe('guessing check-in codes', () => {
  let mine = 0;
  let other = 0;

  beforeAll(async () => {
    t.clock.set('2026-11-24T01:00:00Z');
    mine = await create('기록 교실 / 고성읍 / 고성읍 주민자치센터 / 12.3 14:00 / 2시간 / 20명');
    other = await create('사진 교실 / 고성읍 / 고성읍 회의실 / 12.3 14:00 / 2시간 / 20명');
    expect(await say(a, `교육 신청 ${mine}`)).toContain('신청이 확정되었습니다');
  });

  test("another workshop's code reads exactly like a code that is nobody's", async () => {
    t.clock.set('2026-12-03T05:00:00Z'); // 14:00 KST: both are open for check-in
    const otherCode = (await workshopOf(other))?.checkInCode ?? '';
    const taken = new Set([otherCode, (await workshopOf(mine))?.checkInCode]);
    const nobodys = ['0000', '0001', '0002'].find((c) => !taken.has(c)) ?? '';
    const toOther = await say(a, `출석 ${otherCode}`); // a's first wrong code
    const toNobody = await say(b, `출석 ${nobodys}`); // b's first wrong code
    expect(toOther).toBe(toNobody);
    expect(toOther).toBe(
      '출석 번호가 맞지 않습니다. 교육장에서 안내받은 번호를 다시 확인해 주세요. (오늘 4번 더 보내실 수 있습니다)',
    );
    expect(toOther).not.toContain('사진 교실');
    expect(await signupOf(other, a)).toBeUndefined();
  });

  test('after five wrong codes in a day even the right one is refused, and the staff at the venue are named', async () => {
    for (const guess of ['1111', '2222', '3333']) expect(await say(a, `출석 ${guess}`)).toContain('맞지 않습니다');
    const fifth = await say(a, '출석 4444');
    expect(fifth).toBe(
      '출석 번호가 여러 번 맞지 않아 오늘은 채팅으로 출석을 더 받지 않습니다. 교육장 담당자께 말씀해 주시면 출석을 표시해 드립니다.',
    );
    const code = (await workshopOf(mine))?.checkInCode ?? '';
    expect(await say(a, `출석 ${code}`)).toBe(fifth);
    expect((await signupOf(mine, a))?.attendedAt).toBeNull();
    const [row] = await t.database.db
      .select()
      .from(checkInAttempts)
      .where(eq(checkInAttempts.memberId, await memberOf(a)));
    expect(row).toMatchObject({ day: '2026-12-03', wrong: 5 });
    // The staff at the venue still mark them.
    expect(await say(STAFF, `출석 확인 ${mine} 1`)).toContain('출석을 표시했습니다: 1명');
  });

  test('the next county day the count starts again, and one row per person is kept', async () => {
    t.clock.set('2026-12-03T15:00:00Z'); // 12.4 00:00 KST
    expect(await say(a, '출석 5555')).toContain('(오늘 4번 더 보내실 수 있습니다)');
    const rows = await t.database.db
      .select()
      .from(checkInAttempts)
      .where(eq(checkInAttempts.memberId, await memberOf(a)));
    expect(rows).toEqual([expect.objectContaining({ day: '2026-12-04', wrong: 1 })]);
  });
  test('wrong codes sent all at once are counted one after another: five, then no more', async () => {
    t.clock.set('2026-12-04T01:00:00Z');
    const guesses = ['6001', '6002', '6003', '6004', '6005', '6006', '6007', '6008'];
    await Promise.all(guesses.map((g) => sim.say(b, `출석 ${g}`)));
    const answers = (await sim.chat('direct', b))
      .filter((m) => m.from === 'bot')
      .slice(-8)
      .map((m) => m.text);
    expect(answers.filter((x) => x.includes('번 더 보내실 수 있습니다'))).toHaveLength(4);
    expect(answers.filter((x) => x.includes('오늘은 채팅으로 출석을 더 받지 않습니다'))).toHaveLength(4);
    const [row] = await t.database.db
      .select()
      .from(checkInAttempts)
      .where(eq(checkInAttempts.memberId, await memberOf(b)));
    expect(row).toMatchObject({ day: '2026-12-04', wrong: 5 });
  });
});

describe('minutes count only as the workshop passes', () => {
  test('출석 before a rescheduled start credits nothing; the certificate comes when its 120 minutes have passed', async () => {
    t.clock.set('2026-12-04T01:00:00Z');
    const id = await create('마을 역사 교실 / 고성읍 / 고성읍사무소 2층 / 12.10 14:00 / 2시간 / 20명');
    expect(await say(b, `교육 신청 ${id}`)).toContain('신청이 확정되었습니다');
    expect(await say(STAFF, `교육 변경 ${id} 12.10 11:15`)).toMatch(/12\.10\.\(목\) 11:15(으)?로 바꿨습니다/);
    const code = (await workshopOf(id))?.checkInCode ?? '';

    t.clock.set('2026-12-10T01:58:00Z'); // 10:58 KST, 17 minutes before the start
    const answer = await say(b, `출석 ${code}`);
    expect(answer).toBe(
      '「마을 역사 교실」 출석을 확인했습니다. 고맙습니다.\n수료증은 수료 시간이 지나는 13:15 이후에 보내 드립니다.',
    );
    expect(answer).not.toContain('[수료증]');
    const member = await memberOf(b);
    expect(await t.database.db.$count(certificates, eq(certificates.memberId, member))).toBe(0);
    expect((await signupOf(id, b))?.attendedMinutes).toBe(0);
    expect(await say(STAFF, `교육 현황 ${id}`)).toContain('1. 이다른 (출석 0분)');

    await runCompletionAt('2026-12-10T03:15:00Z'); // 12:15: an hour in
    expect(await t.database.db.$count(certificates, eq(certificates.memberId, member))).toBe(0);
    expect((await signupOf(id, b))?.attendedMinutes).toBe(60);
    expect(await say(STAFF, `교육 현황 ${id}`)).toContain('1. 이다른 (출석 1시간)');
    expect(await say(b, '수료증')).toContain('아직 받으신 수료증이 없습니다');

    expect(await runCompletionAt('2026-12-10T04:15:00Z')).toMatchObject({ certificates: 1, completed: 1 }); // 13:15, the end
    expect((await signupOf(id, b))?.attendedMinutes).toBe(120);
    const [certificate] = await t.database.db.select().from(certificates).where(eq(certificates.memberId, member));
    expect(certificate?.issuedAt.toISOString()).toBe('2026-12-10T04:15:00.000Z');
    expect(await texts(b)).toContain('[수료증] 「마을 역사 교실」을 수료하셨습니다.');
    expect(await runCompletionAt('2026-12-10T04:20:00Z')).toMatchObject({ certificates: 0, completed: 0 });
    expect(await t.database.db.$count(certificates, eq(certificates.memberId, member))).toBe(1);
  });

  test('staff marking during the workshop credits the time passed; the certificate waits for the end', async () => {
    t.clock.set('2026-12-04T01:00:00Z');
    const id = await create('짧은 교실 / 고성읍 / 고성읍 회의실 / 12.11 10:00 / 1시간 / 20명');
    expect(await say(a, `교육 신청 ${id}`)).toContain('신청이 확정되었습니다');
    t.clock.set('2026-12-11T01:20:00Z'); // 10:20 KST
    expect(await say(STAFF, `출석 확인 ${id} 1`)).toContain('출석을 표시했습니다: 1명.');
    expect((await signupOf(id, a))?.attendedMinutes).toBe(20);
    expect(await t.database.db.$count(certificates, eq(certificates.workshopId, id))).toBe(0);
    await runCompletionAt('2026-12-11T02:00:00Z'); // 11:00, the end
    expect(await t.database.db.$count(certificates, eq(certificates.workshopId, id))).toBe(1);
    expect((await signupOf(id, a))?.attendedMinutes).toBe(60);
  });
});
