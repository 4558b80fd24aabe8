import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RoleGrant } from '../core/auth/authz.policy.ts';
import { answerReport, fileReport } from '../core/reports/report.usecases.ts';
import { identities, roles } from '../db/schema/index.ts';
import { setUpStaffRooms } from './support/feedback.setup.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

// A second entry point (the staff web console to come) calls the usecases without a chat turn: the district's
// staff room still gets the report, the head still gets the answer.
const HEAD = 'head-goseong-eup-1'; // 고성읍 고성1리

let t: TestApp;
let sim: ReturnType<typeof simClient>;

const inTx = <T>(run: (tx: Parameters<Parameters<TestApp['database']['db']['transaction']>[0]>[0]) => Promise<T>) =>
  t.database.db.transaction(run);
async function person(platformUserId: string): Promise<{ memberId: number; grants: RoleGrant[] }> {
  const [row] = await t.database.db
    .select({ memberId: identities.memberId })
    .from(identities)
    .where(eq(identities.platformUserId, platformUserId));
  const memberId = row?.memberId ?? -1;
  const grants = await t.database.db
    .select({ role: roles.role, villageId: roles.villageId, districtCode: roles.districtCode })
    .from(roles)
    .where(eq(roles.memberId, memberId));
  return { memberId, grants };
}
const last = async (kind: 'direct' | 'group', id: string) => {
  await t.app.delivery.flush();
  return (await sim.chat(kind, id)).at(-1)?.text ?? '';
};

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  await setUpStaffRooms(t, sim);
});
afterAll(() => t.stop());

describe('보고 from another entry point than the chat', () => {
  test('filing a report from outside a chat still tells the district’s staff room, and answering still tells the head', async () => {
    const head = await person(HEAD);
    const filed = await inTx((tx) =>
      fileReport({ tx, deps: t.app.deps, author: head, body: '마을 앞 다리 난간이 부서졌습니다' }),
    );
    expect(filed).toMatchObject({
      kind: 'filed',
      districtName: '고성읍',
      notices: [{ to: 'staff', districtCode: 'goseong-eup', reached: 1 }],
    });
    const reportId = filed.kind === 'filed' ? filed.reportId : -1;
    expect(await last('group', 'office-goseong')).toContain(
      `[이장 보고 #${reportId}] 고성읍 고성1리 · 이장 김*자\n마을 앞 다리 난간이 부서졌습니다`,
    );

    const staff = await person('staff-goseong-eup');
    const answered = await inTx((tx) =>
      answerReport({ tx, deps: t.app.deps, staff, reportId, answer: '내일 오전에 살펴보겠습니다.' }),
    );
    expect(answered).toMatchObject({ kind: 'answered', notices: [{ to: 'head', memberId: head.memberId }] });
    expect(await last('direct', HEAD)).toBe(`[보고 #${reportId} 답변]\n내일 오전에 살펴보겠습니다.\n— 고성읍사무소`);
  });

  test('county staff sign their answer with the county office', async () => {
    const head = await person(HEAD);
    const filed = await inTx((tx) => fileReport({ tx, deps: t.app.deps, author: head, body: '가로등이 꺼졌습니다' }));
    const reportId = filed.kind === 'filed' ? filed.reportId : -1;
    const county = await person('staff-county');
    await inTx((tx) => answerReport({ tx, deps: t.app.deps, staff: county, reportId, answer: '확인하겠습니다.' }));
    expect(await last('direct', HEAD)).toMatch(
      new RegExp(`^\\[보고 #${reportId} 답변\\]\\n확인하겠습니다\\.\\n— \\S+군청$`),
    );
  });
});
