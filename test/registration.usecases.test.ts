import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RoleGrant } from '../core/auth/authz.policy.ts';
import { decideRegistration, listDecidable } from '../core/registration/registration.approver.usecases.ts';
import { submitRegistration } from '../core/registration/registration.usecases.ts';
import { checkMobile } from '../core/registration/registration.validate.ts';
import { withdrawMember } from '../core/registration/withdrawal.usecases.ts';
import { identities, registrations, roles } from '../db/schema/index.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

// The usecases are the feature's one way in: a second entry point (the staff web console to come) calls them
// without a chat turn, and the approvers and the applicant must still hear of what it did.
const HEAD = 'head-goseong-eup-1'; // 고성읍 고성1리

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let head: { memberId: number; grants: RoleGrant[] };
let applicant: { id: string; memberId: number };

const inTx = <T>(run: (tx: Parameters<Parameters<TestApp['database']['db']['transaction']>[0]>[0]) => Promise<T>) =>
  t.database.db.transaction(run);
const memberOf = async (platformUserId: string) => {
  const [row] = await t.database.db
    .select({ memberId: identities.memberId })
    .from(identities)
    .where(eq(identities.platformUserId, platformUserId));
  return row?.memberId ?? -1;
};
const lastTo = async (id: string) => {
  await t.app.delivery.flush();
  return (await sim.chat('direct', id)).at(-1)?.text ?? '';
};
const mobile = (typed: string) => {
  const checked = checkMobile(typed);
  if (!checked.ok) throw new Error(checked.message);
  return checked.value;
};

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  const headId = await memberOf(HEAD);
  const grants = await t.database.db
    .select({ role: roles.role, villageId: roles.villageId, districtCode: roles.districtCode })
    .from(roles)
    .where(eq(roles.memberId, headId));
  head = { memberId: headId, grants };
  const { id } = await sim.newPersona('콘솔 신청');
  await sim.say(id, '안녕하세요');
  applicant = { id, memberId: await memberOf(id) };
});
afterAll(() => t.stop());

describe('registration from another entry point than the chat', () => {
  let registrationId = -1;

  test('submitting a registration from outside a chat still asks the village head', async () => {
    const villageId = head.grants.find((g) => g.role === 'village_head')?.villageId ?? -1;
    const result = await inTx((tx) =>
      submitRegistration({
        tx,
        deps: t.app.deps,
        memberId: applicant.memberId,
        consentedAt: t.clock.now(),
        realName: '나콘솔',
        mobile: mobile('010-3300-0001'),
        villageId,
      }),
    );
    expect(result).toMatchObject({
      kind: 'submitted',
      villageName: '고성1리',
      reach: { queued: 1, approver: 'head' },
      notices: [{ to: 'approver', memberId: head.memberId }],
    });
    registrationId = result.kind === 'submitted' ? result.registrationId : -1;
    const request = await lastTo(HEAD);
    expect(request).toContain(`[주민 등록 신청 #${registrationId}]`);
    expect(request).toContain('나콘솔');
    expect(request).not.toContain('3300-0001');
  });

  test('the request waits in the head’s list, never in the applicant’s own', async () => {
    const listed = await inTx((tx) => listDecidable({ tx, decider: head }));
    expect(listed.pending.map((r) => r.id)).toContain(registrationId);
    const own = await inTx((tx) =>
      listDecidable({ tx, decider: { memberId: applicant.memberId, grants: head.grants } }),
    );
    expect(own.pending.map((r) => r.id)).not.toContain(registrationId);
  });

  test('rejecting from outside a chat still tells the applicant, with the reason', async () => {
    const result = await inTx((tx) =>
      decideRegistration({
        tx,
        deps: t.app.deps,
        decider: head,
        registrationId,
        decision: 'rejected',
        reason: '저희 마을 주민이 아니십니다',
      }),
    );
    expect(result).toMatchObject({ kind: 'decided', notices: [{ to: 'applicant', memberId: applicant.memberId }] });
    expect(await lastTo(applicant.id)).toBe(
      '등록 신청이 승인되지 않았습니다.\n사유: 저희 마을 주민이 아니십니다\n정보를 확인하신 뒤 "등록"으로 다시 신청하실 수 있습니다. 궁금하신 점은 읍·면사무소에 문의해 주세요.',
    );
    // Decided once: a second decision changes nothing and tells nobody again.
    const again = await inTx((tx) =>
      decideRegistration({ tx, deps: t.app.deps, decider: head, registrationId, decision: 'approved' }),
    );
    expect(again).toEqual({ kind: 'already_decided', status: 'rejected' });
  });

  test('approving from outside a chat still tells the applicant they are a resident now', async () => {
    const submitted = await inTx((tx) =>
      submitRegistration({
        tx,
        deps: t.app.deps,
        memberId: applicant.memberId,
        consentedAt: t.clock.now(),
        realName: '나콘솔',
        mobile: mobile('010-3300-0001'),
        villageId: head.grants.find((g) => g.role === 'village_head')?.villageId ?? -1,
      }),
    );
    const id = submitted.kind === 'submitted' ? submitted.registrationId : -1;
    const result = await inTx((tx) =>
      decideRegistration({ tx, deps: t.app.deps, decider: head, registrationId: id, decision: 'approved' }),
    );
    expect(result).toMatchObject({ kind: 'decided', decision: 'approved', notices: [{ to: 'applicant' }] });
    expect(await lastTo(applicant.id)).toContain('등록이 승인되었습니다. 이제 고성1리 주민으로');
  });

  test('withdrawing from outside a chat still erases the name and number', async () => {
    const result = await inTx((tx) => withdrawMember({ tx, deps: t.app.deps, memberId: applicant.memberId }));
    expect(result).toMatchObject({ kind: 'withdrawn', cancelledPending: false });
    const rows = await t.database.db
      .select({ realName: registrations.realName, mobileEnc: registrations.mobileEnc, status: registrations.status })
      .from(registrations)
      .where(eq(registrations.memberId, applicant.memberId));
    expect(rows.map((r) => [r.realName, r.mobileEnc])).toEqual(rows.map(() => [null, null]));
    expect(rows.map((r) => r.status).sort()).toEqual(['rejected', 'withdrawn']);
  });
});
