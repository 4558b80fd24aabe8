import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { identities, members } from '../db/schema/index.ts';
import { registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const HEAD = 'head-goseong-eup-1';

test("a registration sent at 22:30 reaches the village head at 07:00, not in the night, and the resident's own replies are not held", async () => {
  t.clock.set('2026-11-24T13:30:00Z'); // 22:30 KST
  const sim = simClient(t.app.url);
  const requests = async () =>
    (await sim.chat('direct', HEAD)).filter((m) => m.from === 'bot' && m.text.includes('등록 신청 #'));
  const before = (await requests()).length;
  const { last } = await registerResident(sim, { nickname: '밤손님', name: '윤밤중', mobile: '010-2121-3434' });
  expect(last[0]).toContain('등록 신청이 접수되었습니다');
  expect(await requests()).toHaveLength(before);
  // The held request does not hold back the head's own conversation.
  expect((await sim.say(HEAD, '도움말'))[0]).toContain('무엇을 도와드릴까요');

  t.clock.set('2026-11-24T21:59:00Z'); // 06:59 KST
  await t.app.delivery.flush();
  expect(await requests()).toHaveLength(before);

  t.clock.set('2026-11-24T22:00:00Z'); // 07:00 KST
  await t.app.delivery.flush();
  const arrived = (await requests()).slice(before);
  expect(arrived).toHaveLength(1);
  expect(arrived[0]?.text).toContain('윤밤중');
});

test('a village head who set no quiet hours gets it at once', async () => {
  const [head] = await t.database.db
    .select()
    .from(identities)
    .where(eq(identities.platformUserId, 'head-goseong-eup-2'));
  await t.database.db
    .update(members)
    .set({ quietStart: '00:00', quietEnd: '00:00' })
    .where(eq(members.id, head?.memberId ?? -1));
  t.clock.set('2026-11-25T14:00:00Z'); // 23:00 KST
  const sim = simClient(t.app.url);
  await registerResident(sim, { nickname: '올빼미', name: '한올빼', mobile: '010-5656-7878', village: '2' });
  expect((await sim.chat('direct', 'head-goseong-eup-2')).at(-1)?.text).toContain('한올빼');
});
