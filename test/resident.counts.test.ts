import { afterAll, beforeAll, expect, test } from 'vitest';
import { appoint } from '../core/admin/appointments.ts';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import { sendStaffDigests } from '../core/digests/staff.digest.ts';
import { isResident } from '../core/members/resident.rule.ts';
import { checkMobile } from '../core/registration/registration.validate.ts';
import { groupChats, identities } from '../db/schema/index.ts';
import { eq } from 'drizzle-orm';
import { registerApproved, registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

// The first morning after the demo county was seeded (11.24 09:30 KST, 42 village heads approved): 11.25 08:30.
const SLOT = new Date('2026-11-24T23:30:00Z');

let t: TestApp;
let sim: ReturnType<typeof simClient>;
beforeAll(async () => {
  t = await startTestApp(); // 11.24 10:00 KST
  sim = simClient(t.app.url);
  await t.database.db
    .insert(groupChats)
    .values({ platform: 'websim', chatId: 'staff-hq', title: '본청 담당자방', isHqStaffRoom: true });
});
afterAll(() => t.stop());

const memberOf = async (userId: string) =>
  (await t.database.db.select().from(identities).where(eq(identities.platformUserId, userId)))[0]?.memberId ?? -1;

test('the county digest counts as new residents only the residents approved, not the seeded village heads nor new staff', async () => {
  const resident = await registerApproved(sim, {
    nickname: '주민',
    name: '남주민',
    mobile: '010-4600-0001',
    head: 'head-goseong-eup-1',
  });
  // A new district staff member registers like everyone; approving them grants the role, not residence.
  const mobile = checkMobile('010-4600-0002');
  if (!mobile.ok) throw new Error(mobile.message);
  await t.database.db.transaction((tx) =>
    appoint(tx, {
      mobileHash: t.app.deps.cipher.blindIndex(mobile.value),
      role: 'district_staff',
      villageId: null,
      districtCode: 'goseong-eup',
      now: t.clock.now(),
    }),
  );
  const staff = (await registerResident(sim, { nickname: '직원', name: '남직원', mobile: '010-4600-0002' })).id;
  const request = (await sim.chat('direct', 'staff-goseong-eup')).at(-1);
  await sim.press('staff-goseong-eup', `승인 ${/#(\d+)/.exec(request?.text ?? '')?.[1]}`);

  expect(await isResident(t.database.db, await memberOf(resident))).toBe(true);
  expect(await isResident(t.database.db, await memberOf(staff))).toBe(false);
  expect(await isResident(t.database.db, await memberOf('head-goseong-eup-1'))).toBe(false);

  t.clock.set(SLOT);
  await sendStaffDigests({ deps: t.app.deps, summary: noSummaryWriter, now: SLOT });
  await t.app.delivery.flush();
  const digest = (await sim.chat('group', 'staff-hq')).at(-1)?.text ?? '';
  expect(digest).toContain('[아침 소식]');
  expect(digest).toContain('■ 지난 하루 새로 승인된 주민 1명');
  expect(digest).toContain('· 고성읍 고성1리 1명');
  expect(digest).not.toContain('삼산면');
});
