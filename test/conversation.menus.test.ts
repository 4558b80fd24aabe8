import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { registerApproved, registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
const people: Record<string, string> = {
  'village head': 'head-goseong-eup-1',
  'district staff': 'staff-goseong-eup',
  'county staff': 'staff-county',
};

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  people['someone new'] = (await sim.newPersona('처음 온 분')).id;
  people['a resident waiting for approval'] = (
    await registerResident(sim, { nickname: '기다림', name: '윤대기', mobile: '010-5300-0001' })
  ).id;
  people['an approved resident'] = await registerApproved(sim, {
    nickname: '주민',
    name: '정주민',
    mobile: '010-5300-0002',
    head: 'head-goseong-eup-1',
  });
}, 120_000);
afterAll(() => t.stop());

const REFUSAL =
  /권한이 없|만 할 수 있습니다|먼저 "등록"|실명 등록을 해 주세요|1:1 대화방에서|단체방에서 (보내|저를)|잘 이해하지 못했습니다|승인된 주민만/;

async function menuOf(who: string): Promise<string[]> {
  const [menu] = await sim.sayFull(who, '도움말');
  return menu?.choices ?? [];
}

describe('every menu entry of every role leads to something that role may do', () => {
  test.each([
    'someone new',
    'a resident waiting for approval',
    'an approved resident',
    'village head',
    'district staff',
    'county staff',
  ])('%s', async (role) => {
    const who = people[role] ?? '';
    const labels = await menuOf(who);
    expect(labels.length).toBeGreaterThan(1);
    for (const [i, label] of labels.entries()) {
      await menuOf(who);
      const answer = (await sim.say(who, String(i + 1))).join('\n');
      expect(answer, `${role} → ${i + 1}. ${label}`).not.toMatch(REFUSAL);
      // Nobody lands in another role's dialog: only 실명 등록 asks for consent.
      if (label !== '실명 등록') expect(answer, `${role} → ${label}`).not.toContain('개인정보 수집·이용 동의');
      await sim.say(who, '취소');
    }
  });

  test('the staff menu offers staff work and not 실명 등록; a resident is offered no staff work', async () => {
    const staff = await menuOf(people['district staff'] ?? '');
    expect(staff).toEqual(
      expect.arrayContaining(['등록 신청 승인', '마을방송 보내기', '이장 공지 보내기', '교육 만들기']),
    );
    expect(staff).not.toContain('실명 등록');
    const resident = await menuOf(people['an approved resident'] ?? '');
    expect(resident).toEqual(
      expect.arrayContaining(['의견 보내기', '내 의견', '지난 마을방송', '교육 신청', '설정', '탈퇴']),
    );
    expect(resident).not.toContain('마을방송 보내기');
    expect(resident).not.toContain('등록 신청 승인');
  });

  test("in a village group the head's menu has the room's commands, and its entries are not refusals", async () => {
    const [menu] = await (async () => {
      await sim.sayInGroup('head-goseong-eup-1', 'room-menu', '@마을 마을방 연결');
      return sim.post('/api/sim/messages', { from: 'head-goseong-eup-1', chat: 'room-menu', text: '@마을 도움말' });
    })().then((r) => r.json.messages as { choices?: string[] }[]);
    expect(menu?.choices).toEqual(expect.arrayContaining(['마을방 연결', '마을방 해제', '도움말']));
    expect(menu?.choices).not.toContain('직원방 연결');
  });
});
