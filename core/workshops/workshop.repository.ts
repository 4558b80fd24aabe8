import { and, asc, eq, gt, inArray, isNull, lt, lte, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { counties, districts, roles, villages, workshops, workshopSeries } from '../../db/schema/index.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import { withdrawQueued } from '../delivery/delivery.subject.ts';
import type { DigestScope } from '../digests/digest.sections.ts';

/**
 * Every query of the workshops feature about workshops themselves, their series and the places and people that
 * announce them. Sign-ups are in workshop.signup.repository.ts, check-in and certificates in
 * workshop.certificate.repository.ts.
 */
export type Workshop = typeof workshops.$inferSelect;
type NewWorkshopRow = typeof workshops.$inferInsert;
type WorkshopChange = Partial<Omit<NewWorkshopRow, 'id' | 'createdAt'>>;

export async function insertWorkshop(tx: DbOrTx, values: NewWorkshopRow): Promise<Workshop> {
  const [created] = await tx.insert(workshops).values(values).returning();
  if (!created) throw new Error('workshop insert returned nothing');
  return created;
}

export async function updateWorkshop(tx: DbOrTx, id: number, change: WorkshopChange): Promise<Workshop> {
  const [updated] = await tx.update(workshops).set(change).where(eq(workshops.id, id)).returning();
  if (!updated) throw new Error('workshop update returned nothing');
  return updated;
}

export async function deleteWorkshop(tx: DbOrTx, id: number): Promise<void> {
  await tx.delete(workshops).where(eq(workshops.id, id));
}

export async function checkInCodeTaken(tx: DbOrTx, code: string): Promise<boolean> {
  return (await tx.$count(workshops, eq(workshops.checkInCode, code))) > 0;
}

export async function findWorkshop(tx: DbOrTx, id: number): Promise<Workshop | undefined> {
  const [w] = await tx.select().from(workshops).where(eq(workshops.id, id));
  return w;
}

/** The workshop, locked for the rest of the transaction: places are counted and taken one sign-up at a time. */
export async function lockWorkshop(tx: DbOrTx, id: number): Promise<Workshop | undefined> {
  const [w] = await tx.select().from(workshops).where(eq(workshops.id, id)).for('update');
  return w;
}

/** Locked only while not completed: the completion job looks at each begun workshop once per run. */
export async function lockUncompleted(tx: DbOrTx, id: number): Promise<Workshop | undefined> {
  const [w] = await tx
    .select()
    .from(workshops)
    .where(and(eq(workshops.id, id), isNull(workshops.completedAt)))
    .for('update');
  return w;
}

export async function lockCreatedBy(tx: DbOrTx, id: number, creatorId: number): Promise<Workshop | undefined> {
  const [w] = await tx
    .select()
    .from(workshops)
    .where(and(eq(workshops.id, id), eq(workshops.createdBy, creatorId)))
    .for('update');
  return w;
}

/** Several workshops locked in id order, as every sign-up path locks one, so that no two paths deadlock. */
export async function lockWorkshops(tx: DbOrTx, ids: number[]): Promise<Workshop[]> {
  if (ids.length === 0) return [];
  return tx.select().from(workshops).where(inArray(workshops.id, ids)).orderBy(asc(workshops.id)).for('update');
}

/** Scheduled and not over, of the district and county-wide, soonest first. */
export async function listOpenFor(
  tx: DbOrTx,
  input: { now: Date; districtCode: string; limit: number },
): Promise<Workshop[]> {
  return tx
    .select()
    .from(workshops)
    .where(
      and(
        eq(workshops.status, 'scheduled'),
        gt(workshops.endsAt, input.now),
        or(isNull(workshops.districtCode), eq(workshops.districtCode, input.districtCode)),
      ),
    )
    .orderBy(asc(workshops.startsAt), asc(workshops.id))
    .limit(input.limit);
}

/** Every scheduled workshop not over yet, soonest first. */
export async function listNotOver(tx: DbOrTx, now: Date): Promise<Workshop[]> {
  return tx
    .select()
    .from(workshops)
    .where(and(gt(workshops.endsAt, now), eq(workshops.status, 'scheduled')))
    .orderBy(asc(workshops.startsAt), asc(workshops.id));
}

/** Scheduled workshops starting after `from` and before `until`. */
export async function listStartingBetween(tx: DbOrTx, from: Date, until: Date): Promise<Workshop[]> {
  return tx
    .select()
    .from(workshops)
    .where(and(eq(workshops.status, 'scheduled'), gt(workshops.startsAt, from), lte(workshops.startsAt, until)));
}

export async function listBegunUncompleted(tx: DbOrTx, now: Date): Promise<number[]> {
  const rows = await tx
    .select({ id: workshops.id })
    .from(workshops)
    .where(and(eq(workshops.status, 'scheduled'), isNull(workshops.completedAt), lte(workshops.startsAt, now)))
    .orderBy(asc(workshops.startsAt), asc(workshops.id));
  return rows.map((r) => r.id);
}

/** Pending workshops whose start has come, deleted; how many. */
export async function deleteStartedPending(tx: DbOrTx, now: Date): Promise<number> {
  const dropped = await tx
    .delete(workshops)
    .where(and(eq(workshops.status, 'pending'), lte(workshops.startsAt, now)))
    .returning({ id: workshops.id });
  return dropped.length;
}

/** Reminders of this version not yet handed to a platform (e.g. held for quiet hours) are deleted. */
export async function deleteQueuedReminders(tx: DbOrTx, w: Workshop): Promise<void> {
  await withdrawQueued({ tx, subject: { kind: 'workshop', id: w.id, version: w.version } });
}

export async function sameWorkshopExists(
  tx: DbOrTx,
  w: { title: string; districtCode: string | null; startsAt: Date },
): Promise<boolean> {
  const same = await tx.$count(
    workshops,
    and(
      eq(workshops.title, w.title),
      w.districtCode ? eq(workshops.districtCode, w.districtCode) : isNull(workshops.districtCode),
      eq(workshops.startsAt, w.startsAt),
    ),
  );
  return same > 0;
}

/** A district's room sees its district's workshops; HQ sees all (county-wide ones included). */
export function workshopScopeFilter(scope: DigestScope): SQL | undefined {
  return scope.kind === 'county' ? undefined : eq(workshops.districtCode, scope.districtCode);
}

export async function listScheduledInScope(
  tx: DbOrTx,
  input: { scope: DigestScope; after: Date; before: Date },
): Promise<Workshop[]> {
  return tx
    .select()
    .from(workshops)
    .where(
      and(
        eq(workshops.status, 'scheduled'),
        gt(workshops.startsAt, input.after),
        lt(workshops.startsAt, input.before),
        workshopScopeFilter(input.scope),
      ),
    )
    .orderBy(asc(workshops.startsAt), asc(workshops.id));
}

export type Series = typeof workshopSeries.$inferSelect;

export async function findSeries(tx: DbOrTx, id: number): Promise<Series | undefined> {
  const [series] = await tx.select().from(workshopSeries).where(eq(workshopSeries.id, id));
  return series;
}

/** A series by its title and district, made when it is not there yet. */
export async function seriesFor(
  tx: DbOrTx,
  input: { title: string; districtCode: string | null; requiredMinutes: number; now: Date },
): Promise<number> {
  const where = and(
    eq(workshopSeries.title, input.title),
    input.districtCode ? eq(workshopSeries.districtCode, input.districtCode) : isNull(workshopSeries.districtCode),
  );
  const [found] = await tx.select({ id: workshopSeries.id }).from(workshopSeries).where(where);
  if (found) return found.id;
  const [made] = await tx
    .insert(workshopSeries)
    .values({
      title: input.title,
      districtCode: input.districtCode,
      requiredMinutes: input.requiredMinutes,
      createdAt: input.now,
    })
    .returning({ id: workshopSeries.id });
  if (!made) throw new Error('series insert returned nothing');
  return made.id;
}

export async function listDistricts(tx: DbOrTx): Promise<{ code: string; nameKo: string }[]> {
  return tx.select({ code: districts.code, nameKo: districts.nameKo }).from(districts).orderBy(asc(districts.position));
}

export async function districtName(tx: DbOrTx, code: string): Promise<string | undefined> {
  const [d] = await tx.select({ nameKo: districts.nameKo }).from(districts).where(eq(districts.code, code));
  return d?.nameKo;
}

export async function county(tx: DbOrTx): Promise<{ code: string; nameKo: string } | undefined> {
  const [c] = await tx.select({ code: counties.code, nameKo: counties.nameKo }).from(counties).limit(1);
  return c;
}

/** The village heads of a district (or of the county), with their village. */
export async function villageHeadsOf(
  tx: DbOrTx,
  districtCode: string | null,
): Promise<{ memberId: number; village: string }[]> {
  return tx
    .selectDistinct({ memberId: roles.memberId, village: villages.nameKo })
    .from(roles)
    .innerJoin(villages, eq(villages.id, roles.villageId))
    .where(and(eq(roles.role, 'village_head'), districtCode ? eq(villages.districtCode, districtCode) : undefined));
}

/** The county's first county staff member (or admin), who sends what the admin imports. */
export async function firstCountyStaff(tx: DbOrTx): Promise<{ memberId: number; grants: RoleGrant[] } | undefined> {
  const [staff] = await tx
    .select({ memberId: roles.memberId, role: roles.role })
    .from(roles)
    .where(inArray(roles.role, ['county_staff', 'admin']))
    .orderBy(roles.id)
    .limit(1);
  return staff && { memberId: staff.memberId, grants: [{ role: staff.role, villageId: null, districtCode: null }] };
}
