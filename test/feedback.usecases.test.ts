import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { answerFeedback, closeFeedback, takeFeedback } from '../core/feedback/feedback.staff.usecases.ts';
import { replyToFeedback } from '../core/feedback/feedback.usecases.ts';
import { identities } from '../db/schema/index.ts';
import { setUpStaffRooms, settleFeedback } from './support/feedback.setup.ts';
import { registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

// The usecases are the feature's one way in: a second entry point (the staff web console to come) calls them
// without a chat turn, and the resident and the staff rooms must still hear of what it did.
let t: TestApp;
let sim: ReturnType<typeof simClient>;
let resident: string;
let receipt = '';
let staff: { memberId: number; grants: { role: 'district_staff'; districtCode: string; villageId: null }[] };

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  resident = await registerApproved(sim, {
    nickname: '콘솔',
    name: '나콘솔',
    mobile: '010-3200-0001',
    head: 'head-goseong-eup-1',
  });
  await setUpStaffRooms(t, sim);
  receipt = /접수번호 (\S+)/.exec((await sim.say(resident, '의견 경로당 문이 잘 안 닫혀요')).join())?.[1] ?? '';
  await settleFeedback(t);
  const [identity] = await t.database.db
    .select({ memberId: identities.memberId })
    .from(identities)
    .where(eq(identities.platformUserId, 'staff-goseong-eup'));
  staff = {
    memberId: identity?.memberId ?? -1,
    grants: [{ role: 'district_staff', districtCode: 'goseong-eup', villageId: null }],
  };
});
afterAll(() => t.stop());

const inTx = <T>(run: (tx: Parameters<Parameters<TestApp['database']['db']['transaction']>[0]>[0]) => Promise<T>) =>
  t.database.db.transaction(run);
const lastTo = async (kind: 'direct' | 'group', id: string) => {
  await t.app.delivery.flush();
  return (await sim.chat(kind, id)).at(-1)?.text ?? '';
};

describe('another entry point than the chat', () => {
  test('taking, answering and closing from outside a chat still tell the resident and the staff room', async () => {
    const deps = t.app.deps;
    const taken = await inTx((tx) => takeFeedback({ tx, deps, staff, receipt }));
    expect(taken).toMatchObject({ kind: 'taken', changed: true, notices: [{ to: 'resident' }] });
    expect(await lastTo('direct', resident)).toContain('담당자가 확인하고 있습니다');

    const answered = await inTx((tx) =>
      answerFeedback({ tx, deps, staff, receipt, text: '내일 고쳐 드리겠습니다.', eventKey: 'console:1' }),
    );
    expect(answered.kind).toBe('answered');
    expect('notices' in answered && answered.notices.map((n) => n.to)).toEqual(['resident', 'staff']);
    expect(await lastTo('direct', resident)).toBe(`[의견 ${receipt} 답변]\n내일 고쳐 드리겠습니다.\n— 고성읍사무소`);
    expect(await lastTo('group', 'office-goseong')).toContain(`[의견 ${receipt}] 답변이 나갔습니다`);

    const added = await inTx((tx) =>
      replyToFeedback({
        tx,
        deps,
        memberId: taken.kind === 'taken' ? taken.item.memberId : -1,
        receipt,
        text: '감사합니다',
        eventKey: 'console:2',
      }),
    );
    expect(added).toMatchObject({ kind: 'added', reopened: false, notices: [{ to: 'staff' }] });
    expect(await lastTo('group', 'office-goseong')).toBe(`[의견 ${receipt} 주민 답글]\n감사합니다`);

    const closed = await inTx((tx) => closeFeedback({ tx, deps, staff, receipt, eventKey: 'console:3' }));
    expect(closed).toMatchObject({ kind: 'closed', notices: [{ to: 'resident' }] });
    expect(await lastTo('direct', resident)).toContain('종결되었습니다. 해결되셨나요?');
  });
});

describe('the layer boundary of the feedback feature', () => {
  const source = (file: string) => readFileSync(new URL(`../core/feedback/${file}`, import.meta.url), 'utf8');

  test.each(['feedback.commands.ts', 'feedback.staff.commands.ts'])(
    '%s only parses and formats: no query, no outbox, no one else told',
    (file) => {
      const text = source(file);
      expect(text).not.toMatch(/from 'drizzle-orm'|db\/schema|feedback\.repository|feedback\.notify|delivery\//);
      expect(text).not.toMatch(/\.tx\.(select|insert|update|delete)\(|tellStaff|tellResident|turn\.notify/);
    },
  );

  test.each(['feedback.usecases.ts', 'feedback.staff.usecases.ts', 'feedback.triage.ts', 'feedback.digest.ts'])(
    '%s runs no query of its own: queries live in feedback.repository.ts',
    (file) => {
      expect(source(file)).not.toMatch(/from 'drizzle-orm'|db\/schema\/index/);
    },
  );

  test('the rules are pure: no database, no clock of their own', () => {
    expect(source('feedback.rules.ts')).not.toMatch(/drizzle|db\.client|new Date\(\)|Date\.now\(\)|deps\./);
  });
});
