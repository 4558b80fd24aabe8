import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { broadcasts, identities, outbox } from '../db/schema/index.ts';
import { approveLatest, registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

// The clock starts at 11.24.(화) 10:00 KST.
let t: TestApp;
let sim: ReturnType<typeof simClient>;
let goseong1: string; // an approved resident of 고성읍 고성1리
let goseong2: string; // 고성읍 고성2리
let samsan: string; // 삼산면 삼산1리
const STAFF = 'staff-goseong-eup';
const COUNTY = 'staff-county';

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  goseong1 = (await registerResident(sim, { nickname: 'a', name: '가주민', mobile: '010-3000-0001' })).id;
  await approveLatest(sim, 'head-goseong-eup-1');
  goseong2 = (await registerResident(sim, { nickname: 'b', name: '나주민', mobile: '010-3000-0002', village: '2' })).id;
  await approveLatest(sim, 'head-goseong-eup-2');
  samsan = (await registerResident(sim, { nickname: 'c', name: '다주민', mobile: '010-3000-0003', district: '2' })).id;
  await approveLatest(sim, 'head-samsan-1');
});
afterAll(() => t.stop());

const sayFull = async (who: string, text: string) => (await sim.sayFull(who, text)).at(-1);
const say = async (who: string, text: string) => (await sim.say(who, text)).join('\n');
const texts = async (kind: 'direct' | 'group', id: string) =>
  (await sim.chat(kind, id)).map((m) => m.text).join('\n---\n');
const broadcastRows = async () => t.database.db.select().from(outbox).where(eq(outbox.purpose, 'broadcast'));

describe('a broadcast typed in chat is previewed before it goes', () => {
  test('nothing goes out before 보내기: the preview shows the places, residents and chats by platform, quiet hours and the text as residents will see it', async () => {
    const preview = await sayFull(STAFF, '방송 보내기 내일 오전 9시 마을회관에서 도로 보수 설명회가 있습니다');
    expect(preview?.text).toContain('[마을방송 미리보기] 아직 보내지 않았습니다.');
    expect(preview?.text).toContain('받는 곳: 고성읍 전체');
    // The two residents of 고성읍; its three heads get it too but are not residents.
    expect(preview?.text).toContain(
      '받는 분: 주민 2명 · 이장님·담당자 3명 — 시뮬레이터 5명 · 마을 단체방 3곳(시뮬레이터)',
    );
    expect(preview?.text).toContain('쉬는 시간: 지금은 걸리는 분이 없습니다.');
    expect(preview?.text).toContain('보낼 때: 지금 바로');
    expect(preview?.text).toContain(
      '주민께는 이렇게 보입니다:\n[마을방송]\n내일 오전 9시 마을회관에서 도로 보수 설명회가 있습니다\n— 고성읍사무소 · 11.24.(화) 10:00',
    );
    expect(preview?.choices).toEqual(['보내기', '고치기']);
    expect(await t.database.db.$count(broadcasts)).toBe(0);
    expect(await broadcastRows()).toHaveLength(0);
    expect(await texts('direct', goseong1)).not.toContain('도로 보수 설명회');

    expect(await say(STAFF, '1')).toMatch(/마을방송 #\d+\S? 보냈습니다/);
    expect(await texts('direct', goseong1)).toContain(
      '[마을방송]\n내일 오전 9시 마을회관에서 도로 보수 설명회가 있습니다',
    );
    expect(await texts('group', 'village-2')).toContain('도로 보수 설명회');
  });

  test('the preview counts each person on the platform they will be reached on', async () => {
    const [member] = await t.database.db
      .select({ id: identities.memberId })
      .from(identities)
      .where(eq(identities.platformUserId, goseong2));
    // 나주민 has LINE too, and used it last: the broadcast would reach them there.
    await t.database.db.insert(identities).values({
      memberId: member?.id ?? -1,
      platform: 'line',
      platformUserId: 'U-goseong2',
      lastSeenAt: new Date('2026-11-24T02:00:00Z'),
    });
    const preview = await sayFull(STAFF, '방송 보내기 플랫폼별로 세어 봅니다');
    expect(preview?.text).toContain('받는 분: 주민 2명 · 이장님·담당자 3명 — 시뮬레이터 4명 · LINE 1명');
    expect(await say(STAFF, '취소')).toContain('취소했습니다');
    await t.database.db.delete(identities).where(eq(identities.platformUserId, 'U-goseong2'));
    expect(await broadcastRows()).toHaveLength(5 + 3); // the first test's only
  });

  test('the choice button on the preview sends it', async () => {
    await sayFull('head-goseong-eup-1', '방송 보내기 [행사] 토요일 마을 잔치에 오세요');
    // A platform's button for choice 1 (Discord) arrives as a press, not as typed text.
    expect(await sim.press('head-goseong-eup-1', '1')).toEqual([expect.stringMatching(/마을방송 #\d+\S? 보냈습니다/)]);
    expect(await texts('direct', goseong1)).toContain('[마을방송·행사]\n토요일 마을 잔치에 오세요');
  });

  test('고치기 and 취소 drop the draft, and 고치기 gives back what was typed', async () => {
    const before = (await broadcastRows()).length;
    await sayFull(STAFF, '방송 보내기 [고성2리] 오타가 있는 방송');
    expect(await say(STAFF, '2')).toBe(
      '마을방송은 보내지 않았습니다. 고치신 글을 다시 보내 주세요. 보내려던 글:\n방송 보내기 [고성2리] 오타가 있는 방송',
    );
    expect(await say(STAFF, '1')).not.toContain('보냈습니다'); // the draft is gone: 1 is no longer 보내기
    await sayFull(STAFF, '방송 보내기 그만둘 방송');
    await say(STAFF, '취소');
    expect(await broadcastRows()).toHaveLength(before);
    expect(await texts('direct', goseong2)).not.toContain('오타가 있는');
  });

  test("a scheduled broadcast's preview shows its time and the quiet hours it will meet then", async () => {
    const preview = await sayFull(STAFF, '방송 보내기 [내일 06:30] 아침 일찍 물탱크 청소가 있습니다');
    expect(preview?.text).toContain('보낼 때: 11.25.(수) 06:30 (예약)');
    expect(preview?.text).toContain('쉬는 시간: 5명은 쉬는 중이라 11.25.(수) 07:00에 전해집니다.');
    await say(STAFF, '취소');
    const urgent = await sayFull(STAFF, '방송 보내기 긴급 [내일 06:30] 아침 일찍 단수됩니다');
    expect(urgent?.text).toContain('[긴급 마을방송 미리보기]');
    expect(urgent?.text).toContain('쉬는 시간: 긴급 방송이라 바로 갑니다.');
    expect(urgent?.text).toContain('[긴급 마을방송]\n아침 일찍 단수됩니다');
    await say(STAFF, '취소');
  });

  test('a preview left for long is shown again with fresh counts before anything goes', async () => {
    const before = (await broadcastRows()).length;
    await sayFull(STAFF, '방송 보내기 오래 둔 방송');
    t.clock.advance(31 * 60_000);
    const again = await sayFull(STAFF, '1');
    expect(again?.text).toContain('다시 보여 드립니다');
    expect(again?.text).toContain('[마을방송 미리보기]');
    expect(await broadcastRows()).toHaveLength(before);
    expect(await say(STAFF, '보내기')).toMatch(/마을방송 #\d+\S? 보냈습니다/);
    expect(await texts('direct', goseong2)).toContain('오래 둔 방송');
  });

  test('a broadcast typed in a group chat is not sent from there: the sender is asked to use the 1:1 chat', async () => {
    const before = (await broadcastRows()).length;
    const answer = await sim.sayInGroup('head-goseong-eup-1', 'village-1', '/방송 보내기 단체방에서 보내 봅니다');
    expect(answer.join('\n')).toContain('1:1 대화방에서 보내 주세요');
    expect(await broadcastRows()).toHaveLength(before);
  });
});

describe('a place typed without brackets', () => {
  test('a place typed without brackets is offered as the scope, not sent to the whole county', async () => {
    const before = (await broadcastRows()).length;
    const asked = await sayFull(COUNTY, '방송 보내기 긴급 고성1리 수도관 파열로 단수됩니다');
    expect(asked?.text).toContain('‘고성1리’를 받는 곳으로 할까요?');
    expect(asked?.choices).toEqual(['고성1리에만', '내 담당 전체(고성군 전체)']);
    expect(await broadcastRows()).toHaveLength(before);

    const preview = await sayFull(COUNTY, '1');
    expect(preview?.text).toContain('받는 곳: 고성읍 고성1리');
    expect(preview?.text).toContain('받는 분: 주민 1명 · 이장님·담당자 1명 — 시뮬레이터 2명 · 마을 단체방 1곳');
    expect(preview?.text).toContain('[긴급 마을방송]\n고성1리 수도관 파열로 단수됩니다\n— 고성군청');
    expect(await broadcastRows()).toHaveLength(before);

    expect(await say(COUNTY, '보내기')).toMatch(
      /긴급 마을방송 #\d+\S? 보냈습니다\. 주민 1명과 이장님·담당자 1명, 마을방 1곳/,
    );
    expect(await texts('direct', goseong1)).toContain('수도관 파열');
    expect(await texts('direct', goseong2)).not.toContain('수도관 파열');
    expect(await texts('direct', samsan)).not.toContain('수도관 파열');
  });

  test('choosing the whole scope previews it for the whole scope, still before anything goes', async () => {
    await sayFull(COUNTY, '방송 보내기 고성1리 이장님 선거 결과를 알려 드립니다');
    const preview = await sayFull(COUNTY, '2');
    expect(preview?.text).toContain('받는 곳: 고성군 전체');
    expect(preview?.choices).toEqual(['보내기', '고치기']);
    await say(COUNTY, '취소');
    expect(await texts('direct', samsan)).not.toContain('선거 결과');
  });

  test('a place outside the sender’s scope, or the whole of it, is not asked about', async () => {
    const head = await sayFull('head-samsan-1', '방송 보내기 삼산면 분리수거 안내');
    expect(head?.text).toContain('[마을방송 미리보기]');
    expect(head?.text).toContain('받는 곳: 삼산면 삼산1리');
    await say('head-samsan-1', '취소');
    const staff = await sayFull(STAFF, '방송 보내기 고성읍 전체 소식입니다');
    expect(staff?.text).toContain('받는 곳: 고성읍 전체');
    expect(staff?.choices).toEqual(['보내기', '고치기']);
    await say(STAFF, '취소');
  });
});
