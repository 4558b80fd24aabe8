import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RoleGrant } from '../core/auth/authz.policy.ts';
import { loadGrants } from '../core/members/member.resolve.ts';
import { correctNotice, withdrawNotice } from '../core/notices/notice.revise.usecases.ts';
import { acknowledgeNotice, relayNotice, sendNotice } from '../core/notices/notice.usecases.ts';
import { identities } from '../db/schema/index.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

// The usecases are the feature's one way in: a second entry point (the staff web console to come) calls them
// without a chat turn, and the heads and the village chats must still hear of what it did.
let t: TestApp;
let sim: ReturnType<typeof simClient>;
type Person = { memberId: number; grants: RoleGrant[] };
let staff: Person;
let head1: Person;
let head2: Person;

const person = async (platformUserId: string): Promise<Person> => {
  const [identity] = await t.database.db
    .select({ memberId: identities.memberId })
    .from(identities)
    .where(eq(identities.platformUserId, platformUserId));
  const memberId = identity?.memberId ?? -1;
  return { memberId, grants: await loadGrants(t.database.db, memberId) };
};

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  // Every persona is known once it has spoken.
  for (const who of ['staff-goseong-eup', 'head-goseong-eup-1', 'head-goseong-eup-2', 'head-goseong-eup-3'])
    await sim.say(who, '도움말');
  staff = await person('staff-goseong-eup');
  head1 = await person('head-goseong-eup-1');
  head2 = await person('head-goseong-eup-2');
});
afterAll(() => t.stop());

const inTx = <T>(run: (tx: Parameters<Parameters<TestApp['database']['db']['transaction']>[0]>[0]) => Promise<T>) =>
  t.database.db.transaction(run);
const lastTo = async (kind: 'direct' | 'group', id: string) => {
  await t.app.delivery.flush();
  return (await sim.chat(kind, id)).at(-1)?.text ?? '';
};

describe('a notice handled from outside a chat', () => {
  let noticeId = 0;

  test('sending from outside a chat still tells every head of the scope', async () => {
    const deps = t.app.deps;
    const sent = await inTx((tx) =>
      sendNotice({
        tx,
        deps,
        sender: { ...staff, label: '고성읍사무소' },
        scope: { kind: 'districts', codes: ['goseong-eup'] },
        priority: 'normal',
        body: '콘솔에서 보낸 공지입니다.',
      }),
    );
    expect(sent).toMatchObject({ kind: 'sent', heads: 3, told: [{ to: 'heads', count: 3 }, { to: 'village_chats' }] });
    noticeId = sent.kind === 'sent' ? sent.noticeId : 0;
    expect(await lastTo('direct', 'head-goseong-eup-1')).toContain(
      `[고성군 공지 #${noticeId}]\n콘솔에서 보낸 공지입니다.`,
    );
    expect(await lastTo('direct', 'head-goseong-eup-3')).toContain('콘솔에서 보낸 공지입니다.');
  });

  test('relaying from outside a chat still posts into the head’s village chat, and only there', async () => {
    const deps = t.app.deps;
    const relayed = await inTx((tx) => relayNotice({ tx, deps, head: head2, noticeId }));
    expect(relayed).toMatchObject({ kind: 'relayed', told: [{ to: 'village_chats', count: 1 }] });
    expect(await lastTo('group', 'village-2')).toContain('콘솔에서 보낸 공지입니다.\n— 고성읍사무소 발신 · 이장');
    expect((await sim.chat('group', 'village-1')).map((m) => m.text).join()).not.toContain('콘솔에서 보낸');
  });

  test('a relay asked for in another village’s chat is refused by the usecase itself', async () => {
    const deps = t.app.deps;
    const refused = await inTx((tx) =>
      relayNotice({ tx, deps, head: head1, noticeId, chat: { platform: 'websim', type: 'group', id: 'village-2' } }),
    );
    expect(refused).toEqual({ kind: 'wrong_room', roomVillage: '고성2리' });
    expect((await sim.chat('group', 'village-1')).map((m) => m.text).join()).not.toContain('콘솔에서 보낸');
  });

  test('correcting from outside a chat still tells the heads and follows the relayed copy', async () => {
    const deps = t.app.deps;
    const corrected = await inTx((tx) =>
      correctNotice({ tx, deps, editor: staff, noticeId, body: '바로잡은 공지입니다.' }),
    );
    expect(corrected).toMatchObject({
      kind: 'corrected',
      heads: 3,
      told: [
        { to: 'heads', count: 3 },
        { to: 'village_chats', count: 1 },
      ],
    });
    expect(await lastTo('group', 'village-2')).toContain(
      '[정정] 앞서 전해 드린 고성군 공지를 다음과 같이 바로잡습니다.',
    );
    expect(await lastTo('direct', 'head-goseong-eup-1')).toContain(
      `[정정] [고성군 공지 #${noticeId}]\n바로잡은 공지입니다.`,
    );
  });

  test('withdrawing from outside a chat still tells the heads and the relayed copy; it can no longer be acknowledged', async () => {
    const deps = t.app.deps;
    const withdrawn = await inTx((tx) => withdrawNotice({ tx, deps, editor: staff, noticeId }));
    expect(withdrawn).toMatchObject({ kind: 'withdrawn', told: [{ to: 'heads', count: 3 }, { to: 'village_chats' }] });
    expect(await lastTo('group', 'village-2')).toContain('[철회]');
    expect(await lastTo('direct', 'head-goseong-eup-3')).toContain(`[고성군 공지 #${noticeId} 철회]`);
    expect(await inTx((tx) => acknowledgeNotice({ tx, deps, memberId: head1.memberId, noticeId }))).toEqual({
      kind: 'withdrawn',
    });
  });
});
