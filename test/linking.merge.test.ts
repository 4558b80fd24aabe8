import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { enqueueToMember } from '../core/delivery/outbox.write.ts';
import { mergeMembers } from '../core/linking/linking.merge.ts';
import type { DatabaseHandle } from '../db/db.client.ts';
import {
  checkInAttempts,
  districts,
  feedbackItems,
  identities,
  linkCodes,
  members,
  outbox,
  phoneConsents,
  roles,
  villages,
  workshopSignups,
  workshops,
} from '../db/schema/index.ts';
import { createTestClock } from './support/test.clock.ts';
import { createTestDatabase } from './support/test.database.ts';
import { testCipher } from './support/test.keys.ts';

/**
 * The merge itself, on the real database, for the columns that cannot simply be moved: a role or a sign-up both
 * members hold (kept once), the wrong check-in codes of one day (added up), and the deliveries (delivery's own
 * columns). The flows over the simulator and LINE are in linking.flow.test.ts.
 */
let database: DatabaseHandle;
const clock = createTestClock('2026-11-24T01:00:00Z');
const now = clock.now();

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

test('two members become one: everything the absorbed one held is the kept one’s, once', async () => {
  const { db } = database;
  const [village] = await db.select().from(villages).orderBy(asc(villages.id)).limit(1);
  const [district] = await db.select().from(districts).orderBy(asc(districts.code)).limit(1);
  if (!village || !district) throw new Error('the template has no places');
  const [keep, absorb] = await db
    .insert(members)
    .values([{ quietStart: '22:00', quietEnd: '06:00' }, {}])
    .returning({ id: members.id });
  if (!keep || !absorb) throw new Error('no members');
  const [keptIdentity, joining] = await db
    .insert(identities)
    .values([
      { memberId: keep.id, platform: 'websim', platformUserId: 'merge-keep', rank: 1 },
      { memberId: absorb.id, platform: 'line', platformUserId: 'Umerge-absorb', rank: 1 },
    ])
    .returning();
  await db.insert(roles).values([
    { memberId: keep.id, role: 'village_head', villageId: village.id },
    { memberId: absorb.id, role: 'village_head', villageId: village.id },
    { memberId: absorb.id, role: 'district_staff', districtCode: district.code },
  ]);
  const workshop = (id: string) => ({
    title: `연결 ${id}`,
    place: '주민자치센터',
    startsAt: new Date('2026-12-20T01:00:00Z'),
    endsAt: new Date('2026-12-20T03:00:00Z'),
    capacity: 10,
    requiredMinutes: 60,
    checkInCode: `m${id}`,
    createdAt: now,
    updatedAt: now,
  });
  const [both, onlyAbsorbed] = await db
    .insert(workshops)
    .values([workshop('1'), workshop('2')])
    .returning();
  if (!both || !onlyAbsorbed) throw new Error('no workshops');
  await db.insert(workshopSignups).values([
    { workshopId: both.id, memberId: keep.id, status: 'waitlisted', createdAt: new Date('2026-11-23T00:00:00Z') },
    { workshopId: both.id, memberId: absorb.id, status: 'confirmed', createdAt: new Date('2026-11-22T00:00:00Z') },
    { workshopId: onlyAbsorbed.id, memberId: absorb.id, status: 'confirmed', createdAt: now },
  ]);
  await db.insert(checkInAttempts).values([
    { memberId: keep.id, day: '2026-11-24', wrong: 2, lastAt: now },
    { memberId: absorb.id, day: '2026-11-24', wrong: 3, lastAt: now },
    { memberId: absorb.id, day: '2026-11-23', wrong: 1, lastAt: now },
  ]);
  await db.insert(feedbackItems).values({
    receiptNo: '2026-990001',
    memberId: absorb.id,
    platform: 'line',
    platformUserId: 'Umerge-absorb',
    districtCode: district.code,
    createdAt: now,
    dueAt: now,
    updatedAt: now,
  });
  await db.insert(linkCodes).values({
    memberId: absorb.id,
    identityId: joining?.id ?? -1,
    codeHash: 'merge-test-hash',
    createdAt: now,
    expiresAt: now,
  });
  await db.insert(phoneConsents).values([
    { memberId: keep.id, mode: 'sms', source: 'registration', consentedAt: now, updatedAt: now },
    { memberId: absorb.id, mode: 'voice', source: 'settings', consentedAt: now, updatedAt: now },
  ]);
  const deps = { cipher: testCipher(), clock, timezone: 'Asia/Seoul' };
  await enqueueToMember(db, deps, {
    memberId: absorb.id,
    aboutMemberId: absorb.id,
    dedupeKey: 'merge-test:1',
    purpose: 'report.staff',
    messages: [{ text: '연결 시험' }],
  });

  await db.transaction((tx) => mergeMembers(tx, absorb.id, keep.id));

  expect(await db.select().from(members).where(eq(members.id, absorb.id))).toEqual([]);
  const [kept] = await db.select().from(members).where(eq(members.id, keep.id));
  expect(kept).toMatchObject({ quietStart: '22:00', quietEnd: '06:00' });
  const own = await db.select().from(identities).where(eq(identities.memberId, keep.id)).orderBy(asc(identities.id));
  expect(own.map((i) => [i.id, i.rank])).toEqual([
    [keptIdentity?.id, 1],
    [joining?.id, null],
  ]);
  const held = await db.select().from(roles).where(eq(roles.memberId, keep.id));
  expect(held.map((r) => r.role).sort()).toEqual(['district_staff', 'village_head']);
  const signups = await db.select().from(workshopSignups).where(eq(workshopSignups.memberId, keep.id));
  expect(signups.map((s) => [s.workshopId, s.status]).sort()).toEqual(
    [
      [both.id, 'confirmed'],
      [onlyAbsorbed.id, 'confirmed'],
    ].sort(),
  );
  const attempts = await db
    .select({ day: checkInAttempts.day, wrong: checkInAttempts.wrong })
    .from(checkInAttempts)
    .where(eq(checkInAttempts.memberId, keep.id))
    .orderBy(asc(checkInAttempts.day));
  expect(attempts).toEqual([
    { day: '2026-11-23', wrong: 1 },
    { day: '2026-11-24', wrong: 5 },
  ]);
  const [item] = await db.select().from(feedbackItems).where(eq(feedbackItems.receiptNo, '2026-990001'));
  expect(item?.memberId).toBe(keep.id);
  expect(await db.select().from(linkCodes).where(eq(linkCodes.codeHash, 'merge-test-hash'))).toEqual([]);
  // A table keyed by the member alone (no id column): the kept member's row stays, the other goes.
  expect(await db.select({ memberId: phoneConsents.memberId, mode: phoneConsents.mode }).from(phoneConsents)).toEqual([
    { memberId: keep.id, mode: 'sms' },
  ]);
  const [delivery] = await db.select().from(outbox).where(eq(outbox.dedupeKey, 'merge-test:1'));
  expect(delivery).toMatchObject({ memberId: keep.id, aboutMemberId: keep.id, platform: 'line' });
  expect(
    await db
      .select()
      .from(roles)
      .where(and(eq(roles.memberId, absorb.id))),
  ).toEqual([]);
});
