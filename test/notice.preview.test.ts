import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { notices, outbox } from '../db/schema/index.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

// The clock starts at 11.24.(화) 10:00 KST.
let t: TestApp;
let sim: ReturnType<typeof simClient>;
const STAFF = 'staff-goseong-eup';

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
});
afterAll(() => t.stop());

const sayFull = async (who: string, text: string) => (await sim.sayFull(who, text)).at(-1);
const say = async (who: string, text: string) => (await sim.say(who, text)).join('\n');
const texts = async (id: string) => (await sim.chat('direct', id)).map((m) => m.text).join('\n---\n');
const noticeRows = async () => t.database.db.select().from(outbox).where(eq(outbox.purpose, 'notice'));

describe('a notice typed in chat is previewed before it goes', () => {
  test('nothing goes out before 보내기: the preview shows the heads reached by platform, the deadline and the card as heads will see it', async () => {
    const preview = await sayFull(STAFF, '공지 [기한 11.24 18:00] 내일 아침 마을 안길 제설 작업이 있습니다.');
    expect(preview?.text).toContain('[공지 미리보기] 아직 보내지 않았습니다.');
    expect(preview?.text).toContain('받는 곳: 고성읍 전체 (마을 3곳)');
    expect(preview?.text).toContain('받는 분: 이장님 3명 — 시뮬레이터 3명');
    expect(preview?.text).toContain('쉬는 시간: 지금은 걸리는 이장님이 없습니다.');
    expect(preview?.text).toContain('확인 기한: 11.24.(화) 18:00');
    expect(preview?.text).toContain(
      '[고성군 공지]\n내일 아침 마을 안길 제설 작업이 있습니다.\n— 고성읍사무소 · 11.24.(화) 10:00\n확인 기한: 11.24.(화) 18:00',
    );
    expect(preview?.choices).toEqual(['보내기', '고치기']);
    expect(preview?.buttons ?? []).toEqual([]); // the card's 확인 buttons are not pressable before it exists
    expect(await t.database.db.$count(notices)).toBe(0);
    expect(await noticeRows()).toHaveLength(0);
    expect(await texts('head-goseong-eup-1')).not.toContain('제설 작업');

    expect(await say(STAFF, '보내기')).toMatch(/공지 #1\S? 마을 3곳의 이장님 3명께 보냈습니다/);
    expect(await texts('head-goseong-eup-1')).toContain('[고성군 공지 #1]\n내일 아침 마을 안길 제설 작업이 있습니다.');
  });

  test('at night the preview says the heads will get it in the morning; an important one goes at once', async () => {
    t.clock.set('2026-11-24T13:00:00Z'); // 22:00 KST
    const preview = await sayFull(STAFF, '공지 밤에 쓰는 공지입니다');
    expect(preview?.text).toContain('쉬는 시간: 3명은 쉬는 중이라 11.25.(수) 07:00에 전해집니다.');
    await say(STAFF, '취소');
    const high = await sayFull(STAFF, '공지 중요 한파 특보입니다');
    expect(high?.text).toContain('[중요 공지 미리보기]');
    expect(high?.text).toContain('쉬는 시간: 중요 공지라 바로 갑니다.');
    expect(high?.text).toContain('[고성군 공지 · 중요]\n한파 특보입니다');
    await say(STAFF, '취소');
    expect(await t.database.db.$count(notices)).toBe(1);
    t.clock.set('2026-11-24T01:30:00Z');
  });

  test("a place typed without brackets is offered as the notice's scope, and only its head gets it", async () => {
    const asked = await sayFull(STAFF, '공지 고성2리 마을회관 보수 일정을 알려 주세요');
    expect(asked?.text).toContain('‘고성2리’를 받는 곳으로 할까요?');
    expect(asked?.choices).toEqual(['고성2리에만', '내 담당 전체(고성읍 전체)']);
    expect(await t.database.db.$count(notices)).toBe(1);
    const preview = await sayFull(STAFF, '1');
    expect(preview?.text).toContain('받는 곳: 고성읍 고성2리 (마을 1곳)');
    expect(preview?.text).toContain('받는 분: 이장님 1명 — 시뮬레이터 1명');
    expect(await say(STAFF, '1')).toMatch(/공지 #2\S? 마을 1곳의 이장님 1명께 보냈습니다/);
    expect(await texts('head-goseong-eup-2')).toContain('마을회관 보수 일정');
    expect(await texts('head-goseong-eup-1')).not.toContain('마을회관 보수 일정');
    expect(await texts('head-goseong-eup-3')).not.toContain('마을회관 보수 일정');
  });

  test('고치기 drops the notice and gives back what was typed', async () => {
    await sayFull(STAFF, '공지 [기한 11.25 18:00] 오타가 있는 공지');
    expect(await say(STAFF, '고치기')).toBe(
      '공지는 보내지 않았습니다. 고치신 글을 다시 보내 주세요. 보내려던 글:\n공지 [기한 11.25 18:00] 오타가 있는 공지',
    );
    expect(await t.database.db.$count(notices)).toBe(2);
  });
});
