import { eq } from 'drizzle-orm';
import { identities, roles } from '../../db/schema/index.ts';
import type { simClient } from './sim.client.ts';
import type { TestApp } from './test.app.ts';

/** Staff rooms for 고성읍 and HQ on the simulator, and a staff member of another district (삼산면). */
export async function setUpStaffRooms(t: TestApp, sim: ReturnType<typeof simClient>): Promise<{ samsanStaff: string }> {
  await sim.sayInGroup('staff-goseong-eup', 'office-goseong', '직원방 연결');
  await sim.sayInGroup('staff-county', 'office-hq', '직원방 연결');
  const { id } = await sim.newPersona('삼산면 담당');
  const [identity] = await t.database.db
    .select({ memberId: identities.memberId })
    .from(identities)
    .where(eq(identities.platformUserId, id));
  await t.database.db
    .insert(roles)
    .values({ memberId: identity?.memberId ?? -1, role: 'district_staff', districtCode: 'samsan' });
  return { samsanStaff: id };
}

/** Triage (model or rules) and the deliveries it causes, as the background loops would. */
export async function settleFeedback(t: TestApp): Promise<void> {
  await t.app.triage.flush();
  await t.app.delivery.flush();
}
