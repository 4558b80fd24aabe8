import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RoleGrant } from '../core/auth/authz.policy.ts';
import { broadcastReach, listVillageBroadcasts, sendBroadcast } from '../core/broadcasts/broadcast.usecases.ts';
import { loadGrants } from '../core/members/member.resolve.ts';
import { identities } from '../db/schema/index.ts';
import { registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

// The usecases are the feature's one way in: a second entry point (the staff web console to come) calls them
// without a chat turn, and the residents and the village chats must still get what it sent.
let t: TestApp;
let sim: ReturnType<typeof simClient>;
let resident: string;
let staff: { memberId: number; grants: RoleGrant[]; label: string };

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  resident = await registerApproved(sim, {
    nickname: '콘솔방송',
    name: '나방송',
    mobile: '010-3300-0001',
    head: 'head-goseong-eup-1',
  });
  await sim.say('staff-goseong-eup', '도움말');
  const [identity] = await t.database.db
    .select({ memberId: identities.memberId })
    .from(identities)
    .where(eq(identities.platformUserId, 'staff-goseong-eup'));
  const memberId = identity?.memberId ?? -1;
  staff = { memberId, grants: await loadGrants(t.database.db, memberId), label: '고성읍사무소' };
});
afterAll(() => t.stop());

const inTx = <T>(run: (tx: Parameters<Parameters<TestApp['database']['db']['transaction']>[0]>[0]) => Promise<T>) =>
  t.database.db.transaction(run);
const lastTo = async (kind: 'direct' | 'group', id: string) => {
  await t.app.delivery.flush();
  return (await sim.chat(kind, id)).at(-1)?.text ?? '';
};

describe('a broadcast handled from outside a chat', () => {
  test('sending from outside a chat still reaches the residents and the village chat, and says so', async () => {
    const deps = t.app.deps;
    const sent = await inTx((tx) =>
      sendBroadcast({
        tx,
        deps,
        sender: staff,
        scope: { kind: 'villages', ids: [1] },
        category: 'urgent',
        body: '콘솔에서 보낸 긴급 방송입니다.',
      }),
    );
    expect(sent).toMatchObject({
      kind: 'sent',
      groupChats: 1,
      told: [{ to: 'residents' }, { to: 'village_chats', count: 1 }],
    });
    const residents = sent.kind === 'sent' ? sent.told.find((x) => x.to === 'residents') : undefined;
    expect(residents?.count).toBeGreaterThanOrEqual(1);
    expect(residents?.messages[0]?.text).toContain('[긴급 마을방송]\n콘솔에서 보낸 긴급 방송입니다.\n— 고성읍사무소');
    expect(await lastTo('direct', resident)).toContain('콘솔에서 보낸 긴급 방송입니다.');
    expect(await lastTo('group', 'village-1')).toContain('콘솔에서 보낸 긴급 방송입니다.');

    const reach = await broadcastReach({ tx: t.database.db, scope: { kind: 'villages', ids: [1] } });
    expect(reach[0]?.body).toBe('콘솔에서 보낸 긴급 방송입니다.');
    expect(reach[0]?.byPlatform.reduce((sum, p) => sum + p.sent, 0)).toBeGreaterThanOrEqual(1);
    const archive = await listVillageBroadcasts({
      tx: t.database.db,
      villageId: 1,
      districtCode: 'goseong-eup',
      query: '긴급 방송',
    });
    expect(archive.map((b) => b.body)).toEqual(['콘솔에서 보낸 긴급 방송입니다.']);
  });
});
