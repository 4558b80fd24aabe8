import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openWorkshop, settlePendingWorkshop } from '../core/workshops/workshop.create.usecases.ts';
import { cancelSignup } from '../core/workshops/workshop.signup.usecases.ts';
import { cancelWorkshop, rescheduleWorkshop } from '../core/workshops/workshop.staff.usecases.ts';
import { identities, workshops } from '../db/schema/index.ts';
import { registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

// The usecases are the feature's one way in: a second entry point (the staff web console to come) calls them
// without a chat turn, and the people a workshop concerns must still hear of what it did.
let t: TestApp;
let sim: ReturnType<typeof simClient>;
let first: string;
let second: string;
let staff: { memberId: number; grants: { role: 'district_staff'; districtCode: string; villageId: null }[] };
let workshopId = 0;

async function memberOf(userId: string): Promise<number> {
  const [identity] = await t.database.db
    .select({ memberId: identities.memberId })
    .from(identities)
    .where(eq(identities.platformUserId, userId));
  return identity?.memberId ?? -1;
}

beforeAll(async () => {
  t = await startTestApp(); // 11.24.(화) 10:00 KST
  sim = simClient(t.app.url);
  first = await registerApproved(sim, {
    nickname: '첫째',
    name: '박첫째',
    mobile: '010-3300-0001',
    head: 'head-goseong-eup-1',
  });
  second = await registerApproved(sim, {
    nickname: '둘째',
    name: '박둘째',
    mobile: '010-3300-0002',
    head: 'head-goseong-eup-1',
  });
  staff = {
    memberId: await memberOf('staff-goseong-eup'),
    grants: [{ role: 'district_staff', districtCode: 'goseong-eup', villageId: null }],
  };
});
afterAll(() => t.stop());

const inTx = <T>(run: (tx: Parameters<Parameters<TestApp['database']['db']['transaction']>[0]>[0]) => Promise<T>) =>
  t.database.db.transaction(run);
const lastTo = async (id: string) => {
  await t.app.delivery.flush();
  return (await sim.chat('direct', id)).at(-1)?.text ?? '';
};
const deps = () => t.app.deps;
const form = (title: string, startsAt: string) => ({
  title,
  where: '고성읍',
  place: '고성읍 주민자치센터',
  startsAt: new Date(startsAt),
  minutes: 120,
  capacity: 1,
});

describe('workshops from another entry point than the chat', () => {
  test('a workshop made from outside a chat is still announced to the residents and the village heads', async () => {
    const opened = await inTx((tx) =>
      openWorkshop({
        tx,
        deps: deps(),
        staff,
        workshop: form('콘솔 기록 교실', '2026-12-10T05:00:00Z'),
        mayAsk: false,
      }),
    );
    expect(opened).toMatchObject({ kind: 'announced', announcement: { kind: 'announced', heads: 3 } });
    workshopId = opened.kind === 'announced' ? opened.workshop.id : -1;
    expect(await lastTo(first)).toContain('[교육 안내] 콘솔 기록 교실');
    expect(await lastTo('head-goseong-eup-1')).toContain('[교육 안내 · 이장님께] 고성1리 주민께도 알려 주세요');
  });

  test('cancelling a sign-up from outside a chat still tells the first on the waitlist', async () => {
    expect((await sim.say(first, `교육 신청 ${workshopId}`)).join('\n')).toContain('확정');
    expect((await sim.say(second, `교육 신청 ${workshopId}`)).join('\n')).toContain('대기 1번째');
    const memberId = await memberOf(first);
    const cancelled = await inTx((tx) => cancelSignup({ tx, deps: deps(), memberId, workshopId }));
    expect(cancelled).toMatchObject({ kind: 'cancelled', was: 'confirmed', promoted: [await memberOf(second)] });
    expect(await lastTo(second)).toContain('[교육] 자리가 나서 대기하시던 「콘솔 기록 교실」 신청이 확정되었습니다.');
  });

  test('moving a workshop from outside a chat still tells everyone signed up', async () => {
    const moved = await inTx((tx) =>
      rescheduleWorkshop({ tx, deps: deps(), staff, workshopId, startsAt: new Date('2026-12-11T05:00:00Z') }),
    );
    expect(moved).toMatchObject({ kind: 'rescheduled', told: 1 });
    expect(await lastTo(second)).toContain('[교육 일정 변경] 「콘솔 기록 교실」의 일시가');
  });

  test('cancelling a workshop from outside a chat still tells everyone signed up', async () => {
    const cancelled = await inTx((tx) => cancelWorkshop({ tx, deps: deps(), staff, workshopId }));
    expect(cancelled).toMatchObject({ kind: 'cancelled', told: 1 });
    expect(await lastTo(second)).toContain('「콘솔 기록 교실」이 취소되었습니다');
  });

  test('a late workshop settled from outside a chat is still announced; without a way to ask, nothing is made', async () => {
    const late = form('늦은 기록 교실', '2026-11-26T05:00:00Z'); // 11.26 14:00: the 3-day deadline has gone
    const refused = await inTx((tx) => openWorkshop({ tx, deps: deps(), staff, workshop: late, mayAsk: false }));
    expect(refused.kind).toBe('deadline_passed');
    expect(await t.database.db.$count(workshops, eq(workshops.title, '늦은 기록 교실'))).toBe(0);

    const pending = await inTx((tx) => openWorkshop({ tx, deps: deps(), staff, workshop: late, mayAsk: true }));
    expect(pending.kind).toBe('pending');
    expect(await lastTo(first)).not.toContain('늦은 기록 교실');
    const settled = await inTx((tx) =>
      settlePendingWorkshop({
        tx,
        deps: deps(),
        creator: staff,
        workshopId: pending.kind === 'pending' ? pending.workshop.id : -1,
        decision: 'open_until_start',
      }),
    );
    expect(settled).toMatchObject({ kind: 'announced', announcement: { kind: 'announced', heads: 3 } });
    expect(await lastTo(first)).toContain('[교육 안내] 늦은 기록 교실');
    expect(await lastTo('head-goseong-eup-1')).toContain('「늦은 기록 교실」');
  });
});
