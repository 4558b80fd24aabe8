import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import { broadcasts, workshops } from '../db/schema/index.ts';
import { workshopCompletionJob } from '../jobs/workshop.completion.job.ts';
import { registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let resident: string; // an approved resident of 고성읍

const STAFF = 'staff-goseong-eup';
const say = async (who: string, text: string) => (await sim.say(who, text)).join('\n');
const texts = async (id: string) => (await sim.chat('direct', id)).map((m) => m.text).join('\n---\n');
const latestWorkshop = async () => (await t.database.db.select().from(workshops).orderBy(workshops.id)).at(-1);

beforeAll(async () => {
  t = await startTestApp(); // 11.24.(화) 10:00 KST
  sim = simClient(t.app.url);
  resident = await registerApproved(sim, {
    nickname: 'r',
    name: '박주민',
    mobile: '010-5200-0001',
    head: 'head-goseong-eup-1',
  });
});
afterAll(() => t.stop());

describe('a workshop whose sign-up deadline has already gone', () => {
  let id = 0;

  test('staff are asked before anything is announced, and the workshop stays out of sight meanwhile', async () => {
    const broadcastsBefore = await t.database.db.$count(broadcasts);
    const question = await say(STAFF, '교육 만들기 급한 교실 / 고성읍 / 고성읍 회의실 / 오늘 11:20 / 1시간 / 10명');
    expect(question).toContain('11.24.(화) 11:20에 시작해, 신청 마감(3일 전, 11.21.(토)까지)이 이미 지났습니다');
    expect(question).toContain('아직 알리지 않았습니다');
    expect(question).toContain('1. 마감을 시작 전으로 바꿔 알리기');
    expect(question).not.toContain('출석 번호는');
    const w = await latestWorkshop();
    id = w?.id ?? 0;
    expect(w?.status).toBe('pending');
    expect(await t.database.db.$count(broadcasts)).toBe(broadcastsBefore);
    expect(await texts(resident)).not.toContain('급한 교실');
    expect(await say(resident, `교육 신청 ${id}`)).toContain('찾지 못했습니다');
    expect(await say(resident, '교육')).not.toContain('급한 교실');
    expect((await fetch(`${t.app.url}/workshops/${id}.ics`)).status).toBe(404);
  });

  test('an empty or punctuation reply picks nothing; "1" opens sign-up until the start and announces it so', async () => {
    for (const reply of ['?', '.', ' ']) expect(await say(STAFF, reply)).toContain('1, 2, 3 가운데 하나를 보내 주세요');
    expect((await latestWorkshop())?.status).toBe('pending');
    const done = await say(STAFF, '1');
    expect(done).toContain('신청은 11.24.(화) 11:20 시작 전까지 받습니다.');
    expect(done).toMatch(/주민 \d+명과 이장 3명께 알렸습니다/);
    expect(await latestWorkshop()).toMatchObject({ status: 'scheduled', closesDaysBefore: 0 });
    expect(await texts(resident)).toContain('[교육 안내] 급한 교실');
    expect(await texts(resident)).toContain('신청 11.24.(화) 11:20 시작 전까지');
    expect(await texts(resident)).not.toMatch(/신청 11\.2\d\.\([^)]+\)까지/);
    expect(await say(resident, `교육 신청 ${id}`)).toContain('신청이 확정되었습니다');
  });

  test('"신청 없이 만들기" makes it without telling anyone; "만들지 않기" leaves nothing', async () => {
    const before = await t.database.db.$count(broadcasts);
    await say(STAFF, '교육 만들기 조용한 교실 / 고성읍 / 고성읍 회의실 / 내일 10:00 / 1시간 / 10명');
    const quiet = await latestWorkshop();
    expect(await say(STAFF, '신청 없이 만들기')).toContain('신청 없이 만들었습니다');
    expect(await latestWorkshop()).toMatchObject({ id: quiet?.id, status: 'scheduled', closesDaysBefore: 3 });
    expect(await t.database.db.$count(broadcasts)).toBe(before);
    expect(await say(resident, `교육 신청 ${quiet?.id}`)).toContain('까지였습니다');

    await say(STAFF, '교육 만들기 없을 교실 / 고성읍 / 고성읍 회의실 / 내일 15:00 / 1시간 / 10명');
    const dropped = await latestWorkshop();
    expect(await say(STAFF, '3')).toContain('교육을 만들지 않았습니다');
    expect(await t.database.db.$count(workshops, eq(workshops.id, dropped?.id ?? -1))).toBe(0);
    expect(await t.database.db.$count(broadcasts)).toBe(before);
  });

  test('in a staff room, where no question can be followed, nothing is made and staff are sent to the 1:1 chat', async () => {
    expect((await sim.sayInGroup(STAFF, 'office-goseong', '직원방 연결')).join('\n')).toContain(
      '직원방으로 연결했습니다',
    );
    const count = await t.database.db.$count(workshops);
    const answer = (
      await sim.sayInGroup(
        STAFF,
        'office-goseong',
        '교육 만들기 방 교실 / 고성읍 / 고성읍 회의실 / 내일 16:00 / 1시간 / 10명',
      )
    ).join('\n');
    expect(answer).toContain('신청 마감(3일 전)이 이미 지났습니다');
    expect(answer).toContain('1:1 대화방에서');
    expect(await t.database.db.$count(workshops)).toBe(count);
  });

  test('a workshop with time to sign up is announced at once, as before', async () => {
    const reply = await say(STAFF, '교육 만들기 여유 교실 / 고성읍 / 고성읍 회의실 / 12.10 14:00 / 2시간 / 20명');
    expect(reply).toContain('출석 번호는');
    expect(await texts(resident)).toContain('신청 12.7.(월)까지');
  });
});

describe('workshops under way', () => {
  test('are listed as "진행 중인 교육", apart from the ones to come, for residents and for staff', async () => {
    t.clock.set('2026-11-24T02:30:00Z'); // 11:30 KST: 급한 교실 (11:20–12:20) has begun
    const list = await say(resident, '교육');
    expect(list).toMatch(
      /^진행 중인 교육입니다\.\n\n1\. 「급한 교실」\n {3}11\.24\.\(화\) 11:20 · 고성읍 회의실\n {3}12:20까지 진행 · 신청하셨습니다/,
    );
    const [now, next] = list.split('다가오는 교육입니다.');
    expect(now).not.toContain('여유 교실');
    expect(next).toContain('2. 「조용한 교실」');
    expect(next).toContain('3. 「여유 교실」');
    expect(await say(resident, '?')).toContain('목록의 번호를 보내 주세요'); // a bare "?" picks nothing
    expect(await say(resident, '1')).toContain('이미 시작해 12:20까지 진행 중입니다');
    const status = await say(STAFF, '교육 현황');
    expect(status).toMatch(/^진행 중인 교육 1건과 다가오는 교육 2건:/);
    expect(status).toMatch(/11\.24\.\(화\) 11:20 \(진행 중\) 「급한 교실」/);
  });
});

describe('a pending workshop nobody decided on', () => {
  test('stays unseen after 취소 and is gone once its start has come', async () => {
    t.clock.set('2026-11-24T02:40:00Z'); // 11:40 KST
    await say(STAFF, '교육 만들기 버려질 교실 / 고성읍 / 고성읍 회의실 / 오늘 13:00 / 1시간 / 10명');
    const pending = await latestWorkshop();
    expect(pending?.status).toBe('pending');
    expect(await say(STAFF, '취소')).toContain('취소했습니다');
    expect(await say(resident, '교육')).not.toContain('버려질 교실');
    t.clock.set('2026-11-24T04:00:00Z'); // 13:00 KST
    await workshopCompletionJob().run({ ...t.app.deps, summary: noSummaryWriter }, t.clock.now());
    expect(await t.database.db.$count(workshops, eq(workshops.id, pending?.id ?? -1))).toBe(0);
  });
});
