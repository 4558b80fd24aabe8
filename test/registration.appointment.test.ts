import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { appoint } from '../core/admin/appointments.ts';
import { sendHeadWeeklyDigests } from '../core/digests/head.digest.ts';
import { checkMobile } from '../core/registration/registration.validate.ts';
import type { RoleName } from '../db/schema/members.schema.ts';
import { identities, outbox, registrations, roles } from '../db/schema/index.ts';
import { registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

const HEAD = 'head-goseong-eup-1'; // 고성읍 고성1리
const DISTRICT_STAFF = 'staff-goseong-eup';
const COUNTY_STAFF = 'staff-county';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
});
afterAll(() => t.stop());

/** What `npm run cli -- appoint --role … --mobile …` records: a role waiting for this number. */
async function appointNumber(mobile: string, role: RoleName, districtCode: string | null): Promise<void> {
  const checked = checkMobile(mobile);
  if (!checked.ok) throw new Error(checked.message);
  await t.database.db.transaction((tx) =>
    appoint(tx, {
      mobileHash: t.app.deps.cipher.blindIndex(checked.value),
      role,
      villageId: null,
      districtCode,
      now: t.clock.now(),
    }),
  );
}

async function applicant(userId: string) {
  const [row] = await t.database.db
    .select({ id: registrations.id, status: registrations.status, memberId: registrations.memberId })
    .from(registrations)
    .innerJoin(identities, eq(identities.memberId, registrations.memberId))
    .where(eq(identities.platformUserId, userId));
  if (!row) throw new Error(`no registration for ${userId}`);
  const granted = await t.database.db.select({ role: roles.role }).from(roles).where(eq(roles.memberId, row.memberId));
  return { ...row, roles: granted.map((r) => r.role) };
}

describe('a registration whose number carries a staff appointment', () => {
  test('is decided by the district office: the village head is not asked, cannot approve it, and is told who decides', async () => {
    await appointNumber('010-4400-0001', 'district_staff', 'goseong-eup');
    const { id, last } = await registerResident(sim, { nickname: '새직원', name: '정새봄', mobile: '010-4400-0001' });
    expect(last[0]).toContain('고성읍 담당자가 확인하신 뒤');
    const registration = await applicant(id);
    expect((await sim.chat('direct', HEAD)).some((m) => m.text.includes(`#${registration.id}`))).toBe(false);
    expect((await sim.chat('direct', DISTRICT_STAFF)).at(-1)?.text).toContain(`#${registration.id}`);
    // The head's list does not offer it, and pressing 승인 anyway is refused in Korean.
    expect((await sim.say(HEAD, '승인'))[0]).not.toContain(`#${registration.id}`);
    const refused = (await sim.press(HEAD, `승인 ${registration.id}`))[0];
    expect(refused).toContain('읍·면사무소에서 결정합니다');
    expect(await applicant(id)).toMatchObject({ status: 'pending', roles: [] });

    expect((await sim.say(DISTRICT_STAFF, '승인'))[0]).toContain(`#${registration.id}`);
    expect((await sim.press(DISTRICT_STAFF, `승인 ${registration.id}`))[0]).toContain('승인했습니다');
    expect(await applicant(id)).toMatchObject({ status: 'approved', roles: ['district_staff'] });
  });

  test('a county staff appointment is decided by county staff, not by district staff', async () => {
    await appointNumber('010-4400-0002', 'county_staff', null);
    const { id, last } = await registerResident(sim, { nickname: '군청', name: '한가을', mobile: '010-4400-0002' });
    expect(last[0]).toContain('군청 담당자가 확인하신 뒤');
    const registration = await applicant(id);
    expect((await sim.press(HEAD, `승인 ${registration.id}`))[0]).toContain('군청에서 결정합니다');
    expect((await sim.press(DISTRICT_STAFF, `거절 ${registration.id}`))[0]).toContain('군청에서 결정합니다');
    expect((await applicant(id)).status).toBe('pending');
    expect((await sim.press(COUNTY_STAFF, `승인 ${registration.id}`))[0]).toContain('승인했습니다');
    expect(await applicant(id)).toMatchObject({ status: 'approved', roles: ['county_staff'] });
  });

  test("the head's weekly digest does not ask the head to decide it", async () => {
    await appointNumber('010-4400-0004', 'district_staff', 'goseong-eup');
    await registerResident(sim, { nickname: '둘리', name: '고둘리', mobile: '010-4400-0004', village: '2' });
    t.clock.advance(60 * 60_000);
    await sendHeadWeeklyDigests({ deps: t.app.deps, now: t.clock.now() });
    const [head] = await t.database.db
      .select({ memberId: identities.memberId })
      .from(identities)
      .where(eq(identities.platformUserId, 'head-goseong-eup-2'));
    const digests = await t.database.db
      .select({ messagesEnc: outbox.messagesEnc })
      .from(outbox)
      .where(and(eq(outbox.memberId, head?.memberId ?? -1), eq(outbox.purpose, 'digest.head')));
    const text = digests.map((d) => t.app.deps.cipher.decrypt(d.messagesEnc ?? '')).join('\n');
    expect(text).not.toContain('승인을 기다리는 주민 1');
    expect(text).not.toContain('"승인"을 보내 주세요');
  });

  test('an ordinary resident of the same village is still the head’s to decide', async () => {
    const { id } = await registerResident(sim, { nickname: '보통', name: '오보통', mobile: '010-4400-0003' });
    const registration = await applicant(id);
    expect((await sim.chat('direct', HEAD)).at(-1)?.text).toContain(`#${registration.id}`);
    expect((await sim.press(HEAD, `승인 ${registration.id}`))[0]).toContain('승인했습니다');
    expect(await applicant(id)).toMatchObject({ status: 'approved', roles: [] });
  });
});
