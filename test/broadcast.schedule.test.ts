import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditLog, identities, members, outbox } from '../db/schema/index.ts';
import { sendBroadcast } from './support/broadcast.flow.ts';
import { approveLatest, registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let goseong1: string; // an approved resident of 고성읍 고성1리
let goseong2: string; // 고성읍 고성2리

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  const approve = (head: string) => approveLatest(sim, head);
  goseong1 = (await registerResident(sim, { nickname: 'a', name: '가주민', mobile: '010-2000-0001' })).id;
  await approve('head-goseong-eup-1');
  goseong2 = (await registerResident(sim, { nickname: 'b', name: '나주민', mobile: '010-2000-0002', village: '2' })).id;
  await approve('head-goseong-eup-2');
});
afterAll(() => t.stop());

const texts = async (kind: 'direct' | 'group', id: string) =>
  (await sim.chat(kind, id)).map((m) => m.text).join('\n---\n');
const say = async (who: string, text: string) => (await sim.say(who, text))[0] ?? '';
/** A broadcast typed and confirmed (보내기); a refusal comes back as it is. */
const send = async (who: string, text: string) => (await sendBroadcast(sim, who, text))[0] ?? '';
const memberOf = async (platformUserId: string) =>
  (
    await t.database.db
      .select({ memberId: identities.memberId })
      .from(identities)
      .where(eq(identities.platformUserId, platformUserId))
  )[0]?.memberId ?? -1;

describe('a broadcast to the places named', () => {
  test('district staff reach only the villages they name, residents and village chats alike', async () => {
    expect(await send('staff-goseong-eup', '방송 보내기 [고성1리] 물탱크 청소로 오후에 단수됩니다')).toMatch(
      /주민 1명과 이장님·담당자 1명, 마을방 1곳/,
    ); // resident + head
    expect(await texts('direct', goseong1)).toContain('물탱크 청소');
    expect(await texts('direct', goseong2)).not.toContain('물탱크 청소');
    expect(await texts('group', 'village-1')).toContain('물탱크 청소');
    expect(await texts('group', 'village-2')).not.toContain('물탱크 청소');
  });

  test('nobody broadcasts outside their own scope, and an unknown place is named back', async () => {
    expect(await send('head-goseong-eup-1', '방송 보내기 [고성2리] 옆 마을에도 알립니다')).toContain(
      '고성2리에는 방송을 보낼 권한이 없습니다',
    );
    expect(await send('staff-goseong-eup', '방송 보내기 [삼산면] 다른 면 소식')).toContain('권한이 없습니다');
    expect(await send('staff-goseong-eup', '방송 보내기 [공지] 내일 정전')).toContain(
      '"공지"라는 읍·면이나 마을을 찾지 못했습니다',
    );
    expect(await texts('direct', goseong2)).not.toContain('옆 마을에도');
    expect(await t.database.db.select().from(outbox).where(eq(outbox.purpose, 'broadcast'))).toHaveLength(3); // the first test's only
  });
});

describe('a scheduled broadcast', () => {
  test('waits for its time, then reaches everyone once and joins the archive', async () => {
    t.clock.set('2026-11-24T01:00:00Z'); // Tue 10:00 KST
    const reply = await send('staff-goseong-eup', '방송 보내기 [내일 09:00] 내일 아침 마을 대청소가 있습니다');
    expect(reply).toMatch(/마을방송 #(\d+)[을를] 11\.25\.\(수\) 09:00에 보내도록 예약했습니다/);
    await t.app.delivery.flush();
    expect(await texts('direct', goseong1)).not.toContain('대청소');
    expect(await say(goseong1, '방송')).not.toContain('대청소');
    expect(await say('staff-goseong-eup', '현황')).toMatch(/"내일 아침 마을 대청소가 있습니다" — 예약/);

    t.clock.set('2026-11-24T23:59:00Z'); // 08:59: not yet
    await t.app.delivery.flush();
    expect(await texts('direct', goseong1)).not.toContain('대청소');
    t.clock.set('2026-11-25T00:00:00Z'); // 09:00 KST
    await t.app.delivery.flush();
    await t.app.delivery.flush();
    for (const resident of [goseong1, goseong2])
      expect((await texts('direct', resident)).match(/대청소/g)).toHaveLength(1);
    expect(await texts('group', 'village-3')).toContain('11.25.(수) 09:00');
    expect(await say(goseong1, '방송')).toContain('대청소');
  });

  test('can be cancelled before it goes, and not after', async () => {
    t.clock.set('2026-11-25T01:00:00Z');
    const id = /#(\d+)/.exec(await send('staff-goseong-eup', '방송 보내기 [오후 3시] 취소될 방송입니다'))?.[1];
    expect(await say(goseong1, `방송 취소 ${id}`)).toContain('이장님과 담당 공무원만');
    expect(await say('head-samsan-1', `방송 취소 ${id}`)).toContain('권한이 없습니다');
    expect(await say('staff-goseong-eup', `방송 취소 ${id}`)).toContain(`마을방송 #${id}을 취소했습니다`);
    // Only the one who could cancel it is in 기록, as having done so from chat.
    const cancelled = await t.database.db
      .select({ actor: auditLog.actorMemberId, via: auditLog.via, district: auditLog.districtCode })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'broadcast.cancel'), eq(auditLog.subject, `broadcast:${id}`)));
    expect(cancelled).toEqual([{ actor: expect.any(Number), via: 'chat', district: 'goseong-eup' }]);
    t.clock.set('2026-11-25T07:00:00Z');
    await t.app.delivery.flush();
    expect(await texts('direct', goseong1)).not.toContain('취소될 방송');
    const sentId = /#(\d+)/.exec(await send('staff-goseong-eup', '방송 보내기 이미 나간 방송'))?.[1];
    expect(await say('staff-goseong-eup', `방송 취소 ${sentId}`)).toContain('이미 보냈기 때문에 취소할 수 없습니다');
  });

  test('a time in the past or too far ahead is refused with what to do', async () => {
    expect(await send('staff-goseong-eup', '방송 보내기 [오늘 08:00] 늦은 방송')).toContain('이미 지난 시각입니다');
    expect(await send('staff-goseong-eup', '방송 보내기 [2027-03-01 09:00] 먼 방송')).toContain('31일 안쪽으로');
    expect(await send('staff-goseong-eup', '방송 보내기 [25:00] 이상한 시각')).toContain(
      '보낼 시각 "25:00"를 알아보지 못했습니다',
    );
  });
});

describe('a resident who chose the daily digest', () => {
  test('is left to the digest for ordinary broadcasts, reached at once by urgent ones, and not reported as missed', async () => {
    t.clock.set('2026-11-25T02:00:00Z');
    const member = await memberOf(goseong2);
    await t.database.db.update(members).set({ broadcastMode: 'digest' }).where(eq(members.id, member));
    expect(await send('head-goseong-eup-2', '방송 보내기 경로당 난방 점검 안내')).toContain(
      '하루 한 번 모아 받기를 고른 1명께는 정하신 시각에 모아서',
    );
    await t.app.delivery.flush();
    expect(await texts('direct', goseong2)).not.toContain('난방 점검');
    expect(await texts('direct', 'head-goseong-eup-2')).not.toContain('못 받은 주민');
    await send('head-goseong-eup-2', '방송 보내기 긴급 수도관 파열로 단수');
    expect(await texts('direct', goseong2)).toContain('수도관 파열');
    const rows = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.memberId, member), eq(outbox.subjectKind, 'broadcast')));
    expect(rows.map((r) => r.status)).not.toContain('failed');
    await t.database.db.update(members).set({ broadcastMode: 'instant' }).where(eq(members.id, member));
  });
});
