import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { identities, outbox } from '../db/schema/index.ts';
import { sendBroadcast } from './support/broadcast.flow.ts';
import { approveLatest, registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let goseong1: string; // an approved resident of 고성읍 고성1리
let goseong2: string; // 고성읍 고성2리
let samsan: string; // 삼산면 삼산1리

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  const approve = (head: string) => approveLatest(sim, head);
  goseong1 = (await registerResident(sim, { nickname: 'a', name: '가주민', mobile: '010-1000-0001' })).id;
  await approve('head-goseong-eup-1');
  goseong2 = (await registerResident(sim, { nickname: 'b', name: '나주민', mobile: '010-1000-0002', village: '2' })).id;
  await approve('head-goseong-eup-2');
  samsan = (await registerResident(sim, { nickname: 'c', name: '다주민', mobile: '010-1000-0003', district: '2' })).id;
  await approve('head-samsan-1');
});
afterAll(() => t.stop());

const lastText = async (kind: 'direct' | 'group', id: string) => (await sim.chat(kind, id)).at(-1)?.text ?? '';

describe('village broadcasts (마을방송)', () => {
  test("district staff broadcast to every resident and village chat of their district, and nobody else's", async () => {
    const reply = await sendBroadcast(
      sim,
      'staff-goseong-eup',
      '방송 보내기 내일 오전 9시 마을회관에서 도로 보수 설명회가 있습니다',
    );
    // 2 new residents, and the 3 demo heads of 고성읍 (reached, but not counted as residents); 3 village chats.
    expect(reply[0]).toMatch(/마을방송 #\d+을 보냈습니다\. 주민 2명과 이장님·담당자 3명, 마을방 3곳/);
    for (const resident of [goseong1, goseong2])
      expect(await lastText('direct', resident)).toContain('도로 보수 설명회');
    expect(await lastText('direct', goseong1)).toContain('— 고성읍사무소');
    expect(await lastText('direct', samsan)).not.toContain('도로 보수 설명회');
    for (const group of ['village-1', 'village-2', 'village-3'])
      expect(await lastText('group', group)).toContain('도로 보수 설명회');
    expect(await lastText('group', 'village-4')).not.toContain('도로 보수 설명회');
  });

  test('a village head broadcasts to their own village only', async () => {
    expect(
      (await sendBroadcast(sim, 'head-goseong-eup-1', '방송 보내기 [행사] 토요일 마을 잔치에 오세요'))[0],
    ).toContain('주민 1명');
    expect(await lastText('direct', goseong1)).toContain('[마을방송·행사]');
    expect(await lastText('direct', goseong2)).not.toContain('마을 잔치');
  });

  test('a resident cannot broadcast, and an empty or overlong broadcast is refused with what to do', async () => {
    expect((await sim.say(goseong1, '방송 보내기 안녕하세요'))[0]).toContain('이장님과 담당 공무원만');
    expect((await sim.say('staff-goseong-eup', '방송 보내기'))[0]).toContain('보낼 내용을 함께 적어 주세요');
    expect((await sim.say('staff-goseong-eup', `방송 보내기 ${'가'.repeat(1001)}`))[0]).toContain('1000자 이내');
  });

  test('at night a broadcast waits for the morning; an urgent one goes at once', async () => {
    t.clock.set('2026-11-24T13:00:00Z'); // 22:00 KST
    await sendBroadcast(sim, 'head-samsan-1', '방송 보내기 내일 분리수거 날입니다');
    expect(await lastText('direct', samsan)).not.toContain('분리수거');
    await sendBroadcast(sim, 'head-samsan-1', '방송 보내기 긴급 산불 위험! 논밭 태우기를 멈춰 주세요');
    expect(await lastText('direct', samsan)).toContain('[긴급 마을방송]');
    t.clock.set('2026-11-24T22:00:00Z'); // 07:00 KST
    await t.app.delivery.flush();
    expect(await lastText('direct', samsan)).toContain('분리수거');
    const rows = await t.database.db.select().from(outbox).where(eq(outbox.purpose, 'broadcast'));
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });

  test("현황 shows each recent broadcast of the viewer's scope with sent, waiting and failed counts", async () => {
    const status = (await sim.say('staff-goseong-eup', '현황'))[0] ?? '';
    expect(status).toContain('마을방송 현황');
    expect(status).toContain(
      '"내일 오전 9시 마을회관에서 도로 보수 설명회가 있습니…" — 받는 분 5명\n  시뮬레이터: 보냄 5 · 대기 0 · 실패 0',
    );
    expect(status).toContain('토요일 마을 잔치');
    expect(status).not.toContain('분리수거'); // 삼산면's, not 고성읍's
    expect((await sim.say(goseong1, '현황'))[0]).toContain('이장님과 담당 공무원');
  });

  test('a resident reads the broadcasts of their village again, and searches them with a two-syllable word', async () => {
    const recent = (await sim.say(goseong1, '방송'))[0] ?? '';
    expect(recent).toContain('고성1리 최근 마을방송');
    expect(recent).toContain('마을 잔치');
    expect(recent).toContain('도로 보수 설명회');
    expect(recent).not.toContain('분리수거');
    const found = (await sim.say(goseong1, '방송 도로'))[0] ?? '';
    expect(found).toContain('"도로" 찾은 마을방송 1건');
    expect((await sim.say(goseong1, '방송 태풍'))[0]).toContain('"태풍"이 들어간 마을방송이 없습니다');
    expect((await sim.say(samsan, '방송 산불'))[0]).toContain('[긴급]');
  });

  test('when a broadcast has ended, the village head learns who it did not reach, names masked', async () => {
    await t.database.db.update(identities).set({ reachable: false }).where(eq(identities.platformUserId, goseong2));
    await sendBroadcast(sim, 'head-goseong-eup-1', '방송 보내기 고성읍 전체 소식 시험');
    await sendBroadcast(sim, 'staff-goseong-eup', '방송 보내기 고성읍 전체 소식입니다');
    await t.app.delivery.flush();
    const report = await lastText('direct', 'head-goseong-eup-2');
    expect(report).toMatch(/못 받은 주민 1명 — 고성2리/);
    expect(report).toContain('나*민');
    expect(report).not.toContain('나주민');
    // Villages where everyone was reached get no report.
    expect(await lastText('direct', 'head-goseong-eup-1')).not.toContain('못 받은 주민');
    await t.database.db.update(identities).set({ reachable: true }).where(eq(identities.platformUserId, goseong2));
  });
});
