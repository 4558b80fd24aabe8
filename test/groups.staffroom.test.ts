import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { groupChats } from '../db/schema/index.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
});
afterAll(() => t.stop());

const inGroup = async (who: string, chat: string, text: string) => (await sim.sayInGroup(who, chat, text))[0] ?? '';
const room = async (chatId: string) =>
  (
    await t.database.db
      .select()
      .from(groupChats)
      .where(and(eq(groupChats.platform, 'websim'), eq(groupChats.chatId, chatId)))
  )[0];

test("district staff make a group their district's staff room; county staff make the HQ room", async () => {
  expect(await inGroup('staff-goseong-eup', 'office-goseong', '직원방 연결')).toContain(
    '고성읍 직원방으로 연결했습니다',
  );
  expect(await room('office-goseong')).toMatchObject({
    staffDistrictCode: 'goseong-eup',
    isHqStaffRoom: false,
    villageId: null,
  });
  expect(await inGroup('staff-county', 'office-hq', '직원방 연결')).toContain('본청 직원방으로 연결했습니다');
  expect(await room('office-hq')).toMatchObject({ staffDistrictCode: null, isHqStaffRoom: true });
  expect(await inGroup('staff-county', 'office-samsan', '@마을 직원방 연결 삼산면')).toContain(
    '삼산면 직원방으로 연결했습니다',
  );
});

test('a village head, a resident, or staff of another district cannot make a staff room', async () => {
  expect(await inGroup('head-goseong-eup-1', 'room-x', '직원방 연결')).toContain('담당 공무원만');
  expect(await inGroup('staff-goseong-eup', 'room-x', '@마을 직원방 연결 삼산면')).toContain('담당 공무원만');
  expect(await room('room-x')).toBeUndefined();
  expect(await inGroup('staff-goseong-eup', 'room-x', '@마을 직원방 연결 없는면')).toContain(
    '"없는면" 읍·면을 찾지 못했습니다',
  );
});

test('a village room made a staff room stops being a village room, and a staff room is unlinked only by its staff', async () => {
  expect(await inGroup('staff-goseong-eup', 'village-1', '직원방 연결')).toContain('직원방으로 연결했습니다');
  expect((await room('village-1'))?.villageId).toBeNull();
  expect(await inGroup('head-goseong-eup-1', 'office-goseong', '직원방 해제')).toContain('그 직원방의 담당 공무원만');
  expect(await inGroup('staff-goseong-eup', 'office-goseong', '직원방 해제')).toContain('직원방 연결을 해제했습니다');
  expect(await room('office-goseong')).toMatchObject({ staffDistrictCode: null, isHqStaffRoom: false });
});
