import { and, asc, eq, gt, gte, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { districts, registrations, villages, workshops, workshopSignups } from '../../db/schema/index.ts';
import type { DigestScope } from '../digests/digest.sections.ts';
import { workshopScopeFilter } from './workshop.repository.ts';

/** Every query of the workshops feature about sign-ups: places, the waitlist, who comes. */
export type Signup = typeof workshopSignups.$inferSelect;
type SignupChange = Partial<Omit<typeof workshopSignups.$inferInsert, 'id' | 'workshopId' | 'memberId'>>;
export type Fill = { confirmed: number; waitlisted: number };

const holding = inArray(workshopSignups.status, ['confirmed', 'waitlisted']);

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

export async function fillOfOne(tx: DbOrTx, workshopId: number): Promise<Fill> {
  return (await fillOf(tx, [workshopId])).get(workshopId) ?? { confirmed: 0, waitlisted: 0 };
}

export async function signupsOfMember(tx: DbOrTx, memberId: number, workshopIds: number[]): Promise<Signup[]> {
  if (workshopIds.length === 0) return [];
  return tx
    .select()
    .from(workshopSignups)
    .where(and(eq(workshopSignups.memberId, memberId), inArray(workshopSignups.workshopId, workshopIds)));
}

export async function findSignup(tx: DbOrTx, workshopId: number, memberId: number): Promise<Signup | undefined> {
  const [signup] = await tx
    .select()
    .from(workshopSignups)
    .where(and(eq(workshopSignups.workshopId, workshopId), eq(workshopSignups.memberId, memberId)));
  return signup;
}

/** 1 for the first on the waitlist: those who asked earlier (ties by id) are ahead. */
export async function waitPosition(tx: DbOrTx, signup: Signup): Promise<number> {
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

export async function insertSignup(tx: DbOrTx, values: typeof workshopSignups.$inferInsert): Promise<void> {
  await tx.insert(workshopSignups).values(values);
}

export async function updateSignups(tx: DbOrTx, ids: number[], change: SignupChange): Promise<void> {
  if (ids.length === 0) return;
  await tx.update(workshopSignups).set(change).where(inArray(workshopSignups.id, ids));
}

/** The first `n` of the waitlist, in the order they asked. */
export async function firstWaitlisted(
  tx: DbOrTx,
  workshopId: number,
  n: number,
): Promise<{ id: number; memberId: number }[]> {
  return tx
    .select({ id: workshopSignups.id, memberId: workshopSignups.memberId })
    .from(workshopSignups)
    .where(and(eq(workshopSignups.workshopId, workshopId), eq(workshopSignups.status, 'waitlisted')))
    .orderBy(asc(workshopSignups.createdAt), asc(workshopSignups.id))
    .limit(n);
}

/** Everyone holding a place or a waitlist position. */
export async function signedUpMembers(tx: DbOrTx, workshopId: number): Promise<number[]> {
  const rows = await tx
    .select({ memberId: workshopSignups.memberId })
    .from(workshopSignups)
    .where(and(eq(workshopSignups.workshopId, workshopId), holding));
  return rows.map((r) => r.memberId);
}

export async function confirmedMembers(tx: DbOrTx, workshopId: number): Promise<number[]> {
  const rows = await tx
    .select({ memberId: workshopSignups.memberId })
    .from(workshopSignups)
    .where(and(eq(workshopSignups.workshopId, workshopId), eq(workshopSignups.status, 'confirmed')));
  return rows.map((r) => r.memberId);
}

/** Confirmed sign-ups who have said 출석 or were marked. */
export async function presentSignups(tx: DbOrTx, workshopId: number): Promise<Signup[]> {
  return tx
    .select()
    .from(workshopSignups)
    .where(
      and(
        eq(workshopSignups.workshopId, workshopId),
        eq(workshopSignups.status, 'confirmed'),
        isNotNull(workshopSignups.attendedAt),
      ),
    );
}

export type Attendee = {
  signupId: number;
  memberId: number;
  name: string;
  status: 'confirmed' | 'waitlisted';
  attendedAt: Date | null;
  attendedMinutes: number;
  markedBy: number | null;
};

/** Who signed up, in order (confirmed first, then the waitlist): the numbers staff use in 출석 확인. */
export async function attendeesOf(tx: DbOrTx, workshopId: number): Promise<Attendee[]> {
  const rows = await tx
    .select({
      signupId: workshopSignups.id,
      memberId: workshopSignups.memberId,
      name: registrations.realName,
      status: workshopSignups.status,
      attendedAt: workshopSignups.attendedAt,
      attendedMinutes: workshopSignups.attendedMinutes,
      markedBy: workshopSignups.markedBy,
    })
    .from(workshopSignups)
    .leftJoin(
      registrations,
      and(eq(registrations.memberId, workshopSignups.memberId), inArray(registrations.status, ['approved', 'pending'])),
    )
    .where(and(eq(workshopSignups.workshopId, workshopId), holding))
    .orderBy(
      sql`case when ${workshopSignups.status} = 'confirmed' then 0 else 1 end`,
      asc(workshopSignups.createdAt),
      asc(workshopSignups.id),
    );
  return rows.map((r) => ({
    ...r,
    name: r.name ?? '(탈퇴)',
    status: r.status === 'confirmed' ? 'confirmed' : 'waitlisted',
  }));
}

/** A person's places and waitlist positions in workshops that have not started. */
export async function heldSeatsOf(
  tx: DbOrTx,
  memberId: number,
  now: Date,
): Promise<{ signupId: number; workshopId: number }[]> {
  return tx
    .select({ signupId: workshopSignups.id, workshopId: workshopSignups.workshopId })
    .from(workshopSignups)
    .innerJoin(workshops, eq(workshops.id, workshopSignups.workshopId))
    .where(and(eq(workshopSignups.memberId, memberId), holding, gt(workshops.startsAt, now)))
    .orderBy(asc(workshopSignups.workshopId));
}

/** Every sign-up of a workshop, cancelled ones last, with where the person lives (the export). */
export async function signupRows(tx: DbOrTx, workshopId: number) {
  return tx
    .select({
      status: workshopSignups.status,
      name: registrations.realName,
      district: districts.nameKo,
      village: villages.nameKo,
      createdAt: workshopSignups.createdAt,
      promotedAt: workshopSignups.promotedAt,
      cancelledAt: workshopSignups.cancelledAt,
      attendedAt: workshopSignups.attendedAt,
      attendedMinutes: workshopSignups.attendedMinutes,
    })
    .from(workshopSignups)
    .leftJoin(
      registrations,
      and(eq(registrations.memberId, workshopSignups.memberId), inArray(registrations.status, ['approved', 'pending'])),
    )
    .leftJoin(villages, eq(villages.id, registrations.villageId))
    .leftJoin(districts, eq(districts.code, villages.districtCode))
    .where(eq(workshopSignups.workshopId, workshopId))
    .orderBy(
      sql`case ${workshopSignups.status} when 'confirmed' then 0 when 'waitlisted' then 1 else 2 end`,
      asc(workshopSignups.createdAt),
      asc(workshopSignups.id),
    );
}

/** Sign-ups (places and waitlist) made in the period, in the scope's workshops. */
export async function countNewSignups(
  tx: DbOrTx,
  input: { scope: DigestScope; since: Date; until: Date },
): Promise<number> {
  const [fresh] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(workshopSignups)
    .innerJoin(workshops, eq(workshops.id, workshopSignups.workshopId))
    .where(
      and(
        holding,
        gte(workshopSignups.createdAt, input.since),
        lt(workshopSignups.createdAt, input.until),
        workshopScopeFilter(input.scope),
      ),
    );
  return Number(fresh?.n ?? 0);
}
