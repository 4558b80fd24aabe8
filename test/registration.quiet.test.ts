import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { identities, members, registrations } from '../db/schema/index.ts';
import { registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

const DISTRICT_STAFF = 'staff-goseong-eup';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
});
afterAll(() => t.stop());

const requestsTo = async (head: string, name: string) =>
  (await sim.chat('direct', head)).filter((m) => m.text.includes('등록 신청 #') && m.text.includes(name));

async function registrationIdOf(userId: string): Promise<number> {
  const [row] = await t.database.db
    .select({ id: registrations.id })
    .from(registrations)
    .innerJoin(identities, eq(identities.memberId, registrations.memberId))
    .where(eq(identities.platformUserId, userId));
  return row?.id ?? -1;
}

test('a resident who registers at night is told that the head gets the request tomorrow at 07:00', async () => {
  t.clock.set('2026-11-24T13:30:00Z'); // 11.24 22:30 KST
  const { last } = await registerResident(sim, { nickname: '밤', name: '윤밤길', mobile: '010-4500-0001' });
  expect(last[0]).toContain('등록 신청이 접수되었습니다');
  expect(last[0]).toContain('고성1리 이장님께 내일 07:00에 전해집니다');
  expect(await requestsTo('head-goseong-eup-1', '윤밤길')).toHaveLength(0);
});

test('after midnight it is "오늘 07:00", and by day nothing is said about the time', async () => {
  t.clock.set('2026-11-24T16:10:00Z'); // 11.25 01:10 KST
  const night = await registerResident(sim, {
    nickname: '새벽',
    name: '강새벽',
    mobile: '010-4500-0002',
    village: '2',
  });
  expect(night.last[0]).toContain('고성2리 이장님께 오늘 07:00에 전해집니다');
  t.clock.set('2026-11-25T02:00:00Z'); // 11.25 11:00 KST
  const day = await registerResident(sim, { nickname: '낮', name: '강한낮', mobile: '010-4500-0003', village: '3' });
  expect(day.last[0]).toContain('고성3리 이장님이 확인하신 뒤');
  expect(day.last[0]).not.toContain('07:00');
});

test("the head's own quiet hours decide the time told (the delivery's rule)", async () => {
  const [head] = await t.database.db
    .select({ memberId: identities.memberId })
    .from(identities)
    .where(eq(identities.platformUserId, 'head-samsan-1'));
  await t.database.db
    .update(members)
    .set({ quietStart: '20:00', quietEnd: '06:30' })
    .where(eq(members.id, head?.memberId ?? -1));
  t.clock.set('2026-11-25T11:30:00Z'); // 11.25 20:30 KST
  const { last } = await registerResident(sim, {
    nickname: '삼산',
    name: '문삼산',
    mobile: '010-4500-0004',
    district: '삼산면',
    village: '1',
  });
  expect(last[0]).toContain('삼산1리 이장님께 내일 06:30에 전해집니다');
});

test('a registration decided by district staff in the night is not asked of the head at 07:00', async () => {
  t.clock.set('2026-11-26T13:30:00Z'); // 11.26 22:30 KST
  const { id } = await registerResident(sim, { nickname: '급함', name: '서급한', mobile: '010-4500-0005' });
  const registrationId = await registrationIdOf(id);
  t.clock.set('2026-11-26T14:00:00Z'); // 23:00: the district office decides it (its own answer is not held)
  expect((await sim.press(DISTRICT_STAFF, `승인 ${registrationId}`))[0]).toContain('승인했습니다');

  t.clock.set('2026-11-26T22:00:00Z'); // 11.27 07:00 KST
  await t.app.delivery.flush();
  expect(await requestsTo('head-goseong-eup-1', '서급한')).toHaveLength(0);
  // The resident hears of the approval when their own quiet hours end.
  expect((await sim.chat('direct', id)).at(-1)?.text).toContain('등록이 승인되었습니다');
});
