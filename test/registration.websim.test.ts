import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dialogStates, identities, inboundEvents, registrations, roles } from '../db/schema/index.ts';
import { registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
});
afterAll(() => t.stop());

const HEAD_1 = 'head-goseong-eup-1'; // 고성읍 고성1리
const HEAD_2 = 'head-goseong-eup-2'; // 고성읍 고성2리

async function registrationOf(personaId: string) {
  const [row] = await t.database.db
    .select({
      id: registrations.id,
      status: registrations.status,
      realName: registrations.realName,
      mobileEnc: registrations.mobileEnc,
      decidedBy: registrations.decidedBy,
    })
    .from(registrations)
    .innerJoin(identities, eq(identities.memberId, registrations.memberId))
    .where(and(eq(identities.platform, 'websim'), eq(identities.platformUserId, personaId)));
  return row;
}

describe('real-name registration in the simulator', () => {
  test('a new resident is welcomed with the way to register', async () => {
    const { messages } = await sim.newPersona('새 주민');
    expect(messages[0]?.text).toContain('실명 등록');
    expect(messages[0]?.buttons).toEqual([{ label: '실명 등록', command: '등록' }]);
  });

  test('a resident registers, the head of their village approves, and the resident is told', async () => {
    const { id } = await sim.newPersona('길동');
    expect((await sim.say(id, '등록할게요'))[0]).toContain('개인정보 수집·이용 동의');
    expect((await sim.say(id, '1'))[0]).toContain('실명을 입력');
    expect((await sim.say(id, '홍길동'))[0]).toContain('휴대전화 번호');
    const districts = await sim.sayFull(id, '010-1234-5678');
    expect(districts[0]?.choices?.[0]).toBe('고성읍');
    expect(districts[0]?.choices).toHaveLength(14);
    const villages = await sim.sayFull(id, '고성읍');
    expect(villages[0]?.choices).toEqual(['고성1리', '고성2리', '고성3리']);
    const confirm = (await sim.say(id, '1'))[0];
    expect(confirm).toContain('홍길동');
    expect(confirm).toContain('010-1234-5678');
    expect(confirm).toContain('고성읍 고성1리');
    expect((await sim.say(id, '1'))[0]).toContain('등록 신청이 접수되었습니다');

    const registration = await registrationOf(id);
    expect(registration?.status).toBe('pending');
    const request = (await sim.chat('direct', HEAD_1)).at(-1);
    expect(request?.text).toContain(`#${registration?.id}`);
    expect(request?.text).toContain('홍길동');
    expect(request?.text).toContain('010-****-5678');
    expect(request?.buttons?.map((b) => b.command)).toEqual([`승인 ${registration?.id}`, `거절 ${registration?.id}`]);
    // The head of another village is not asked.
    expect((await sim.chat('direct', HEAD_2)).some((m) => m.text.includes(`#${registration?.id}`))).toBe(false);

    expect((await sim.press(HEAD_1, `승인 ${registration?.id}`))[0]).toContain('승인했습니다');
    expect((await sim.chat('direct', id)).at(-1)?.text).toContain('등록이 승인되었습니다');
    expect((await registrationOf(id))?.status).toBe('approved');
    expect((await sim.say(id, '등록'))[0]).toContain('이미 고성읍 고성1리 주민으로 등록되어 있습니다');
  });

  test('the head of another village cannot approve, nor can a resident', async () => {
    const { id } = await registerResident(sim, { nickname: '영희', name: '김영희', mobile: '01022223333' });
    const registration = await registrationOf(id);
    expect((await sim.press(HEAD_2, `승인 ${registration?.id}`))[0]).toContain('처리할 권한이 없습니다');
    const outsider = await registerResident(sim, { nickname: '철수', name: '이철수', mobile: '01044445555' });
    expect((await sim.say(outsider.id, `승인 ${registration?.id}`))[0]).toContain('이장님과 담당 공무원만');
    expect((await registrationOf(id))?.status).toBe('pending');
    expect((await sim.press(HEAD_1, `거절 ${registration?.id} 우리 마을 분이 아닙니다`))[0]).toContain('거절했습니다');
    expect((await sim.chat('direct', id)).at(-1)?.text).toContain('사유: 우리 마을 분이 아닙니다');
    expect((await sim.press(HEAD_1, `승인 ${registration?.id}`))[0]).toContain('이미 처리되었습니다');
  });

  test('a bare 승인 lists what the head may decide, only of their own village', async () => {
    const mine = await registerResident(sim, { nickname: '순자', name: '박순자', mobile: '010-5555-0001' });
    const other = await registerResident(sim, {
      nickname: '말순',
      name: '최말순',
      mobile: '010-5555-0002',
      village: '2',
    });
    const list = await sim.sayFull(HEAD_1, '승인');
    const mineId = (await registrationOf(mine.id))?.id;
    const otherId = (await registrationOf(other.id))?.id;
    expect(list[0]?.text).toContain(`#${mineId} 박순자`);
    expect(list[0]?.text).not.toContain(`#${otherId}`);
  });

  test('registering twice is refused while pending, and a number cannot be used by two people', async () => {
    const first = await registerResident(sim, { nickname: '둘째', name: '정둘째', mobile: '010-7777-8888' });
    expect((await sim.say(first.id, '등록'))[0]).toContain('이미 접수되어');
    const { id } = await sim.newPersona('남');
    for (const answer of ['등록', '1', '남궁민']) await sim.say(id, answer);
    expect((await sim.say(id, '+82 10 7777 8888'))[0]).toContain('이 번호로는 이미 등록되어');
  });

  test('each bad input gets a Korean explanation and keeps what was already given', async () => {
    const { id } = await sim.newPersona('실수');
    await sim.say(id, '등록');
    expect((await sim.say(id, '몰라요'))[0]).toContain('동의하시면 1');
    await sim.say(id, '동의합니다');
    expect((await sim.say(id, ''))[0]).toContain('이름이 비어 있습니다');
    expect((await sim.say(id, '홍길동123'))[0]).toContain('숫자를 쓸 수 없습니다');
    expect((await sim.say(id, '가'.repeat(21)))[0]).toContain('20자 이내');
    expect((await sim.say(id, '홍길동!!'))[0]).toContain('한글 또는 영문');
    expect((await sim.say(id, 'Nguyen Thi Lan'))[0]).toContain('휴대전화 번호');
    expect((await sim.say(id, '055-670-2114'))[0]).toContain('집 전화나 사무실 전화');
    expect((await sim.say(id, '010-12'))[0]).toContain('형식이 맞지 않습니다');
    expect((await sim.say(id, '공일공'))[0]).toContain('숫자로만');
    await sim.say(id, '010 9999 0000');
    expect((await sim.say(id, '없는면'))[0]).toContain('목록에 없는 읍·면');
    await sim.say(id, '2');
    expect((await sim.say(id, '99'))[0]).toContain('목록에 없는 마을');
    const confirm = (await sim.say(id, '삼산2리'))[0];
    expect(confirm).toContain('Nguyen Thi Lan');
    expect(confirm).toContain('010-9999-0000');
    expect(confirm).toContain('삼산면 삼산2리');
  });

  test('취소 leaves the dialog at any step and keeps nothing of it', async () => {
    const { id } = await sim.newPersona('취소');
    for (const answer of ['등록', '1', '홍취소']) await sim.say(id, answer);
    expect((await sim.say(id, '취소'))[0]).toContain('취소했습니다');
    const identity = (await t.database.db.select().from(identities).where(eq(identities.platformUserId, id)))[0];
    expect(
      await t.database.db
        .select()
        .from(dialogStates)
        .where(eq(dialogStates.identityId, identity?.id ?? -1)),
    ).toEqual([]);
    expect((await sim.say(id, '010-1111-2222'))[0]).toContain('잘 이해하지 못했습니다');
    expect(await registrationOf(id)).toBeUndefined();
  });

  test('a restart midway resumes the dialog where it stopped', async () => {
    const { id } = await sim.newPersona('재시작');
    for (const answer of ['등록', '1', '한재시']) await sim.say(id, answer);
    await t.restart();
    sim = simClient(t.app.url);
    expect((await sim.say(id, '010-3030-4040'))[0]).toContain('사시는 읍·면');
    await sim.say(id, '1');
    const confirm = (await sim.say(id, '3'))[0];
    expect(confirm).toContain('한재시');
    expect(confirm).toContain('고성3리');
  });

  test('anything not understood in a 1:1 chat gets the help menu, and its numbers work', async () => {
    const { id } = await sim.newPersona('메뉴');
    const help = await sim.sayFull(id, '안녕하세요');
    expect(help[0]?.text).toContain('잘 이해하지 못했습니다');
    expect(help[0]?.choices?.[0]).toBe('실명 등록');
    expect((await sim.say(id, '1'))[0]).toContain('개인정보 수집·이용 동의');
  });

  test('탈퇴 erases the name and the number from the database', async () => {
    const { id } = await registerResident(sim, { nickname: '떠남', name: '오떠남', mobile: '010-6060-7070' });
    const before = await registrationOf(id);
    await sim.press(HEAD_1, `승인 ${before?.id}`);
    expect((await sim.say(id, '탈퇴'))[0]).toContain('탈퇴할까요');
    expect((await sim.say(id, '1'))[0]).toContain('이름과 휴대전화 번호를 지웠습니다');
    const [row] = await t.database.db
      .select()
      .from(registrations)
      .where(eq(registrations.id, before?.id ?? -1));
    expect(row).toMatchObject({ status: 'withdrawn', realName: null, mobileEnc: null, mobileHash: null });
    const events = await t.database.db.select().from(inboundEvents).where(eq(inboundEvents.platformUserId, id));
    expect(events.length).toBeGreaterThan(5);
    expect(events.every((e) => e.payloadEnc === null)).toBe(true);
    // The number is free again: the person may come back.
    expect((await sim.say(id, '등록'))[0]).toContain('개인정보 수집·이용 동의');
  });
});

describe('group chats', () => {
  test('the bot stays silent in a village chat unless addressed', async () => {
    const group = 'village-1';
    expect(await sim.sayInGroup('resident-x', group, '오늘 마을회관에서 봬요')).toEqual([]);
    expect(await sim.sayInGroup('resident-x', group, '등록 안내 좀 해주세요 다들')).toEqual([]);
    expect((await sim.sayInGroup('resident-x', group, '@마을 안녕'))[0]).toContain('단체방에서는');
    expect((await sim.sayInGroup('resident-x', group, '/등록'))[0]).toContain('1:1 대화방');
  });

  test('a village head links a group chat to their village, and another village head cannot unlink it', async () => {
    expect((await sim.sayInGroup(HEAD_1, 'new-group', '마을방 연결'))[0]).toContain('고성읍 고성1리 마을방으로 연결');
    expect((await sim.sayInGroup(HEAD_2, 'new-group', '마을방 해제'))[0]).toContain('이장님이나 담당 공무원만');
    const heads = await t.database.db.select().from(roles).where(eq(roles.role, 'village_head'));
    expect(heads.length).toBe(42);
  });
});
