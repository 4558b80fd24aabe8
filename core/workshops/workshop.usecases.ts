import { randomInt } from 'node:crypto';
import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { districts, workshops, workshopSignups } from '../../db/schema/index.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
import type { CoreDeps } from '../core.deps.ts';
import { checkInCodeCandidate, placeFor, promotions, signupClosesAt } from './workshop.rules.ts';
import { tellMembers } from './workshop.notify.ts';

export type Workshop = typeof workshops.$inferSelect;
export type Signup = typeof workshopSignups.$inferSelect;
type Ctx = { tx: DbOrTx; deps: CoreDeps };
export type Staff = { memberId: number; grants: readonly RoleGrant[] };

export type NewWorkshop = {
  title: string;
  /** Null: the whole county. */
  districtCode: string | null;
  place: string;
  startsAt: Date;
  minutes: number;
  capacity: number;
  closesDaysBefore?: number | undefined;
  requiredMinutes?: number | undefined;
  contact?: string | null | undefined;
  seriesId?: number | null | undefined;
  meta?: Record<string, unknown> | undefined;
  /** pending: not announced yet, invisible to residents, until staff decide (a deadline already past). */
  status?: 'pending' | 'scheduled' | undefined;
};

export type CreateWorkshopResult =
  | { kind: 'created'; workshop: Workshop }
  | { kind: 'forbidden' }
  | { kind: 'past' }
  | { kind: 'invalid'; reason: string };

export function mayManage(grants: readonly RoleGrant[], districtCode: string | null): boolean {
  // A county-wide workshop is the county's: district staff manage only their own district's.
  return districtCode === null
    ? can(grants, 'workshop.manage', {}) && grants.some((g) => g.role === 'county_staff' || g.role === 'admin')
    : can(grants, 'workshop.manage', { districtCode });
}

/** A workshop by staff (chat) or the admin (import, creator null). The caller announces it. */
export async function createWorkshop(
  input: Ctx & { creator: Staff | null; workshop: NewWorkshop },
): Promise<CreateWorkshopResult> {
  const { tx, deps, workshop: w } = input;
  const now = deps.clock.now();
  if (input.creator && !mayManage(input.creator.grants, w.districtCode)) return { kind: 'forbidden' };
  if (!w.title.trim() || !w.place.trim()) return { kind: 'invalid', reason: 'title_or_place' };
  if (!(w.minutes > 0 && w.minutes <= 24 * 60)) return { kind: 'invalid', reason: 'minutes' };
  if (!(Number.isInteger(w.capacity) && w.capacity > 0 && w.capacity <= 10_000))
    return { kind: 'invalid', reason: 'capacity' };
  if (w.startsAt <= now) return { kind: 'past' };
  const contact = w.contact ?? (await districtOffice(tx, w.districtCode));
  const [created] = await tx
    .insert(workshops)
    .values({
      seriesId: w.seriesId ?? null,
      title: w.title.trim(),
      districtCode: w.districtCode,
      place: w.place.trim(),
      startsAt: w.startsAt,
      endsAt: new Date(w.startsAt.getTime() + w.minutes * 60_000),
      capacity: w.capacity,
      closesDaysBefore: w.closesDaysBefore ?? 3,
      requiredMinutes: w.requiredMinutes ?? w.minutes,
      checkInCode: await freshCheckInCode(tx),
      contact,
      createdBy: input.creator?.memberId ?? null,
      createdAt: now,
      updatedAt: now,
      meta: w.meta ?? null,
      status: w.status ?? 'scheduled',
    })
    .returning();
  if (!created) throw new Error('workshop insert returned nothing');
  return { kind: 'created', workshop: created };
}

/** Whom to call after sign-up closes, when the workshop names nobody: the district office (or the county office). */
async function districtOffice(tx: DbOrTx, districtCode: string | null): Promise<string> {
  if (!districtCode) return '군청 담당 부서';
  const [d] = await tx.select({ nameKo: districts.nameKo }).from(districts).where(eq(districts.code, districtCode));
  return `${d?.nameKo ?? ''}사무소`;
}

async function freshCheckInCode(tx: DbOrTx): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const code = checkInCodeCandidate(randomInt, attempt);
    const taken = await tx.$count(workshops, eq(workshops.checkInCode, code));
    if (!taken) return code;
  }
}

export type Fill = { confirmed: number; waitlisted: number };

export async function fillOf(tx: DbOrTx, workshopIds: number[]): Promise<Map<number, Fill>> {
  const fill = new Map<number, Fill>(workshopIds.map((id) => [id, { confirmed: 0, waitlisted: 0 }]));
  if (workshopIds.length === 0) return fill;
  const rows = await tx
    .select({ workshopId: workshopSignups.workshopId, status: workshopSignups.status, n: sql<number>`count(*)::int` })
    .from(workshopSignups)
    .where(inArray(workshopSignups.workshopId, workshopIds))
    .groupBy(workshopSignups.workshopId, workshopSignups.status);
  for (const r of rows) {
    const f = fill.get(r.workshopId);
    if (f && r.status !== 'cancelled') f[r.status] = Number(r.n);
  }
  return fill;
}

export type ListedWorkshop = {
  workshop: Workshop;
  fill: Fill;
  mine: Signup | null;
  waitPosition: number | null;
  closesAt: Date;
};

/** 교육: scheduled workshops not yet over, of the resident's district and county-wide, soonest first. */
export async function listUpcoming(
  input: Ctx & { memberId: number; districtCode: string; limit?: number },
): Promise<ListedWorkshop[]> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  const rows = await tx
    .select()
    .from(workshops)
    .where(
      and(
        eq(workshops.status, 'scheduled'),
        gt(workshops.endsAt, now),
        or(isNull(workshops.districtCode), eq(workshops.districtCode, input.districtCode)),
      ),
    )
    .orderBy(asc(workshops.startsAt), asc(workshops.id))
    .limit(input.limit ?? 9);
  const fill = await fillOf(
    tx,
    rows.map((w) => w.id),
  );
  const mine = rows.length
    ? await tx
        .select()
        .from(workshopSignups)
        .where(
          and(
            eq(workshopSignups.memberId, input.memberId),
            inArray(
              workshopSignups.workshopId,
              rows.map((w) => w.id),
            ),
          ),
        )
    : [];
  const listed: ListedWorkshop[] = [];
  for (const workshop of rows) {
    const signup = mine.find((s) => s.workshopId === workshop.id && s.status !== 'cancelled') ?? null;
    listed.push({
      workshop,
      fill: fill.get(workshop.id) ?? { confirmed: 0, waitlisted: 0 },
      mine: signup,
      waitPosition: signup?.status === 'waitlisted' ? await waitPosition(tx, signup) : null,
      closesAt: signupClosesAt(workshop.startsAt, workshop.closesDaysBefore, deps.timezone),
    });
  }
  return listed;
}

async function waitPosition(tx: DbOrTx, signup: Signup): Promise<number> {
  const ahead = await tx.$count(
    workshopSignups,
    and(
      eq(workshopSignups.workshopId, signup.workshopId),
      eq(workshopSignups.status, 'waitlisted'),
      or(
        sql`${workshopSignups.createdAt} < ${signup.createdAt.toISOString()}::timestamptz`,
        and(eq(workshopSignups.createdAt, signup.createdAt), sql`${workshopSignups.id} < ${signup.id}`),
      ),
    ),
  );
  return ahead + 1;
}

/** The workshop, locked for the rest of the transaction: places are counted and taken one sign-up at a time. */
async function lockWorkshop(tx: DbOrTx, id: number): Promise<Workshop | undefined> {
  const [w] = await tx.select().from(workshops).where(eq(workshops.id, id)).for('update');
  return w;
}

export type SignUpResult =
  | { kind: 'confirmed'; workshop: Workshop }
  | { kind: 'waitlisted'; workshop: Workshop; position: number }
  | { kind: 'already'; workshop: Workshop; status: 'confirmed' | 'waitlisted'; position: number | null }
  | { kind: 'closed'; workshop: Workshop; closesAt: Date }
  | { kind: 'other_district'; workshop: Workshop }
  | { kind: 'cancelled'; workshop: Workshop }
  | { kind: 'not_found' };

/** A sign-up: a place while there is one, else the end of the waitlist; refused once sign-up has closed. */
export async function signUp(
  input: Ctx & { memberId: number; districtCode: string; workshopId: number },
): Promise<SignUpResult> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  const workshop = await lockWorkshop(tx, input.workshopId);
  if (!workshop || workshop.status === 'pending') return { kind: 'not_found' };
  if (workshop.status === 'cancelled') return { kind: 'cancelled', workshop };
  if (workshop.districtCode && workshop.districtCode !== input.districtCode)
    return { kind: 'other_district', workshop };
  const [existing] = await tx
    .select()
    .from(workshopSignups)
    .where(and(eq(workshopSignups.workshopId, workshop.id), eq(workshopSignups.memberId, input.memberId)));
  if (existing && existing.status !== 'cancelled')
    return {
      kind: 'already',
      workshop,
      status: existing.status,
      position: existing.status === 'waitlisted' ? await waitPosition(tx, existing) : null,
    };
  const closesAt = signupClosesAt(workshop.startsAt, workshop.closesDaysBefore, deps.timezone);
  if (now >= closesAt) return { kind: 'closed', workshop, closesAt };
  const fill = (await fillOf(tx, [workshop.id])).get(workshop.id) ?? { confirmed: 0, waitlisted: 0 };
  const place = placeFor({ capacity: workshop.capacity, ...fill });
  const values = { status: place.status, createdAt: now, promotedAt: null, cancelledAt: null };
  if (existing) await tx.update(workshopSignups).set(values).where(eq(workshopSignups.id, existing.id));
  else await tx.insert(workshopSignups).values({ workshopId: workshop.id, memberId: input.memberId, ...values });
  return place.status === 'confirmed'
    ? { kind: 'confirmed', workshop }
    : { kind: 'waitlisted', workshop, position: place.position };
}

export type CancelSignupResult =
  | { kind: 'cancelled'; workshop: Workshop; was: 'confirmed' | 'waitlisted'; promoted: number[] }
  | { kind: 'not_signed_up'; workshop: Workshop }
  | { kind: 'started'; workshop: Workshop }
  | { kind: 'not_found' };

/** A resident's cancellation; a freed place goes to the first on the waitlist, who is told. */
export async function cancelSignup(input: Ctx & { memberId: number; workshopId: number }): Promise<CancelSignupResult> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  const workshop = await lockWorkshop(tx, input.workshopId);
  if (!workshop || workshop.status === 'pending') return { kind: 'not_found' };
  const [signup] = await tx
    .select()
    .from(workshopSignups)
    .where(and(eq(workshopSignups.workshopId, workshop.id), eq(workshopSignups.memberId, input.memberId)));
  if (!signup || signup.status === 'cancelled') return { kind: 'not_signed_up', workshop };
  if (now >= workshop.startsAt) return { kind: 'started', workshop };
  await tx
    .update(workshopSignups)
    .set({ status: 'cancelled', cancelledAt: now })
    .where(eq(workshopSignups.id, signup.id));
  const promoted = workshop.status === 'scheduled' ? await promoteWaitlisted(input, workshop) : [];
  return { kind: 'cancelled', workshop, was: signup.status, promoted };
}

/**
 * Moves the first of the waitlist into free places (after a cancellation, or a larger capacity) and tells them, even
 * after sign-up has closed: they asked in time.
 */
export async function promoteWaitlisted({ tx, deps }: Ctx, workshop: Workshop): Promise<number[]> {
  const now = deps.clock.now();
  const fill = (await fillOf(tx, [workshop.id])).get(workshop.id) ?? { confirmed: 0, waitlisted: 0 };
  const n = promotions({ capacity: workshop.capacity, ...fill });
  if (n === 0) return [];
  const first = await tx
    .select({ id: workshopSignups.id, memberId: workshopSignups.memberId })
    .from(workshopSignups)
    .where(and(eq(workshopSignups.workshopId, workshop.id), eq(workshopSignups.status, 'waitlisted')))
    .orderBy(asc(workshopSignups.createdAt), asc(workshopSignups.id))
    .limit(n);
  if (first.length === 0) return [];
  await tx
    .update(workshopSignups)
    .set({ status: 'confirmed', promotedAt: now })
    .where(
      inArray(
        workshopSignups.id,
        first.map((s) => s.id),
      ),
    );
  const memberIds = first.map((s) => s.memberId);
  await tellMembers({ tx, deps }, workshop, memberIds, { kind: 'promoted', key: `promoted:${now.toISOString()}` });
  return memberIds;
}
