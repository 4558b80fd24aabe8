import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import { castBallot } from '../core/votes/poll.usecases.ts';
import {
  budgetProposals,
  budgetRounds,
  identities,
  pollBallots,
  polls,
  pollVoters,
  villages,
} from '../db/schema/index.ts';
import { voteClockJob } from '../jobs/votes.clock.job.ts';
import { seedResidents } from './support/residents.seed.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';
import { testCipher } from './support/test.keys.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;

const EUP_STAFF = 'staff-goseong-eup';
const COUNTY_STAFF = 'staff-county';
const say = async (who: string, text: string) => (await sim.say(who, text)).join('\n');
const press = async (who: string, command: string) => (await sim.press(who, command)).join('\n');
const texts = async (id: string) => (await sim.chat('direct', id)).map((m) => m.text).join('\n---\n');
const memberIds = async (userIds: string[]) => {
  const rows = await t.database.db
    .select({ userId: identities.platformUserId, memberId: identities.memberId })
    .from(identities)
    .where(inArray(identities.platformUserId, userIds));
  const byUser = new Map(rows.map((r) => [r.userId, r.memberId]));
  return userIds.map((u) => byUser.get(u) ?? -1);
};
const villagesOf = async (districtCode: string) =>
  (await t.database.db.select({ id: villages.id }).from(villages).where(eq(villages.districtCode, districtCode))).map(
    (v) => v.id,
  );
async function runClock(iso: string): Promise<Record<string, number>> {
  t.clock.set(iso);
  const result = await voteClockJob().run({ ...t.app.deps, summary: noSummaryWriter }, new Date(iso));
  await t.app.delivery.flush();
  return result;
}
const countOf = async (table: typeof pollVoters | typeof pollBallots, pollId: number) =>
  t.database.db.$count(table, eq(table.pollId, pollId));

beforeAll(async () => {
  t = await startTestApp(); // 11.24.(화) 10:00 KST
  sim = simClient(t.app.url);
});
afterAll(() => t.stop());

describe('a 읍장 추천 vote of a 200-member committee', () => {
  let committee: string[] = [];
  let outsider = '';
  let pollId = 0;

  beforeAll(async () => {
    const eup = await villagesOf('goseong-eup');
    committee = await seedResidents(t.database.db, testCipher(), {
      count: 200,
      platform: 'websim',
      villageIds: eup,
      now: t.clock.now(),
    });
    [outsider = ''] = await seedResidents(t.database.db, testCipher(), {
      count: 1,
      platform: 'websim',
      villageIds: eup,
      now: t.clock.now(),
    });
  });

  test('staff make the poll in chat with the committee pasted as mobile numbers; it opens and reaches all 200', async () => {
    const roster = (await memberIds(committee)).map((id) => `0107${String(id).padStart(7, '0')}`).join('\n');
    expect(await say(EUP_STAFF, '투표 만들기')).toContain('투표할 질문');
    expect(await say(EUP_STAFF, '고성읍장 주민추천')).toContain('선택지를');
    expect(await say(EUP_STAFF, '후보 가\n후보 나\n후보 다')).toContain('몇 개까지');
    expect(await say(EUP_STAFF, '1')).toContain('누가 투표하나요?');
    expect(await say(EUP_STAFF, '2')).toContain('휴대전화 번호를 한 줄에 하나씩');
    expect(await say(EUP_STAFF, roster)).toContain('투표 기간을');
    expect(await say(EUP_STAFF, '지금 ~ 11.25 18:00')).toContain('바꿀 수 있게 할까요?');
    const summary = await say(EUP_STAFF, '2');
    expect(summary).toContain('투표: 명단');
    expect(summary).toContain('결과는 마감 뒤에만 공개');
    const made = await say(EUP_STAFF, '1');
    expect(made).toMatch(/투표 #\d+을 만들었습니다\. 명단 200명\. 지금 열었고 200명께 보냈습니다\./);
    pollId = Number(/투표 #(\d+)/.exec(made)?.[1]);
    await t.app.delivery.flush();
    const ballot = (await sim.chat('direct', committee[0] ?? '')).at(-1);
    expect(ballot?.text).toContain(`[투표 #${pollId}] 고성읍장 주민추천`);
    expect(ballot?.text).toContain('비밀투표');
    expect(ballot?.buttons?.map((b) => b.command)).toEqual([1, 2, 3].map((n) => `투표 ${pollId} ${n}`));
    expect(await texts(outsider)).not.toContain('고성읍장 주민추천');
  }, 60_000);

  test('a member votes by pressing a button and confirming; the answer does not repeat the choice', async () => {
    const confirm = await press(committee[0] ?? '', `투표 ${pollId} 2`);
    expect(confirm).toContain('2. 후보 나');
    expect(confirm).toContain('낸 뒤에는 바꿀 수 없습니다');
    const done = await say(committee[0] ?? '', '1');
    expect(done).toContain('투표하셨습니다');
    expect(done).not.toContain('후보');
  });

  test('one member with two platforms votes once', async () => {
    const [member = 0] = await memberIds([committee[1] ?? '']);
    await t.database.db
      .insert(identities)
      .values({ memberId: member, platform: 'websim', platformUserId: 'second-phone-of-member-1' });
    await press(committee[1] ?? '', `투표 ${pollId} 1`);
    expect(await say(committee[1] ?? '', '1')).toContain('투표하셨습니다');
    expect(await press('second-phone-of-member-1', `투표 ${pollId} 3`)).toContain('이미 투표하셨습니다');
    expect(await countOf(pollVoters, pollId)).toBe(2);
    expect(await countOf(pollBallots, pollId)).toBe(2);
  });

  test('someone not on the roster is refused with a clear message, and nothing is stored', async () => {
    expect(await press(outsider, `투표 ${pollId} 1`)).toContain('이 투표는 명단에 오른 분만 참여하실 수 있습니다');
    expect(await countOf(pollVoters, pollId)).toBe(2);
  });

  test('the rest vote through the usecase; staff see turnout live but no results before the close', async () => {
    const ids = await memberIds(committee.slice(2));
    const kinds = await t.database.db.transaction(async (tx) => {
      const out: string[] = [];
      for (const [i, memberId] of ids.entries())
        out.push(
          (await castBallot({ tx, deps: t.app.deps, memberId, pollId, choices: [i % 5 < 3 ? 1 : i % 5 === 3 ? 2 : 3] }))
            .kind,
        );
      return out;
    });
    expect(new Set(kinds)).toEqual(new Set(['cast']));
    // The loop kept HTTP idle for seconds: a kept-alive socket the server has meanwhile closed is dropped by a GET
    // (retried by the client) rather than failing the next POST with ECONNRESET.
    await fetch(`${t.app.url}/healthz`).catch(() => undefined);
    const status = await say(EUP_STAFF, `투표 현황 ${pollId}`);
    expect(status).toContain('투표 200명 / 선거인 200명');
    expect(status).toContain('결과는 마감 뒤에 볼 수 있습니다');
    expect(status).not.toMatch(/\d+표/);
  });

  test('at 18:00 the clock closes it: ballots equal voters, and members and staff get the results', async () => {
    expect((await runClock('2026-11-25T08:59:00Z')).closed).toBe(0);
    expect(await press(committee[5] ?? '', `투표 ${pollId} 1`)).toContain('이미 투표하셨습니다');
    const closing = await runClock('2026-11-25T09:00:00Z');
    expect(closing).toMatchObject({ closed: 1, mismatched: 0 });
    const [poll] = await t.database.db.select().from(polls).where(eq(polls.id, pollId));
    expect(poll).toMatchObject({ status: 'closed', votersAtClose: 200, ballotsAtClose: 200, receiptKeyEnc: null });
    // 198 through the usecase: 120 for 가, 39 for 나, 39 for 다; in chat one 나 and one 가.
    const results = await texts(committee[7] ?? '');
    expect(results).toContain(`[투표 결과 #${pollId}] 고성읍장 주민추천`);
    expect(results).toContain('1위 후보 가 — 121표');
    expect(results).toContain('2위 후보 나 — 40표');
    expect(results).toContain('3위 후보 다 — 39표');
    expect(await texts(EUP_STAFF)).toContain('확인: 투표자 200명 = 투표지 200장 (일치)');
    expect(await press(committee[3] ?? '', `투표 ${pollId} 1`)).toContain('마감되었습니다');
  });
});

describe("a 면's participatory budget round", () => {
  let r: string[] = [];
  let roundId = 0;
  let pollId = 0;
  const propose = async (who: string, title: string, cost: string) => {
    await say(who, '예산 제안');
    await say(who, title);
    await say(who, `${title}이 필요합니다.`);
    expect(await say(who, cost)).toContain('이대로 제안할까요?');
    const done = await say(who, '1');
    expect(done).toContain('접수되었습니다');
    return Number(/제안 #(\d+)/.exec(done)?.[1]);
  };

  beforeAll(async () => {
    t.clock.set('2026-11-26T01:00:00Z');
    r = await seedResidents(t.database.db, testCipher(), {
      count: 5,
      platform: 'websim',
      villageIds: await villagesOf('samsan'),
      now: t.clock.now(),
    });
  });

  test("staff open a round with the district's budget from its file; the residents are told", async () => {
    const reply = await say(
      COUNTY_STAFF,
      '예산 만들기 2027 삼산면 주민참여예산 / 삼산면 / 11.27 18:00 / 11.28 09:00 / 11.30 18:00',
    );
    expect(reply).toContain('삼산면 예산 100,000천원');
    expect(reply).toContain('주민 5명께 알렸습니다');
    roundId = Number(/주민참여예산 #(\d+)/.exec(reply)?.[1]);
    await t.app.delivery.flush();
    expect(await texts(r[4] ?? '')).toContain('「2027 삼산면 주민참여예산」 사업 제안을 받습니다 (예산 100,000천원)');
  });

  test('residents propose in chat; staff accept three and reject one with a reason the proposer is told', async () => {
    const a = await propose(r[0] ?? '', '마을 안길 포장', '6000만원');
    const b = await propose(r[1] ?? '', '가로등 설치', '30,000천원');
    const c = await propose(r[2] ?? '', '경로당 정자', '2천만원');
    const d = await propose(r[0] ?? '', '드론 축제', '9000만원');
    expect(await say(COUNTY_STAFF, '제안 심사')).toContain('「드론 축제」 90,000천원 — 심사 전');
    expect(await say(COUNTY_STAFF, `제안 반려 ${d}`)).toContain('사유를 함께 적어 주세요');
    expect(await say(COUNTY_STAFF, `제안 반려 ${d} 일회성 행사는 대상이 아닙니다`)).toContain(
      '반려했습니다. 제안하신 분께 알렸습니다.',
    );
    for (const id of [a, b, c]) expect(await say(COUNTY_STAFF, `제안 채택 ${id}`)).toContain('채택했습니다');
    await t.app.delivery.flush();
    const told = await texts(r[0] ?? '');
    expect(told).toContain('「드론 축제」 사업은 투표에 오르지 못했습니다.\n사유: 일회성 행사는 대상이 아닙니다');
    expect(told).toContain('「마을 안길 포장」 사업이 투표에 오릅니다');
  });

  test('proposals close and the vote opens by the clock; a ballot over the budget is refused and nothing is lost', async () => {
    expect(await runClock('2026-11-27T09:00:00Z')).toMatchObject({ rounds: 1 });
    expect(await say(r[3] ?? '', '예산 제안')).toContain('제목');
    await say(r[3] ?? '', '늦은 제안');
    await say(r[3] ?? '', '내용');
    await say(r[3] ?? '', '100만원');
    expect(await say(r[3] ?? '', '1')).toContain('제안을 받는 주민참여예산이 없습니다');
    expect(await runClock('2026-11-28T00:00:00Z')).toMatchObject({ rounds: 1, opened: 0 });
    const [round] = await t.database.db.select().from(budgetRounds).where(eq(budgetRounds.id, roundId));
    pollId = round?.pollId ?? 0;
    expect(round?.status).toBe('voting');
    const ballot = (await sim.chat('direct', r[4] ?? '')).at(-1);
    expect(ballot?.text).toContain('[주민참여예산 투표');
    expect(ballot?.text).toContain('1. 마을 안길 포장 (60,000천원)');
    expect(ballot?.buttons?.map((b) => b.command)).toEqual([`투표 ${pollId}`]);

    expect(await press(r[0] ?? '', `투표 ${pollId}`)).toContain('예산 100,000천원 안에서 고르세요');
    const over = await say(r[0] ?? '', '1 2 3');
    expect(over).toContain('합계 110,000천원이 예산 100,000천원을 넘어 낼 수 없습니다. 아직 아무것도 내지 않았습니다.');
    expect(over).toContain('고르신 번호 1 2 3은 그대로 두었습니다');
    expect(await countOf(pollVoters, pollId)).toBe(0);
    expect(await countOf(pollBallots, pollId)).toBe(0);
    const fixed = await say(r[0] ?? '', '빼기 3');
    expect(fixed).toContain('합계 90,000천원 / 예산 100,000천원');
    expect(await say(r[0] ?? '', '1')).toContain('투표하셨습니다');
    for (const [who, picks] of [
      [r[1], '2 3'],
      [r[2], '1 3'],
      [r[3], '1'],
    ] as const) {
      await press(who ?? '', `투표 ${pollId}`);
      expect(await say(who ?? '', picks)).toContain('이대로 내실까요?');
      expect(await say(who ?? '', '1')).toContain('투표하셨습니다');
    }
  });

  test('at the close the projects are ranked by votes and funded in order until the budget is used', async () => {
    expect(await runClock('2026-11-30T09:00:00Z')).toMatchObject({ closed: 1, mismatched: 0 });
    const results = await texts(r[4] ?? '');
    expect(results).toContain('1위 마을 안길 포장 — 3표 · 60,000천원 ✔ 선정');
    expect(results).toContain('2위 가로등 설치 — 2표 · 30,000천원 ✔ 선정');
    expect(results).toContain('2위 경로당 정자 — 2표 · 20,000천원\n');
    expect(results).toContain('선정 사업 합계 90,000천원 / 예산 100,000천원');
    expect((await t.database.db.select().from(budgetRounds).where(eq(budgetRounds.id, roundId)))[0]?.status).toBe(
      'closed',
    );
    expect(
      await t.database.db.$count(
        budgetProposals,
        and(eq(budgetProposals.roundId, roundId), eq(budgetProposals.status, 'accepted')),
      ),
    ).toBe(3);
  });
});

describe('a 주민총회 with two agenda items', () => {
  let r: string[] = [];
  let assemblyId = 0;
  let code = '';
  let agenda: number[] = [];

  beforeAll(async () => {
    t.clock.set('2026-11-30T10:00:00Z');
    r = await seedResidents(t.database.db, testCipher(), {
      count: 4,
      platform: 'websim',
      villageIds: await villagesOf('hail'),
      now: t.clock.now(),
    });
  });

  test('staff make it with its agenda; the district residents are told where and when', async () => {
    const reply = await say(
      COUNTY_STAFF,
      '총회 만들기 하일면 주민총회 / 하일면 / 하일면 주민자치센터 / 12.2 14:00 / 2시간 / 주민자치회 시범실시 신청; 2027 마을 축제 개최',
    );
    expect(reply).toContain('안건 2건');
    expect(reply).toContain('하일면 주민 4명께 알렸습니다');
    assemblyId = Number(/주민총회 #(\d+)/.exec(reply)?.[1]);
    code = /출석 번호는 (\d{4})입니다/.exec(reply)?.[1] ?? '';
    agenda = [...reply.matchAll(/#(\d+)/g)].slice(1, 3).map((m) => Number(m[1]));
    await t.app.delivery.flush();
    expect(await texts(r[3] ?? '')).toContain('[주민총회] 하일면 「하일면 주민총회」');
  });

  test('residents check in at the venue; a wrong code is refused; the items open at the start and reach those present', async () => {
    t.clock.set('2026-12-02T04:40:00Z'); // 13:40 KST
    expect(await say(r[0] ?? '', `총회 출석 ${code}`)).toContain('안건 투표는 총회가 시작하면 보내 드립니다');
    const wrong = code === '0000' ? '0001' : '0000';
    expect(await say(r[1] ?? '', `총회 출석 ${wrong}`)).toContain('출석 번호가 맞지 않습니다');
    expect(await press(r[2] ?? '', `투표 ${agenda[0]} 1`)).toContain('14:00에 시작합니다');
    expect(await runClock('2026-12-02T05:00:00Z')).toMatchObject({ opened: 2 });
    expect((await sim.chat('direct', r[0] ?? '')).filter((m) => m.text.includes('[주민총회 안건'))).toHaveLength(2);
    t.clock.set('2026-12-02T05:10:00Z');
    const arrived = await say(r[1] ?? '', `총회 출석 ${code}`);
    expect(arrived).toContain('지금 열린 안건입니다');
    expect(arrived).toContain('안건 1. 주민자치회 시범실시 신청');
    expect(arrived).toContain('안건 2. 2027 마을 축제 개최');
  });

  test('those present vote on each item; one not present is refused; staff see the quorum', async () => {
    for (const [who, item, choice] of [
      [r[0], agenda[0], 1],
      [r[0], agenda[1], 2],
      [r[1], agenda[0], 1],
      [r[1], agenda[1], 1],
    ] as const) {
      await press(who ?? '', `투표 ${item} ${choice}`);
      expect(await say(who ?? '', '1')).toContain('투표하셨습니다');
    }
    expect(await press(r[2] ?? '', `투표 ${agenda[0]} 1`)).toContain('출석하신 분만 투표하실 수 있습니다');
    const status = await say(COUNTY_STAFF, `총회 현황 ${assemblyId}`);
    expect(status).toContain('출석 2명 / 등록 주민 4명 (50%) · 정족수 10% = 1명 충족');
    expect(status).toContain('안건 1. 주민자치회 시범실시 신청 — 투표 2명');
  });

  test('at the end the items close with the quorum in their results, and staff get the report', async () => {
    expect(await runClock('2026-12-02T07:00:00Z')).toMatchObject({ assemblies: 1 });
    const results = await texts(r[0] ?? '');
    expect(results).toContain('[주민총회 안건 결과');
    expect(results).toContain('1위 찬성 — 2표');
    expect(results).toContain('참석 2명 / 등록 주민 4명 (50%) · 정족수 1명 충족');
    expect(await texts(r[3] ?? '')).not.toContain('[주민총회 안건 결과');
    expect(await texts(COUNTY_STAFF)).toContain('[주민총회 마침] 「하일면 주민총회」 참석 2명');
  });
});
