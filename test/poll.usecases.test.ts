import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import type { RoleGrant } from '../core/auth/authz.policy.ts';
import { rowsOf } from '../core/broadcasts/broadcast.audience.repository.ts';
import { votesSection } from '../core/votes/votes.digest.ts';
import { pollStatus } from '../core/votes/poll.status.usecases.ts';
import { castBallot, createPoll, type Poll } from '../core/votes/poll.usecases.ts';
import { identities, pollBallots, polls, pollVoters, villages } from '../db/schema/index.ts';
import { voteClockJob } from '../jobs/votes.clock.job.ts';
import { seedResidents } from './support/residents.seed.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';
import { testCipher } from './support/test.keys.ts';

let t: TestApp;
const staff = {
  memberId: 0,
  grants: [{ role: 'district_staff', districtCode: 'goseong-eup', villageId: null }] as RoleGrant[],
};
let residents: { userId: string; memberId: number }[] = [];

async function runClock(iso: string): Promise<Record<string, number>> {
  t.clock.set(iso);
  const result = await voteClockJob().run({ ...t.app.deps, summary: noSummaryWriter }, new Date(iso));
  await t.app.delivery.flush();
  return result;
}
async function newPoll(input: {
  opensInMinutes: number;
  minutes: number;
  allowChange: boolean;
  options?: string[];
}): Promise<Poll> {
  const now = t.clock.now();
  const result = await t.database.db.transaction((tx) =>
    createPoll({
      tx,
      deps: t.app.deps,
      staff,
      poll: {
        question: '마을 안건',
        options: input.options ?? ['가', '나', '다', '라'],
        maxChoices: 1,
        allowChange: input.allowChange,
        districtCode: 'goseong-eup',
        electorate: { kind: 'residents' },
        opensAt: new Date(now.getTime() + input.opensInMinutes * 60_000),
        closesAt: new Date(now.getTime() + (input.opensInMinutes + input.minutes) * 60_000),
      },
    }),
  );
  if (result.kind !== 'created') throw new Error(result.kind);
  return result.poll;
}
const vote = (memberId: number, pollId: number, choice: number) =>
  t.database.db.transaction((tx) => castBallot({ tx, deps: t.app.deps, memberId, pollId, choices: [choice] }));

beforeAll(async () => {
  t = await startTestApp(); // 11.24.(화) 10:00 KST
  const eup = (
    await t.database.db.select({ id: villages.id }).from(villages).where(eq(villages.districtCode, 'goseong-eup'))
  ).map((v) => v.id);
  const users = await seedResidents(t.database.db, testCipher(), {
    count: 60,
    platform: 'websim',
    villageIds: eup,
    now: t.clock.now(),
  });
  const rows = await t.database.db
    .select({ userId: identities.platformUserId, memberId: identities.memberId })
    .from(identities);
  const byUser = new Map(rows.map((r) => [r.userId, r.memberId]));
  staff.memberId = byUser.get('staff-goseong-eup') ?? 0;
  residents = users.map((userId) => ({ userId, memberId: byUser.get(userId) ?? -1 }));
});
afterAll(() => t.stop());

describe('a secret ballot: nothing in the schema leads from a ballot to a voter', () => {
  let poll: Poll;
  /** What each voter chose, in the order they voted: what an attacker would like to recover. */
  const truth: number[] = [];
  type Row = { c: string; x: string; id?: string; choice?: number; member?: number };
  const ballotsByPhysicalOrder = async (pollId: number) =>
    rowsOf<Row>(
      await t.database.db.execute(
        sql`select ctid::text as c, xmin::text as x, id::text as id, choices[1] as choice from poll_ballots where poll_id = ${pollId} order by ctid`,
      ),
    );
  const votersByPhysicalOrder = async (pollId: number) =>
    rowsOf<Row>(
      await t.database.db.execute(
        sql`select ctid::text as c, xmin::text as x, member_id as member from poll_voters where poll_id = ${pollId} order by ctid`,
      ),
    );

  beforeAll(async () => {
    poll = await newPoll({ opensInMinutes: 0, minutes: 60, allowChange: true });
    for (const [i, r] of residents.entries()) {
      const choice = ((i * 7) % 4) + 1;
      truth.push(choice);
      expect((await vote(r.memberId, poll.id, choice)).kind).toBe('cast');
    }
  });

  test('the two tables share only the poll column; ballots have no member, no time, no sequence', async () => {
    const columns = async (table: string) =>
      rowsOf<{ name: string; type: string; def: string | null; ident: string }>(
        await t.database.db.execute(
          sql`select column_name as name, data_type as type, column_default as def, is_identity as ident from information_schema.columns where table_name = ${table}`,
        ),
      );
    const voters = await columns('poll_voters');
    const ballots = await columns('poll_ballots');
    expect(ballots.map((c) => c.name).filter((n) => voters.some((v) => v.name === n))).toEqual(['poll_id']);
    expect(voters.map((c) => c.name).sort()).toEqual(['member_id', 'poll_id']);
    for (const c of [...voters, ...ballots]) {
      expect(c.type, c.name).not.toMatch(/time|date|interval/);
      expect(c.ident, c.name).toBe('NO');
      expect(c.def ?? '', c.name).not.toMatch(/nextval|now|uuid/);
    }
    const references = rowsOf<{ target: string }>(
      await t.database.db.execute(
        sql`select ccu.table_name as target from information_schema.table_constraints tc join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name where tc.table_name = 'poll_ballots' and tc.constraint_type = 'FOREIGN KEY'`,
      ),
    );
    expect(references.map((r) => r.target)).toEqual(['polls']);
  });

  test('ballot ids are random UUIDs: ordered by id they do not follow the vote order', async () => {
    const byId = rowsOf<{ choice: number }>(
      await t.database.db.execute(
        sql`select choices[1] as choice from poll_ballots where poll_id = ${poll.id} order by id`,
      ),
    );
    expect(byId.map((b) => b.choice)).not.toEqual(truth);
    const ids = (await ballotsByPhysicalOrder(poll.id)).map((b) => b.id ?? '');
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('while open, the mix rewrites the ballots: physical order and transaction ids no longer follow the votes', async () => {
    // Before the mix, a ballot and its voter were written by one transaction: that is what the mix undoes.
    const before = await ballotsByPhysicalOrder(poll.id);
    const votersBefore = await votersByPhysicalOrder(poll.id);
    expect(before.map((b) => b.choice)).toEqual(truth);
    expect(new Set(before.map((b) => b.x)).size).toBe(60);
    expect(before.map((b) => b.x)).toEqual(votersBefore.map((v) => v.x));

    expect((await runClock('2026-11-24T01:01:00Z')).mixed).toBe(1);
    const after = await ballotsByPhysicalOrder(poll.id);
    const voters = await votersByPhysicalOrder(poll.id);
    expect(after.map((b) => b.choice)).not.toEqual(truth);
    expect(new Set(after.map((b) => b.x)).size).toBe(1);
    expect(voters.map((v) => v.x)).not.toContain(after[0]?.x);
    expect((await t.database.db.select().from(polls).where(eq(polls.id, poll.id)))[0]?.mixPending).toBe(false);
  });

  test('a changeable ballot is replaced by the voter only, through a receipt that no other column carries', async () => {
    const [first] = residents;
    const old = truth[0] ?? 1;
    const next = (old % 4) + 1;
    expect((await vote(first?.memberId ?? 0, poll.id, next)).kind).toBe('changed');
    truth[0] = next;
    expect(await t.database.db.$count(pollBallots, eq(pollBallots.pollId, poll.id))).toBe(60);
    expect(await t.database.db.$count(pollVoters, eq(pollVoters.pollId, poll.id))).toBe(60);
    const receipts = await t.database.db
      .select({ r: pollBallots.receipt })
      .from(pollBallots)
      .where(eq(pollBallots.pollId, poll.id));
    expect(new Set(receipts.map((r) => r.r)).size).toBe(60);
    // The receipt is no member id, no hash of one without the poll's key.
    for (const { r } of receipts) expect(residents.map((x) => String(x.memberId))).not.toContain(r);
  });

  test('staff see turnout but no results while open', async () => {
    const status = await t.database.db.transaction((tx) =>
      pollStatus({ tx, deps: t.app.deps, staff, pollId: poll.id }),
    );
    expect(status.kind === 'status' && status.status).toMatchObject({ voters: 60, ranked: null });
  });

  test('the staff digest shows the vote under way with its turnout, never a result', async () => {
    const section = await t.database.db.transaction((tx) =>
      votesSection('투표')({
        tx,
        scope: { kind: 'district', districtCode: 'goseong-eup' },
        since: new Date('2026-11-23T15:00:00Z'),
        until: new Date('2026-11-24T15:00:00Z'),
        timezone: 'Asia/Seoul',
      }),
    );
    expect(section.lines).toEqual([`· [투표 #${poll.id}] 마을 안건 — 진행 중, 투표 60/60명`]);
    expect(section.figures[0]).toEqual({ label: '진행 중 투표', value: 1, unit: '건' });
  });

  test('after the close: receipts and the key are gone, and no ordering or system column links a ballot to a voter', async () => {
    expect(await runClock('2026-11-24T02:00:00Z')).toMatchObject({ closed: 1, mismatched: 0 });
    const [closed] = await t.database.db.select().from(polls).where(eq(polls.id, poll.id));
    expect(closed).toMatchObject({ status: 'closed', receiptKeyEnc: null, votersAtClose: 60, ballotsAtClose: 60 });
    const receipts = await t.database.db
      .select({ r: pollBallots.receipt })
      .from(pollBallots)
      .where(eq(pollBallots.pollId, poll.id));
    expect(receipts.every((r) => r.r === null)).toBe(true);
    const ballots = await ballotsByPhysicalOrder(poll.id);
    const voters = await votersByPhysicalOrder(poll.id);
    expect(ballots.map((b) => b.choice)).not.toEqual(truth);
    expect(new Set(ballots.map((b) => b.x)).size).toBe(1);
    expect(voters.some((v) => v.x === ballots[0]?.x)).toBe(false);
    // The tally is the truth, counted from the ballots alone.
    const expected: Record<string, number> = {};
    const options = rowsOf<{ id: number; position: number }>(
      await t.database.db.execute(sql`select id, position from poll_options where poll_id = ${poll.id}`),
    );
    for (const o of options) expected[String(o.id)] = truth.filter((c) => c === o.position).length;
    expect(closed?.tally).toEqual(expected);
  });
});

describe('opening and closing by the injected clock', () => {
  test('a poll for later is refused before its time, opens at its minute with its ballots, and closes at its end', async () => {
    const sim = simClient(t.app.url);
    t.clock.set('2026-11-24T03:00:00Z');
    const poll = await newPoll({ opensInMinutes: 60, minutes: 30, allowChange: false, options: ['예', '아니오'] });
    expect(poll.status).toBe('scheduled');
    const [r0, r1] = residents;
    expect((await vote(r0?.memberId ?? 0, poll.id, 1)).kind).toBe('not_open');
    expect(await runClock('2026-11-24T03:59:00Z')).toMatchObject({ opened: 0 });
    expect(await runClock('2026-11-24T04:00:00Z')).toMatchObject({ opened: 1 });
    const ballot = (await sim.chat('direct', r1?.userId ?? '')).at(-1);
    expect(ballot?.text).toContain(`[투표 #${poll.id}] 마을 안건`);
    // A village head of the district is not a resident: no ballot.
    expect((await sim.chat('direct', 'head-goseong-eup-1')).map((m) => m.text).join()).not.toContain(
      `[투표 #${poll.id}]`,
    );
    expect((await vote(r0?.memberId ?? 0, poll.id, 1)).kind).toBe('cast');
    expect((await vote(r0?.memberId ?? 0, poll.id, 2)).kind).toBe('already_voted');
    // The job has not run yet at the end, but the end has come: no more ballots.
    t.clock.set('2026-11-24T04:30:00Z');
    expect((await vote(r1?.memberId ?? 0, poll.id, 2)).kind).toBe('not_open');
    expect(await runClock('2026-11-24T04:30:00Z')).toMatchObject({ closed: 1, mismatched: 0 });
    expect((await sim.chat('direct', r1?.userId ?? '')).at(-1)?.text).toContain('1위 예 — 1표');
  });
});
