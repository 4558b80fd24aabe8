import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import { castBallot } from '../core/votes/poll.usecases.ts';
import { budgetRounds, identities, polls, villages } from '../db/schema/index.ts';
import { voteClockJob } from '../jobs/votes.clock.job.ts';
import { startLineEmulator, type LineEmulator } from './line/line.emulator.ts';
import * as line from './line/line.webhook.sender.ts';
import { seedResidents } from './support/residents.seed.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';
import { testCipher } from './support/test.keys.ts';

/** The three Done-when scenarios with the residents on LINE (through the emulator) and the staff on the simulator. */
const SECRET = 'line-channel-secret-for-tests';
const TOKEN = 'line-access-token-for-tests';
let emulator: LineEmulator;
let t: TestApp;
let sim: ReturnType<typeof simClient>;

beforeAll(async () => {
  emulator = await startLineEmulator({ channelAccessToken: TOKEN, now: () => t.clock.now().getTime() });
  t = await startTestApp({
    env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: emulator.baseUrl },
  });
  sim = simClient(t.app.url);
});
afterAll(async () => {
  await t.stop();
  await emulator.close();
});

async function settle(): Promise<void> {
  await t.app.inbound.idle();
  await t.app.delivery.flush();
}
async function send(userId: string, event: (replyToken: string) => object): Promise<string> {
  const before = emulator.delivered.length;
  const body = line.lineWebhookBody('Ubot', [event(emulator.issueReplyToken(userId))] as never);
  expect((await line.sendLineWebhook(`${t.app.url}/webhooks/line`, SECRET, body)).status).toBe(200);
  await settle();
  return emulator.delivered
    .slice(before)
    .flatMap((d) => (d.to === userId && d.message.type === 'text' ? [d.message.text as string] : []))
    .join('\n');
}
const say = (userId: string, text: string) =>
  send(userId, (replyToken) => line.lineTextEvent({ userId, text, replyToken }));
const press = (userId: string, data: string) =>
  send(userId, (replyToken) => line.linePostbackEvent({ userId, data, replyToken }));
/** The postback commands of the last message pushed to a LINE user (its quick-reply buttons). */
const buttonsOf = (userId: string, contains: string) =>
  (
    emulator.delivered.filter((d) => d.to === userId && String(d.message.text ?? '').includes(contains)).at(-1)?.message
      .quickReply?.items ?? []
  ).map((i) => (i.action as { data?: string }).data ?? '');
const pushedTo = (userId: string) =>
  emulator.delivered
    .filter((d) => d.to === userId && d.via === 'push')
    .map((d) => String(d.message.text ?? ''))
    .join('\n');
async function runClock(iso: string): Promise<Record<string, number>> {
  t.clock.set(iso);
  const result = await voteClockJob().run({ ...t.app.deps, summary: noSummaryWriter }, new Date(iso));
  await t.app.delivery.flush();
  return result;
}
const villagesOf = async (code: string) =>
  (await t.database.db.select({ id: villages.id }).from(villages).where(eq(villages.districtCode, code))).map(
    (v) => v.id,
  );
const memberIds = async (userIds: string[]) => {
  const rows = await t.database.db
    .select({ u: identities.platformUserId, m: identities.memberId })
    .from(identities)
    .where(inArray(identities.platformUserId, userIds));
  const by = new Map(rows.map((r) => [r.u, r.m]));
  return userIds.map((u) => by.get(u) ?? -1);
};

test('a committee vote: the ballot reaches LINE with buttons, a press and a confirmation cast it, results are pushed', async () => {
  const committee = await seedResidents(t.database.db, testCipher(), {
    count: 20,
    platform: 'line',
    villageIds: await villagesOf('goseong-eup'),
    now: t.clock.now(),
  });
  const ids = await memberIds(committee);
  for (const answer of ['투표 만들기', '고성읍장 주민추천', '후보 가, 후보 나', '1', '2'])
    await sim.say('staff-goseong-eup', answer);
  await sim.say('staff-goseong-eup', ids.map((id) => `0107${String(id).padStart(7, '0')}`).join('\n'));
  await sim.say('staff-goseong-eup', '지금 ~ 11.24 18:00');
  await sim.say('staff-goseong-eup', '2');
  const made = (await sim.say('staff-goseong-eup', '1')).join('\n');
  expect(made).toContain('명단 20명. 지금 열었고 20명께 보냈습니다.');
  const pollId = Number(/투표 #(\d+)/.exec(made)?.[1]);
  await settle();
  const [first = '', second = '', ...rest] = committee;
  expect(buttonsOf(first, `[투표 #${pollId}]`)).toEqual([`투표 ${pollId} 1`, `투표 ${pollId} 2`]);
  expect(await press(first, `투표 ${pollId} 2`)).toContain('이대로 내실까요?');
  expect(await say(first, '1')).toContain('투표하셨습니다');
  expect(await press(second, `투표 ${pollId} 1`)).toContain('이대로 내실까요?');
  expect(await say(second, '1')).toContain('투표하셨습니다');
  expect(await press(first, `투표 ${pollId} 1`)).toContain('이미 투표하셨습니다');
  const restIds = await memberIds(rest);
  await t.database.db.transaction(async (tx) => {
    for (const memberId of restIds) await castBallot({ tx, deps: t.app.deps, memberId, pollId, choices: [1] });
  });
  expect(await runClock('2026-11-24T09:00:00Z')).toMatchObject({ closed: 1, mismatched: 0 });
  expect(pushedTo(rest[0] ?? '')).toContain('1위 후보 가 — 19표');
  expect((await sim.chat('direct', 'staff-goseong-eup')).at(-1)?.text).toContain('투표자 20명 = 투표지 20장 (일치)');
}, 60_000);

describe("a 면's participatory budget round and its 주민총회, residents on LINE", () => {
  let r: string[] = [];
  beforeAll(async () => {
    t.clock.set('2026-11-25T01:00:00Z');
    r = await seedResidents(t.database.db, testCipher(), {
      count: 3,
      platform: 'line',
      villageIds: await villagesOf('daega'),
      now: t.clock.now(),
    });
  });

  test('proposed on LINE, screened by staff, voted on LINE within the budget, funded in order', async () => {
    const opened = (
      await sim.say(
        'staff-county',
        '예산 만들기 대가면 주민참여예산 / 대가면 / 11.26 18:00 / 11.27 09:00 / 11.28 18:00',
      )
    ).join('\n');
    expect(opened).toContain('대가면 예산 100,000천원');
    await settle();
    expect(pushedTo(r[0] ?? '')).toContain('사업 제안을 받습니다');
    const ids: number[] = [];
    for (const [who, title, cost] of [
      [r[0], '농로 정비', '7000만원'],
      [r[1], '버스 승강장', '4000만원'],
    ] as const) {
      await say(who ?? '', '예산 제안');
      await say(who ?? '', title);
      await say(who ?? '', `${title} 사업입니다`);
      await say(who ?? '', cost);
      ids.push(Number(/제안 #(\d+)/.exec(await say(who ?? '', '1'))?.[1]));
    }
    for (const id of ids) await sim.say('staff-county', `제안 채택 ${id}`);
    await settle();
    expect(pushedTo(r[1] ?? '')).toContain('「버스 승강장」 사업이 투표에 오릅니다');
    await runClock('2026-11-26T09:00:00Z');
    await runClock('2026-11-27T00:00:00Z');
    const [round] = await t.database.db.select().from(budgetRounds).where(eq(budgetRounds.districtCode, 'daega'));
    const pollId = round?.pollId ?? 0;
    expect(buttonsOf(r[2] ?? '', '[주민참여예산 투표')).toEqual([`투표 ${pollId}`]);
    await press(r[2] ?? '', `투표 ${pollId}`);
    expect(await say(r[2] ?? '', '1 2')).toContain('합계 110,000천원이 예산 100,000천원을 넘어 낼 수 없습니다');
    expect(await say(r[2] ?? '', '빼기 1')).toContain('합계 40,000천원');
    expect(await say(r[2] ?? '', '1')).toContain('투표하셨습니다');
    await press(r[0] ?? '', `투표 ${pollId}`);
    await say(r[0] ?? '', '1');
    expect(await say(r[0] ?? '', '1')).toContain('투표하셨습니다');
    await press(r[1] ?? '', `투표 ${pollId}`);
    await say(r[1] ?? '', '2');
    await say(r[1] ?? '', '1');
    expect(await runClock('2026-11-28T09:00:00Z')).toMatchObject({ closed: 1, mismatched: 0 });
    const results = pushedTo(r[0] ?? '');
    expect(results).toContain('1위 버스 승강장 — 2표 · 40,000천원 ✔ 선정');
    expect(results).toContain('2위 농로 정비 — 1표 · 70,000천원\n');
    expect(results).toContain('선정 사업 합계 40,000천원 / 예산 100,000천원');
  });

  test('a 주민총회: check-in on LINE, the two agenda items come as buttons, results with the quorum are pushed', async () => {
    t.clock.set('2026-11-29T01:00:00Z');
    const reply = (
      await sim.say(
        'staff-county',
        '총회 만들기 대가면 주민총회 / 대가면 / 대가면 주민자치센터 / 11.30 14:00 / 1시간 / 주민자치회 신청; 마을 축제',
      )
    ).join('\n');
    const code = /출석 번호는 (\d{4})입니다/.exec(reply)?.[1] ?? '';
    expect(await runClock('2026-11-30T05:00:00Z')).toMatchObject({ opened: 2 });
    const arrived = await say(r[0] ?? '', `총회 출석 ${code}`);
    expect(arrived).toContain('지금 열린 안건입니다');
    const agenda = await t.database.db.select().from(polls).where(eq(polls.kind, 'agenda'));
    for (const item of agenda) {
      expect(buttonsOf(r[0] ?? '', `[주민총회 안건 #${item.id}]`)).toEqual(
        [1, 2, 3].map((n) => `투표 ${item.id} ${n}`),
      );
      await press(r[0] ?? '', `투표 ${item.id} 1`);
      expect(await say(r[0] ?? '', '1')).toContain('투표하셨습니다');
    }
    expect(await press(r[1] ?? '', `투표 ${agenda[0]?.id} 1`)).toContain('출석하신 분만');
    expect(await runClock('2026-11-30T06:00:00Z')).toMatchObject({ assemblies: 1 });
    expect(pushedTo(r[0] ?? '')).toContain('참석 1명 / 등록 주민 3명 (33.3%) · 정족수 1명 충족');
  });
});
