import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import type { OutboundMessage } from '../core/channel/channel.types.ts';
import { identities, members, outbox } from '../db/schema/index.ts';
import { createJobs } from '../jobs/job.registry.ts';
import { createJobScheduler, type JobScheduler } from '../jobs/job.scheduler.ts';
import { registerResident } from './support/registration.flow.ts';
import { sendBroadcast } from './support/broadcast.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let jobs: JobScheduler;
let digestFan: string; // 고성1리, chooses the digest in 설정
let instantFan: string; // 고성1리, keeps instant delivery

const settings = {
  JOB_STAFF_DIGEST_SCHEDULE: '30 8 * * *',
  JOB_RESIDENT_DIGEST_SCHEDULE: '*/30 * * * *',
  JOB_HEAD_DIGEST_SCHEDULE: '0 8 * * 1',
  JOB_FEEDBACK_SLA_SCHEDULE: '*/15 * * * *',
  OPENAI_TIMEOUT_MS: 1000,
};
const DIGEST_TITLE = '[마을방송 모아 보기]';

async function memberOf(platformUserId: string) {
  const [row] = await t.database.db
    .select({ memberId: identities.memberId })
    .from(identities)
    .where(eq(identities.platformUserId, platformUserId));
  const [member] = await t.database.db
    .select()
    .from(members)
    .where(eq(members.id, row?.memberId ?? -1));
  if (!member) throw new Error('no member');
  return member;
}
const digestsIn = async (id: string) => (await sim.chat('direct', id)).filter((m) => m.text.startsWith(DIGEST_TITLE));
const runAt = async (name: string, slot: string) => {
  t.clock.set(slot);
  const outcome = await jobs.runSlot(name, new Date(slot));
  await t.app.delivery.flush();
  return outcome;
};

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  jobs = createJobScheduler({
    deps: { ...t.app.deps, summary: noSummaryWriter },
    jobs: createJobs(settings),
    graceMinutes: 120,
  });
  const approve = async (head: string) => {
    const request = (await sim.chat('direct', head)).at(-1);
    await sim.press(head, `승인 ${/#(\d+)/.exec(request?.text ?? '')?.[1]}`);
  };
  digestFan = (await registerResident(sim, { nickname: 'd', name: '모아민', mobile: '010-3000-0001' })).id;
  await approve('head-goseong-eup-1');
  instantFan = (await registerResident(sim, { nickname: 'i', name: '바로민', mobile: '010-3000-0002' })).id;
  await approve('head-goseong-eup-1');
}, 60_000);
afterAll(() => t.stop());

describe('설정 (settings)', () => {
  test('a registered resident switches to one digest a day with numbered choices', async () => {
    const shown = (await sim.say(digestFan, '설정'))[0] ?? '';
    expect(shown).toContain('지금 설정입니다.');
    expect(shown).toContain('· 마을방송: 즉시 받기');
    expect((await sim.say(digestFan, '1'))[0]).toContain('마을방송을 어떻게 받으시겠어요?');
    expect((await sim.say(digestFan, '2'))[0]).toContain(
      '이제 마을방송을 하루 한 번 18:00에 모아 보내 드립니다. 긴급 방송은 바로 보내 드립니다.',
    );
    expect(await memberOf(digestFan)).toMatchObject({ broadcastMode: 'digest', digestTime: '18:00' });
    expect(await memberOf(instantFan)).toMatchObject({ broadcastMode: 'instant' });
  });

  test('the digest time and quiet hours are chosen the same way; 취소 leaves without a change', async () => {
    await sim.say(digestFan, '설정');
    await sim.say(digestFan, '2');
    expect((await sim.say(digestFan, '4'))[0]).toContain('모아 받는 시각을 20:00로 바꿨습니다.');
    await sim.say(digestFan, 'settings');
    await sim.say(digestFan, '3');
    expect((await sim.say(digestFan, '2'))[0]).toContain('알림 쉬는 시간을 22:00 ~ 06:00로 바꿨습니다.');
    await sim.say(digestFan, '설정');
    await sim.say(digestFan, '2');
    expect((await sim.say(digestFan, '취소'))[0]).toContain('취소했습니다');
    expect(await memberOf(digestFan)).toMatchObject({
      broadcastMode: 'digest',
      digestTime: '20:00',
      quietStart: '22:00',
      quietEnd: '06:00',
    });
    // Back to the default time for the digest tests below.
    await sim.say(digestFan, '설정');
    await sim.say(digestFan, '2');
    await sim.say(digestFan, '3');
    expect((await memberOf(digestFan)).digestTime).toBe('18:00');
  });

  test('someone not yet registered cannot choose the digest, and is told what to do', async () => {
    const { id } = await sim.newPersona('새손님');
    await sim.say(id, '설정');
    expect((await sim.say(id, '1'))[0]).toContain('실명 등록이 승인된 주민만');
    expect((await memberOf(id)).broadcastMode).toBe('instant');
  });
});

describe('the resident broadcast digest', () => {
  test("a digest-mode resident gets the day's non-urgent broadcasts of their village in one message at their time; an instant-mode resident gets none", async () => {
    t.clock.set('2026-11-24T01:30:00Z'); // 10:30 KST
    await sendBroadcast(sim, 'staff-goseong-eup', '방송 보내기 내일 오전 9시 마을회관에서 도로 보수 설명회가 있습니다');
    t.clock.set('2026-11-24T02:00:00Z');
    await sendBroadcast(sim, 'head-goseong-eup-1', '방송 보내기 [행사] 토요일 마을 잔치에 오세요');
    await sendBroadcast(sim, 'head-samsan-1', '방송 보내기 삼산면 분리수거 안내');
    t.clock.set('2026-11-24T03:00:00Z');
    await sendBroadcast(sim, 'staff-goseong-eup', '방송 보내기 긴급 산불 위험! 논밭 태우기를 멈춰 주세요');
    await t.app.delivery.flush();
    const direct = (await sim.chat('direct', digestFan)).map((m) => m.text).join('\n');
    expect(direct).toContain('[긴급 마을방송]'); // urgent ones arrive at once
    expect(direct).not.toContain('도로 보수 설명회');
    expect((await sim.chat('direct', instantFan)).map((m) => m.text).join('\n')).toContain('도로 보수 설명회');

    expect(await runAt('resident-digest', '2026-11-24T08:30:00Z')).toMatchObject({
      kind: 'ran',
      result: { due: 0, queued: 0 },
    }); // 17:30 KST
    expect(await runAt('resident-digest', '2026-11-24T09:00:00Z')).toMatchObject({
      kind: 'ran',
      result: { due: 1, queued: 1 },
    }); // 18:00 KST
    const [digest, ...more] = await digestsIn(digestFan);
    expect(more).toHaveLength(0);
    expect(digest?.text).toContain(`${DIGEST_TITLE} 11.24.(화)`);
    expect(digest?.text).toContain('고성1리에 온 마을방송 2건입니다.');
    expect(digest?.text).toContain(
      '1) 11.24.(화) 10:30 — 고성읍사무소\n내일 오전 9시 마을회관에서 도로 보수 설명회가 있습니다',
    );
    expect(digest?.text).toContain('2) [행사] 11.24.(화) 11:00');
    expect(digest?.text).toContain('토요일 마을 잔치에 오세요');
    expect(digest?.text).not.toContain('산불');
    expect(digest?.text).not.toContain('분리수거');
    expect(await digestsIn(instantFan)).toHaveLength(0);
  });

  test('it comes once: later runs that day add nothing, and the next day carries only what came since', async () => {
    await runAt('resident-digest', '2026-11-24T09:30:00Z');
    await runAt('resident-digest', '2026-11-24T10:00:00Z');
    expect(await digestsIn(digestFan)).toHaveLength(1);
    t.clock.set('2026-11-24T10:00:00Z'); // 19:00 KST, after today's digest
    await sendBroadcast(sim, 'staff-goseong-eup', '방송 보내기 저녁 8시 부녀회 모임이 있습니다');
    await runAt('resident-digest', '2026-11-25T09:00:00Z');
    const digests = await digestsIn(digestFan);
    expect(digests).toHaveLength(2);
    expect(digests[1]?.text).toContain('고성1리에 온 마을방송 1건입니다.');
    expect(digests[1]?.text).toContain('부녀회 모임');
    expect(digests[1]?.text).not.toContain('도로 보수');
    const member = await memberOf(digestFan);
    const rows = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.purpose, 'digest.resident'), eq(outbox.memberId, member.id)));
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual([
      `digest:resident:${member.id}:2026-11-24`,
      `digest:resident:${member.id}:2026-11-25`,
    ]);
  });

  test('a day without broadcasts sends nothing', async () => {
    expect(await runAt('resident-digest', '2026-11-26T09:00:00Z')).toMatchObject({
      kind: 'ran',
      result: { due: 1, queued: 0, empty: 1 },
    });
    expect(await digestsIn(digestFan)).toHaveLength(2);
  });
});

describe("the village head's weekly digest", () => {
  test("Monday 08:00: residents waiting for approval and the week's broadcasts of the village; a head with a quiet week gets nothing", async () => {
    t.clock.set('2026-11-27T01:00:00Z');
    await registerResident(sim, { nickname: 'w', name: '기다림', mobile: '010-3000-0003' }); // waits for 고성1리's head
    expect(await runAt('head-weekly-digest', '2026-11-29T23:00:00Z')).toMatchObject({ kind: 'ran' }); // 11.30.(월) 08:00 KST
    const weekly = (await sim.chat('direct', 'head-goseong-eup-1')).filter((m) =>
      m.text.startsWith('[이번 주 고성1리 소식]'),
    );
    expect(weekly).toHaveLength(1);
    const text = weekly[0]?.text ?? '';
    expect(text).toContain('[이번 주 고성1리 소식] 11.30.(월)');
    expect(text).toContain('■ 승인을 기다리는 주민 1건');
    expect(text).toContain('■ 이번 주 우리 마을 마을방송 4건');
    expect(text).toContain('부녀회 모임');
    expect(text).not.toContain('분리수거');
    expect(text).not.toContain('기다림'); // the digest counts; the names are in "승인"
    expect(text).toContain('"승인"을 보내 주세요');
    const farAway = (await sim.chat('direct', 'head-hail-1')).filter((m) => m.text.startsWith('[이번 주'));
    expect(farAway).toHaveLength(0);
  });
});

test("the digest messages carry what a resident reads, never another resident's name", async () => {
  const rows = await t.database.db.select().from(outbox).where(eq(outbox.purpose, 'digest.resident'));
  for (const row of rows) {
    const text = (JSON.parse(t.app.deps.cipher.decrypt(row.messagesEnc ?? '')) as OutboundMessage[])
      .map((m) => m.text)
      .join('');
    expect(text).not.toContain('바로민');
  }
});
