import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { groupChats, identities, roles } from '../db/schema/index.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let samsanStaff: string;
beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  const { id } = await sim.newPersona('삼산면 담당');
  const [identity] = await t.database.db
    .select({ memberId: identities.memberId })
    .from(identities)
    .where(eq(identities.platformUserId, id));
  await t.database.db
    .insert(roles)
    .values({ memberId: identity?.memberId ?? -1, role: 'district_staff', districtCode: 'samsan' });
  samsanStaff = id;
});
afterAll(() => t.stop());

const inGroup = async (who: string, chat: string, text: string) => (await sim.sayInGroup(who, chat, text))[0] ?? '';
const room = async (chatId: string) =>
  (
    await t.database.db
      .select({ villageId: groupChats.villageId, staff: groupChats.staffDistrictCode, hq: groupChats.isHqStaffRoom })
      .from(groupChats)
      .where(and(eq(groupChats.platform, 'websim'), eq(groupChats.chatId, chatId)))
  )[0];

describe('a link is changed only by someone who may undo it', () => {
  test('a village head of another village cannot relink its room, and its own head can still unlink it', async () => {
    expect(await inGroup('head-samsan-3', 'room-samsan-3', '마을방 연결')).toContain('삼산3리 마을방으로 연결했습니다');
    const before = await room('room-samsan-3');
    expect(await inGroup('head-goseong-eup-1', 'room-samsan-3', '마을방 연결')).toContain(
      '이미 다른 마을방으로 연결되어 있습니다',
    );
    expect(await room('room-samsan-3')).toEqual(before);
    expect(await inGroup('head-samsan-3', 'room-samsan-3', '마을방 해제')).toContain('마을방 연결을 해제했습니다');
  });

  test('a village head cannot turn the HQ staff room into a village room', async () => {
    expect(await inGroup('staff-county', 'room-hq', '직원방 연결')).toContain('본청 직원방으로 연결했습니다');
    expect(await inGroup('head-goseong-eup-1', 'room-hq', '@마을 마을방 연결')).toContain(
      '직원방으로 연결되어 있습니다',
    );
    expect(await room('room-hq')).toEqual({ villageId: null, staff: null, hq: true });
  });

  test("district staff cannot make another district's village room their staff room", async () => {
    await inGroup('head-goseong-eup-2', 'room-goseong-2', '마을방 연결');
    const linked = await room('room-goseong-2');
    expect(linked?.villageId).not.toBeNull();
    expect(await inGroup(samsanStaff, 'room-goseong-2', '직원방 연결')).toContain(
      '이미 다른 마을방으로 연결되어 있습니다',
    );
    expect(await room('room-goseong-2')).toEqual(linked);
    // Staff of the room's own district may: the room stops being a village room.
    expect(await inGroup('staff-goseong-eup', 'room-goseong-2', '직원방 연결')).toContain(
      '고성읍 직원방으로 연결했습니다',
    );
  });
});

describe('lists with full names stay out of village group chats', () => {
  test('a bare 승인 in a village group says where to look instead of listing names', async () => {
    await inGroup('head-goseong-eup-3', 'room-goseong-3', '마을방 연결');
    const { id } = await sim.newPersona('대기자');
    for (const answer of ['등록', '1', '김하늘', '010-5200-0001', '고성읍', '고성3리', '1']) await sim.say(id, answer);
    const answer = await inGroup('head-goseong-eup-3', 'room-goseong-3', '승인');
    expect(answer).toContain('1:1 대화방이나 직원방');
    expect(answer).not.toContain('김하늘');
    expect((await sim.say('head-goseong-eup-3', '승인')).join('\n')).toContain('김하늘');
  });

  test('교육 현황 in a village group shows neither names nor the check-in code', async () => {
    const answer = await inGroup('staff-goseong-eup', 'room-goseong-3', '@마을 교육 현황 1');
    expect(answer).toContain('1:1 대화방이나 직원방');
  });
});
