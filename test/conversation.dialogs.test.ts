import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { broadcasts, identities, members, registrations } from '../db/schema/index.ts';
import { registerApproved, registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
});
afterAll(() => t.stop());

const STAFF = 'staff-goseong-eup';
const HEAD_1 = 'head-goseong-eup-1';

async function memberOf(personaId: string): Promise<number> {
  const [row] = await t.database.db
    .select({ memberId: identities.memberId })
    .from(identities)
    .where(and(eq(identities.platform, 'websim'), eq(identities.platformUserId, personaId)));
  if (!row) throw new Error(`no persona ${personaId}`);
  return row.memberId;
}

/** Sends a broadcast command and, if the bot first shows where it goes, confirms it. */
async function sayAndConfirm(from: string, text: string): Promise<string[]> {
  const answers = await sim.sayFull(from, text);
  const preview = answers.find((m) => m.choices?.some((c) => c.includes('보내기')));
  if (!preview) return answers.map((m) => m.text);
  return [...answers.map((m) => m.text), ...(await sim.say(from, '1'))];
}

describe('a command gets through a dialog', () => {
  test('staff in the middle of 설정 who send an urgent broadcast get it sent, and are told 설정 was set aside', async () => {
    await sim.say(STAFF, '설정');
    const answers = await sayAndConfirm(
      STAFF,
      '방송 보내기 [긴급] 오늘 오후 강풍 주의보가 내려졌습니다. 외출을 삼가 주세요.',
    );
    expect(answers[0]).toBe('하시던 설정은 잠시 두었습니다. 이어서 하시려면 "계속"을 보내 주세요.');
    expect(answers.join('\n')).not.toContain('바꾸실 항목의 번호');
    const sent = await t.database.db.select({ category: broadcasts.category, body: broadcasts.body }).from(broadcasts);
    expect(sent.filter((b) => b.body.includes('강풍 주의보'))).toEqual([
      { category: 'urgent', body: expect.stringContaining('외출을 삼가 주세요.') },
    ]);
  });

  test('a staff member at the consent step of 등록 who asks for 교육 현황 gets it, not the consent prompt again', async () => {
    await sim.say(STAFF, '등록');
    const answers = await sim.say(STAFF, '교육 현황');
    expect(answers[0]).toContain('실명 등록은 잠시 두었습니다');
    expect(answers.join('\n')).not.toContain('동의하시면 1');
  });

  test('계속 takes up the dialog set aside where it stopped, with what was typed into it', async () => {
    const { id } = await sim.newPersona('이어서');
    for (const answer of ['등록', '1', '한이음', '010-5100-0009']) await sim.say(id, answer);
    const aside = await sim.say(id, '방송');
    expect(aside[0]).toBe('하시던 실명 등록은 잠시 두었습니다. 이어서 하시려면 "계속"을 보내 주세요.');
    const back = await sim.sayFull(id, '계속');
    expect(back[0]?.text).toBe('하시던 실명 등록을 이어서 하겠습니다.');
    expect(back[1]?.choices?.[0]).toBe('고성읍');
    await sim.say(id, '고성읍');
    await sim.say(id, '1');
    const confirm = (await sim.say(id, '네')).join('\n');
    expect(confirm).toContain('이장님');
    const [row] = await t.database.db
      .select({ realName: registrations.realName, status: registrations.status })
      .from(registrations)
      .where(eq(registrations.memberId, await memberOf(id)));
    expect(row).toEqual({ realName: '한이음', status: 'pending' });
  });

  test('"계속" with nothing set aside says there is nothing to take up', async () => {
    const { id } = await sim.newPersona('계속씨');
    expect((await sim.say(id, '계속'))[0]).toContain('이어서 할 일이 없습니다');
  });

  test('at a free-text step, text that begins like a command is the answer', async () => {
    const id = await registerApproved(sim, {
      nickname: '글쓴이',
      name: '나의견',
      mobile: '010-5100-0001',
      head: HEAD_1,
    });
    expect((await sim.say(id, '의견'))[0]).toContain('의견');
    const answers = await sim.say(id, '답변 좀 주세요 마을 앞 도로가 패였어요');
    expect(answers[0]).toMatch(/\d{4}-\d{6}/);
  });

  test('도움말 inside a dialog shows the menu and says the dialog was set aside; 취소 leaves it', async () => {
    const { id } = await sim.newPersona('메뉴손님');
    await sim.say(id, '등록');
    await sim.say(id, '1');
    const help = await sim.sayFull(id, '도움말');
    expect(help[0]?.text).toBe('하시던 실명 등록은 잠시 두었습니다. 이어서 하시려면 "계속"을 보내 주세요.');
    expect(help[1]?.choices).toContain('실명 등록');
    expect((await sim.say(id, '취소'))[0]).toContain('취소했습니다');
    expect((await sim.say(id, '취소'))[0]).toBe('잠시 두었던 실명 등록을 지웠습니다.');
    expect((await sim.say(id, '계속'))[0]).toContain('이어서 할 일이 없습니다');
  });
});

describe('consent means consent', () => {
  test('an empty reply, whitespace or punctuation alone at the consent step records nothing', async () => {
    const { id } = await sim.newPersona('물음표');
    await sim.say(id, '등록');
    for (const text of ['?', ' . ', '!!', '~']) {
      const [answer] = await sim.say(id, text);
      expect(answer).toContain('동의하시면 1, 동의하지 않으시면 2를 보내 주세요.');
    }
    expect((await sim.say(id, '동의 안 해요'))[0]).toContain('등록하지 않았습니다');
  });

  test('after 탈퇴, a "?" does not withdraw the person', async () => {
    const id = await registerApproved(sim, {
      nickname: '남을분',
      name: '김남음',
      mobile: '010-5100-0002',
      head: HEAD_1,
    });
    await sim.say(id, '탈퇴');
    expect((await sim.say(id, '?'))[0]).toContain('탈퇴하시려면 1');
    const [row] = await t.database.db
      .select({ status: registrations.status })
      .from(registrations)
      .where(eq(registrations.memberId, await memberOf(id)));
    expect(row?.status).toBe('approved');
  });
});

describe('settings stay where the person is', () => {
  test('after a change the current settings show again, and the next number picks the next topic', async () => {
    const { id } = await registerResident(sim, { nickname: '설정손님', name: '박설정', mobile: '010-5100-0003' });
    await sim.say(id, '설정');
    await sim.say(id, '3');
    const changed = await sim.sayFull(id, '2');
    expect(changed[0]?.text).toContain('알림 쉬는 시간을 22:00 ~ 06:00');
    expect(changed[0]?.text).toContain('· 알림 쉬는 시간: 22:00 ~ 06:00');
    expect(changed[0]?.choices).toEqual([
      '마을방송 받는 방법',
      '모아 받는 시각',
      '알림 쉬는 시간',
      '먼저 받을 메신저',
      '휴대전화로 받기',
      '마치기',
    ]);
    // The next "3" is the topic again, not "잘 이해하지 못했습니다"; and a "2" after it is a window, not 내 의견.
    expect((await sim.say(id, '3'))[0]).toContain('이 시간에는 알림을 보내지 않고');
    expect((await sim.say(id, '1'))[0]).toContain('바뀐 설정입니다');
    expect((await sim.say(id, '마치기'))[0]).toBe('설정을 마쳤습니다.');
    const [row] = await t.database.db
      .select({ quietStart: members.quietStart, quietEnd: members.quietEnd })
      .from(members)
      .where(eq(members.id, await memberOf(id)));
    expect(row).toEqual({ quietStart: '21:00', quietEnd: '07:00' });
  });
});
