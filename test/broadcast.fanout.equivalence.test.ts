import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { sendBroadcast } from '../core/broadcasts/broadcast.usecases.ts';
import { quietUntilOn } from '../core/delivery/quiet.hours.ts';
import { compareIdentities } from '../core/members/identity.order.ts';
import { createCipher, generateKey } from '../core/privacy/cipher.ts';
import type { DatabaseHandle } from '../db/db.client.ts';
import { counties, districts, identities, members, outbox, registrations, villages } from '../db/schema/index.ts';
import { createTestDatabase } from './support/test.database.ts';

/**
 * The fan-out is one SQL statement (preferred identity, quiet hours in the county's zone, batch keys); this checks it
 * against the rule it replaced — the per-resident choice made in the process, kept below as the reference — over
 * 1,600 random residents and 40 broadcasts with random windows, clocks (minute edges included) and time zones: the
 * same rows, batch keys, send times and counts.
 */
let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const hhmm = () => `${String(Math.floor(random() * 24)).padStart(2, '0')}:${pick(['00', '30', '59', '01'])}`;

test('the fan-out statement chooses, holds and batches exactly as the per-resident rule it replaced', async () => {
  const db = database.db;
  const cipher = createCipher(Buffer.from(generateKey(), 'base64'));
  await db.insert(counties).values({ code: 'c', nameKo: '군' });
  await db.insert(districts).values({ code: 'd', countyCode: 'c', nameKo: '읍', nameEn: 'Eup', kind: 'eup' });
  const villageIds = (
    await db
      .insert(villages)
      .values([1, 2, 3].map((n) => ({ districtCode: 'd', nameKo: `${n}리` })))
      .returning()
  ).map((v) => v.id);
  const base = Date.parse('2026-11-20T00:00:00Z');
  for (let n = 0; n < 1600; n++) {
    const window = random() < 0.6 ? ['21:00', '07:00'] : random() < 0.2 ? ['08:00', '08:00'] : [hhmm(), hhmm()];
    const [member] = await db
      .insert(members)
      .values({ quietStart: window[0], quietEnd: window[1], broadcastMode: random() < 0.15 ? 'digest' : 'instant' })
      .returning();
    if (!member) throw new Error('no member');
    const seen = [null, new Date(base), new Date(base + Math.floor(random() * 5) * 3_600_000)];
    const count = 1 + Math.floor(random() * 3);
    await db.insert(identities).values(
      Array.from({ length: count }, (_, i) => ({
        memberId: member.id,
        platform: pick(['line', 'line', 'line', 'line', 'discord', 'web', 'phone']),
        platformUserId: `u${member.id}-${i}`,
        reachable: random() < 0.85,
        lastSeenAt: pick(seen),
      })),
    );
    await db.insert(registrations).values({
      memberId: member.id,
      consentVersion: 't',
      consentedAt: new Date(base),
      villageId: pick(villageIds),
      status: pick(['approved', 'approved', 'approved', 'pending', 'withdrawn'] as const),
      createdAt: new Date(base),
    });
  }
  const memberIds = (await db.select({ id: members.id }).from(members)).map((m) => m.id);
  let checked = 0;
  let held = 0;
  let later = 0;
  for (let round = 0; round < 40; round++) {
    const timezone = pick(['Asia/Seoul', 'America/New_York', 'Asia/Kolkata', 'Australia/Adelaide']);
    const now = new Date(
      base + Math.floor(random() * 400 * 48) * 1_800_000 + pick([0, 17_345, 59_999, 60_000, -60_000]),
    );
    const urgent = random() < 0.25;
    const scopeVillages = random() < 0.5 ? villageIds : [pick(villageIds)];
    const sender = pick(memberIds);
    const deps = {
      db,
      cipher,
      clock: { now: () => now },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      timezone,
    };
    const expected = await reference(scopeVillages, sender, urgent, now, timezone);
    const result = await db.transaction((tx) =>
      sendBroadcast({
        tx,
        deps,
        sender: {
          memberId: sender,
          grants: [{ role: 'county_staff', villageId: null, districtCode: null }],
          label: 'x',
        },
        scope: { kind: 'villages', ids: scopeVillages },
        category: urgent ? 'urgent' : 'general',
        body: `round ${round}`,
      }),
    );
    if (result.kind !== 'sent') throw new Error(result.kind);
    const rows = await db
      .select()
      .from(outbox)
      .where(
        and(
          eq(outbox.subjectKind, 'broadcast'),
          eq(outbox.subjectId, result.broadcastId),
          eq(outbox.chatType, 'direct'),
        ),
      );
    const actual = rows
      .map((r) =>
        [
          r.dedupeKey.replace(`broadcast:${result.broadcastId}:`, ''),
          r.batchKey?.replace(`broadcast:${result.broadcastId}:`, ''),
          r.platform,
          r.chatId,
          r.memberId,
          r.nextAttemptAt.toISOString(),
          r.purpose,
        ].join('|'),
      )
      .sort();
    const want = expected.rows.sort();
    if (result.residents + result.others !== expected.residents || result.digest !== expected.digest)
      throw new Error(`counts ${JSON.stringify([result, expected.residents, expected.digest])}`);
    if (JSON.stringify(actual) !== JSON.stringify(want)) {
      const missing = want.filter((w) => !actual.includes(w)).slice(0, 3);
      const extra = actual.filter((a) => !want.includes(a)).slice(0, 3);
      throw new Error(
        `round ${round} (${timezone} ${now.toISOString()} urgent=${urgent}): rows differ\n want ${missing.join('\n      ')}\n got  ${extra.join('\n      ')}`,
      );
    }
    checked += rows.length;
    held += rows.filter((r) => r.nextAttemptAt.getTime() !== now.getTime()).length;
    later += rows.filter((r) => !r.batchKey?.endsWith(':0')).length;
  }
  // The random population must exercise what could differ: held rows, and residents past a first batch of 500.
  expect(checked).toBeGreaterThan(10_000);
  expect(held).toBeGreaterThan(1_000);
  expect(later).toBeGreaterThan(100);

  /** The previous implementation's rule, verbatim in substance: candidates into the process, chosen and keyed here. */
  async function reference(villageIds: number[], senderId: number, urgent: boolean, now: Date, timezone: string) {
    const candidates = await db
      .select({
        memberId: registrations.memberId,
        platform: identities.platform,
        platformUserId: identities.platformUserId,
        lastSeenAt: identities.lastSeenAt,
        identityId: identities.id,
        rank: identities.rank,
        quietStart: members.quietStart,
        quietEnd: members.quietEnd,
        mode: members.broadcastMode,
      })
      .from(registrations)
      .innerJoin(members, eq(members.id, registrations.memberId))
      .innerJoin(identities, and(eq(identities.memberId, registrations.memberId), eq(identities.reachable, true)))
      .where(and(inArray(registrations.villageId, villageIds), eq(registrations.status, 'approved')));
    const preferred = new Map<number, (typeof candidates)[number]>();
    const digest = new Set<number>();
    for (const c of candidates) {
      if (c.memberId === senderId) continue;
      if (c.mode === 'digest' && !urgent) {
        digest.add(c.memberId);
        continue;
      }
      const best = preferred.get(c.memberId);
      const ranked = (x: typeof c) => ({
        id: x.identityId,
        platform: x.platform,
        rank: x.rank,
        lastSeenAt: x.lastSeenAt,
      });
      if (!best || compareIdentities(ranked(c), ranked(best)) < 0) preferred.set(c.memberId, c);
    }
    const groups = new Map<string, number>();
    const rows = [...preferred.values()]
      .sort((a, b) => a.memberId - b.memberId)
      .map((p) => {
        const held = quietUntilOn(p.platform, {
          now,
          window: { start: p.quietStart, end: p.quietEnd },
          timeZone: timezone,
          urgent,
        });
        const group = `${p.platform}:${held?.toISOString() ?? 'now'}`;
        const position = groups.get(group) ?? 0;
        groups.set(group, position + 1);
        return [
          `member:${p.memberId}`,
          `${group}:${Math.floor(position / 500)}`,
          p.platform,
          p.platformUserId,
          p.memberId,
          (held ?? now).toISOString(),
          'broadcast',
        ].join('|');
      });
    return { rows, residents: rows.length, digest: digest.size };
  }
}, 120_000);
