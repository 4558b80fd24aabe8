import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import { sendHeadWeeklyDigests } from '../core/digests/head.digest.ts';
import { feedbackItems } from '../db/schema/index.ts';
import { feedbackSlaJob } from '../jobs/feedback.sla.job.ts';
import { staffDigestJob } from '../jobs/staff.digest.job.ts';
import { setUpStaffRooms, settleFeedback } from './support/feedback.setup.ts';
import { registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let resident: string;

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  resident = await registerApproved(sim, {
    nickname: 'a',
    name: '가주민',
    mobile: '010-6000-0001',
    head: 'head-goseong-eup-1',
  });
  await setUpStaffRooms(t, sim);
});
afterAll(() => t.stop());

const hq = async () => (await sim.chat('group', 'office-hq')).map((m) => m.text);
const runSla = (at: string) => {
  t.clock.set(at);
  return feedbackSlaJob('*/15 * * * *').run({ ...t.app.deps, summary: noSummaryWriter }, new Date(at));
};

test('an item unanswered for three working days is escalated to HQ once, across a weekend; an answered one is not', async () => {
  t.clock.set('2026-11-26T06:00:00Z'); // Thursday 15:00 KST
  const late =
    /접수번호 (\S+)/.exec((await sim.say(resident, '의견 가로등이 꺼져 밤길이 어둡습니다')).join())?.[1] ?? '';
  const answered =
    /접수번호 (\S+)/.exec((await sim.say(resident, '의견 버스 시간표를 알고 싶습니다')).join())?.[1] ?? '';
  await settleFeedback(t);
  await sim.sayInGroup('staff-goseong-eup', 'office-goseong', `답변 ${answered} 군청 누리집에 있습니다.`);
  const [item] = await t.database.db.select().from(feedbackItems).where(eq(feedbackItems.receiptNo, late));
  expect(item?.dueAt.toISOString()).toBe('2026-12-01T09:00:00.000Z'); // Tuesday 18:00 KST: Saturday and Sunday do not count

  expect(await runSla('2026-11-30T06:00:00Z')).toEqual({ escalated: 0 }); // Monday: not yet
  expect(await runSla('2026-12-01T06:15:00Z')).toEqual({ escalated: 0 }); // Tuesday 15:15: due at the end of the day
  expect(await runSla('2026-12-01T09:15:00Z')).toEqual({ escalated: 1 });
  await t.app.delivery.flush();
  const escalations = (await hq()).filter((m) => m.includes('[답변 기한 지남]'));
  expect(escalations).toHaveLength(1);
  expect(escalations[0]).toContain(late);
  expect(escalations.join()).not.toContain(answered);
  expect(await runSla('2026-12-01T09:30:00Z')).toEqual({ escalated: 0 }); // once
});

test("the next morning's staff digest flags the overdue item", async () => {
  const at = new Date('2026-12-01T23:30:00Z'); // Wednesday 08:30 KST
  t.clock.set(at);
  await staffDigestJob('30 8 * * *').run({ ...t.app.deps, summary: noSummaryWriter }, at);
  await t.app.delivery.flush();
  const digest = (await sim.chat('group', 'office-goseong')).at(-1)?.text ?? '';
  expect(digest).toContain('주민 의견');
  expect(digest).toMatch(/답변 전 1건 · 기한 지남 1건/);
  expect(digest).toContain('기한 지남: 2026-000001 (도로·교통');
});

test("the village head's weekly digest shows their village's open feedback", async () => {
  const monday = new Date('2026-12-06T23:00:00Z'); // 12.07.(월) 08:00 KST
  t.clock.set(monday);
  await sendHeadWeeklyDigests({ deps: t.app.deps, now: monday });
  await t.app.delivery.flush();
  const digest = (await sim.chat('direct', 'head-goseong-eup-1')).at(-1)?.text ?? '';
  expect(digest).toContain('[이번 주 고성1리 소식]');
  expect(digest).toContain('이번 주 살펴보실 일: 우리 마을 주민 의견(답변 전 의견 1건)입니다.');
  expect(digest).toContain(
    '■ 우리 마을 주민 의견 새로 0건 · 답변 전 1건 · 기한 지남 1건\n· 기한 지남: 2026-000001 (도로·교통, 12.1.(화) 18:00)',
  );
  expect((await sim.chat('direct', 'head-samsan-1')).at(-1)?.text ?? '').not.toContain('주민 의견');
});
