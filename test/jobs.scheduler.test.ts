import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import type { Logger } from '../core/logger.port.ts';
import type { DatabaseHandle } from '../db/db.client.ts';
import { broadcasts, groupChats, identities, jobRuns, members, outbox } from '../db/schema/index.ts';
import { createJobs } from '../jobs/job.registry.ts';
import { createJobScheduler, type JobScheduler } from '../jobs/job.scheduler.ts';
import type { Job, JobDeps } from '../jobs/job.types.ts';
import { allVillageIds, seedResidents } from './support/residents.seed.ts';
import { createTestClock } from './support/test.clock.ts';
import { createTestDatabase } from './support/test.database.ts';
import { testCipher } from './support/test.keys.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const settings = {
  JOB_STAFF_DIGEST_SCHEDULE: '30 8 * * *',
  JOB_RESIDENT_DIGEST_SCHEDULE: '*/30 * * * *',
  JOB_HEAD_DIGEST_SCHEDULE: '0 8 * * 1',
  JOB_FEEDBACK_SLA_SCHEDULE: '*/15 * * * *',
  OPENAI_TIMEOUT_MS: 1000,
};
const STAFF_SLOT = new Date('2026-11-24T23:30:00Z'); // 11.25.(수) 08:30 KST

let database: DatabaseHandle;
const clock = createTestClock('2026-11-24T23:30:00Z');
let deps: JobDeps;
/** Two instances of maeul on one database: each its own scheduler, like two processes side by side. */
const instances = (jobs: Job[], graceMinutes = 120): [JobScheduler, JobScheduler] => [
  createJobScheduler({ deps, jobs, graceMinutes, instance: 'instance-a' }),
  createJobScheduler({ deps, jobs, graceMinutes, instance: 'instance-b' }),
];
const staffDigests = async () => database.db.select().from(outbox).where(eq(outbox.purpose, 'digest.staff'));
const runsOf = (job: string) => database.db.select().from(jobRuns).where(eq(jobRuns.job, job));

beforeAll(async () => {
  database = await createTestDatabase();
  deps = {
    db: database.db,
    cipher: testCipher(),
    clock,
    logger: silent,
    timezone: 'Asia/Seoul',
    summary: noSummaryWriter,
  };
  // Staff rooms on two platforms: HQ in the simulator, 고성읍's on LINE.
  await database.db.insert(groupChats).values([
    { platform: 'websim', chatId: 'staff-hq', title: '본청 담당자방', isHqStaffRoom: true },
    { platform: 'line', chatId: 'Cstaffgoseong', title: '고성읍 담당자방', staffDistrictCode: 'goseong-eup' },
  ]);
}, 60_000);
afterAll(() => database.close());
beforeEach(async () => {
  await database.db.delete(jobRuns);
  await database.db.delete(outbox).where(eq(outbox.purpose, 'digest.staff'));
});

describe('exactly once across instances (PostgreSQL)', () => {
  test.skipIf(!process.env.TEST_DATABASE_URL)(
    'two instances ticking the same 08:30 slot at once send each staff room one digest (skipped on PGlite: one connection cannot race)',
    async () => {
      const [a, b] = instances(createJobs(settings));
      const outcomes = await Promise.all([
        a.runSlot('staff-digest', STAFF_SLOT),
        b.runSlot('staff-digest', STAFF_SLOT),
      ]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['ran', 'taken']);
      const rows = await staffDigests();
      expect(rows.map((r) => `${r.platform}:${r.chatId}`).sort()).toEqual(['line:Cstaffgoseong', 'websim:staff-hq']);
      const runs = await runsOf('staff-digest');
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'done', result: { rooms: 2, queued: 2 } });
    },
  );

  test.skipIf(!process.env.TEST_DATABASE_URL)(
    'a job body runs once per slot however many instances race for it (skipped on PGlite: one connection)',
    async () => {
      let runs = 0;
      const slow: Job = {
        name: 'probe',
        schedule: '* * * * *',
        description: 'probe',
        run: async () => {
          runs += 1;
          await new Promise((resolve) => setTimeout(resolve, 50));
          return { runs };
        },
      };
      const schedulers = [...instances([slow]), ...instances([slow])];
      const slot = new Date('2026-11-24T23:31:00Z');
      const outcomes = await Promise.all(schedulers.map((s) => s.runSlot('probe', slot)));
      expect(outcomes.filter((o) => o.kind === 'ran')).toHaveLength(1);
      expect(runs).toBe(1);
    },
  );

  test.skipIf(!process.env.TEST_DATABASE_URL)(
    'two instances run the resident digest slot once: a digest-mode resident gets one message (skipped on PGlite)',
    async () => {
      const [villageId] = await allVillageIds(database.db);
      const [userId] = await seedResidents(database.db, deps.cipher, {
        count: 1,
        platform: 'websim',
        villageIds: [villageId ?? 1],
        now: clock.now(),
      });
      const [identity] = await database.db
        .select()
        .from(identities)
        .where(eq(identities.platformUserId, userId ?? ''));
      const memberId = identity?.memberId ?? -1;
      await database.db
        .update(members)
        .set({ broadcastMode: 'digest', digestTime: '18:00', quietStart: '00:00', quietEnd: '00:00' })
        .where(eq(members.id, memberId));
      const [head] = await database.db.select({ id: members.id }).from(members).limit(1);
      await database.db.insert(broadcasts).values({
        scopeKind: 'county',
        category: 'general',
        body: '군 전체 안내입니다',
        senderLabel: '군청',
        createdBy: head?.id ?? 1,
        createdAt: new Date('2026-11-25T03:00:00Z'),
        sendAt: new Date('2026-11-25T03:00:00Z'),
        fannedOutAt: new Date('2026-11-25T03:00:00Z'),
      });
      const slot = new Date('2026-11-25T09:00:00Z'); // 18:00 KST
      clock.set(slot);
      const [a, b] = instances(createJobs(settings));
      await Promise.all([
        a.runSlot('resident-digest', slot),
        b.runSlot('resident-digest', slot),
        a.runSlot('resident-digest', slot),
      ]);
      const digests = await database.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.purpose, 'digest.resident'), eq(outbox.memberId, memberId)));
      expect(digests).toHaveLength(1);
      clock.set(STAFF_SLOT);
    },
  );
});

describe('catch-up on start', () => {
  test('a slot missed while down is run once when an instance starts within the grace, and not again by the next', async () => {
    clock.set('2026-11-25T00:40:00Z'); // 09:40 KST: the 08:30 digest was missed 70 minutes ago
    const [a, b] = instances(createJobs(settings));
    const first = await a.catchUp();
    expect(first.get('staff-digest')).toMatchObject({ kind: 'ran', slot: STAFF_SLOT });
    const second = await b.catchUp();
    expect(second.get('staff-digest')?.kind).toBe('taken');
    expect(await staffDigests()).toHaveLength(2); // one per room
    const runs = await runsOf('staff-digest');
    expect(runs.map((r) => [r.slot.toISOString(), r.instance])).toEqual([[STAFF_SLOT.toISOString(), 'instance-a']]);
  });

  test('a slot older than the grace is not caught up', async () => {
    clock.set('2026-11-25T02:31:00Z'); // 11:31 KST: 3 hours late, grace 120 minutes
    const [a] = instances(createJobs(settings), 120);
    const outcomes = await a.catchUp();
    expect(outcomes.has('staff-digest')).toBe(false);
    expect(await runsOf('staff-digest')).toHaveLength(0);
    expect(await staffDigests()).toHaveLength(0);
  });

  test('the grace is configurable: with 240 minutes the same slot is still worth sending', async () => {
    clock.set('2026-11-25T02:31:00Z');
    const [a] = instances(createJobs(settings), 240);
    expect((await a.catchUp()).get('staff-digest')?.kind).toBe('ran');
    expect(await staffDigests()).toHaveLength(2);
  });

  test('a slot that already ran is not run again on start', async () => {
    clock.set('2026-11-24T23:30:05Z');
    const [a, b] = instances(createJobs(settings));
    expect((await a.runSlot('staff-digest', clock.now())).kind).toBe('ran');
    clock.set('2026-11-25T00:00:00Z');
    expect((await b.catchUp()).get('staff-digest')?.kind).toBe('taken');
    expect(await runsOf('staff-digest')).toHaveLength(1);
  });
});

describe('one process', () => {
  test('a job still running for one slot is not started again in the same process', async () => {
    let release: () => void = () => {};
    const blocked: Job = {
      name: 'blocked',
      schedule: '* * * * *',
      description: 'b',
      run: () => new Promise((resolve) => (release = () => resolve({ ok: 1 }))),
    };
    const [a] = instances([blocked]);
    const first = a.runSlot('blocked', new Date('2026-11-24T23:40:00Z'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await a.runSlot('blocked', new Date('2026-11-24T23:41:00Z'))).kind).toBe('busy');
    release();
    expect((await first).kind).toBe('ran');
  });

  test('a failing job is recorded as failed with its error, and its slot is not run twice', async () => {
    let calls = 0;
    const failing: Job = {
      name: 'failing',
      schedule: '* * * * *',
      description: 'f',
      run: async () => {
        calls += 1;
        throw new Error('boom');
      },
    };
    const [a, b] = instances([failing]);
    const slot = new Date('2026-11-24T23:45:00Z');
    expect(await a.runSlot('failing', slot)).toMatchObject({ kind: 'failed', error: 'boom' });
    expect((await b.runSlot('failing', slot)).kind).toBe('taken');
    expect(calls).toBe(1);
    expect((await runsOf('failing'))[0]).toMatchObject({ status: 'failed', error: 'boom', instance: 'instance-a' });
  });
});

describe('a run left behind by an instance that stopped mid-way', () => {
  test('is run again by the next claim once it is clearly abandoned, and not while it may still be working', async () => {
    const [a] = instances(createJobs(settings));
    const insertRunning = (minutesAgo: number) =>
      database.db.insert(jobRuns).values({
        job: 'staff-digest',
        slot: STAFF_SLOT,
        instance: 'crashed',
        status: 'running',
        startedAt: new Date(clock.now().getTime() - minutesAgo * 60_000),
      });
    await insertRunning(5);
    expect((await a.runSlot('staff-digest', STAFF_SLOT)).kind).toBe('taken');
    await database.db.delete(jobRuns);
    await insertRunning(40);
    expect((await a.runSlot('staff-digest', STAFF_SLOT)).kind).toBe('ran');
    expect(await runsOf('staff-digest')).toMatchObject([{ status: 'done', instance: 'instance-a' }]);
    expect((await a.runSlot('staff-digest', STAFF_SLOT)).kind).toBe('taken'); // done is done
  });
});
