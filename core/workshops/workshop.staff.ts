import { and, asc, eq, gt, inArray, isNull, like, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { outbox, registrations, workshops, workshopSignups } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { tellMembers } from './workshop.notify.ts';
import { fillOf, mayManage, type Fill, type Staff, type Workshop } from './workshop.usecases.ts';

type Ctx = { tx: DbOrTx; deps: CoreDeps };
type Found = { kind: 'not_found' } | { kind: 'forbidden'; workshop: Workshop };

/** A workshop the staff member may manage, locked for the transaction. */
async function managed(tx: DbOrTx, staff: Staff, workshopId: number): Promise<Workshop | Found> {
  const [w] = await tx.select().from(workshops).where(eq(workshops.id, workshopId)).for('update');
  // A pending workshop is its creator's to settle (workshop.create.dialog.ts), not yet one to manage.
  if (!w || w.status === 'pending') return { kind: 'not_found' };
  if (!mayManage(staff.grants, w.districtCode)) return { kind: 'forbidden', workshop: w };
  return w;
}

const isFound = (x: Workshop | Found): x is Found => 'kind' in x;

export type RescheduleResult =
  | { kind: 'rescheduled'; workshop: Workshop; previousStartsAt: Date; told: number }
  | { kind: 'cancelled' }
  | { kind: 'past' }
  | { kind: 'same' }
  | Found;

/**
 * 교육 변경: a new start (same length); the version goes up, so reminders follow the new time and any reminder still
 * waiting in the outbox for the old time is withdrawn. Everyone signed up is told.
 */
export async function rescheduleWorkshop(
  input: Ctx & { staff: Staff; workshopId: number; startsAt: Date },
): Promise<RescheduleResult> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  const found = await managed(tx, input.staff, input.workshopId);
  if (isFound(found)) return found;
  if (found.status === 'cancelled') return { kind: 'cancelled' };
  if (input.startsAt <= now) return { kind: 'past' };
  if (input.startsAt.getTime() === found.startsAt.getTime()) return { kind: 'same' };
  const length = found.endsAt.getTime() - found.startsAt.getTime();
  const [updated] = await tx
    .update(workshops)
    .set({
      startsAt: input.startsAt,
      endsAt: new Date(input.startsAt.getTime() + length),
      version: found.version + 1,
      updatedAt: now,
      // Moved ahead again (after it had ended): its minutes are credited anew.
      completedAt: null,
    })
    .where(eq(workshops.id, found.id))
    .returning();
  if (!updated) throw new Error('workshop update returned nothing');
  await withdrawQueuedReminders(tx, found);
  const told = await tellMembers({ tx, deps }, updated, await signedUp(tx, found.id), {
    kind: 'rescheduled',
    key: `rescheduled:v${updated.version}`,
    previousStartsAt: found.startsAt,
  });
  return { kind: 'rescheduled', workshop: updated, previousStartsAt: found.startsAt, told };
}

/** Reminders of an older version not yet handed to a platform (e.g. held for quiet hours) are never sent. */
async function withdrawQueuedReminders(tx: DbOrTx, w: Workshop): Promise<void> {
  await tx
    .delete(outbox)
    .where(
      and(
        like(outbox.dedupeKey, `workshop:${w.id}:v${w.version}:%`),
        eq(outbox.status, 'queued'),
        isNull(outbox.leaseUntil),
      ),
    );
}

async function signedUp(tx: DbOrTx, workshopId: number): Promise<number[]> {
  const rows = await tx
    .select({ memberId: workshopSignups.memberId })
    .from(workshopSignups)
    .where(
      and(eq(workshopSignups.workshopId, workshopId), inArray(workshopSignups.status, ['confirmed', 'waitlisted'])),
    );
  return rows.map((r) => r.memberId);
}

export type CancelWorkshopResult =
  { kind: 'cancelled'; workshop: Workshop; told: number } | { kind: 'already' } | Found;

/** 교육 취소: everyone signed up (confirmed and waitlisted) is told; reminders stop (only scheduled ones get them). */
export async function cancelWorkshop(input: Ctx & { staff: Staff; workshopId: number }): Promise<CancelWorkshopResult> {
  const { tx, deps } = input;
  const found = await managed(tx, input.staff, input.workshopId);
  if (isFound(found)) return found;
  if (found.status === 'cancelled') return { kind: 'already' };
  const [updated] = await tx
    .update(workshops)
    .set({ status: 'cancelled', updatedAt: deps.clock.now() })
    .where(eq(workshops.id, found.id))
    .returning();
  if (!updated) throw new Error('workshop update returned nothing');
  await withdrawQueuedReminders(tx, found);
  const told = await tellMembers({ tx, deps }, updated, await signedUp(tx, found.id), { kind: 'cancelled' });
  return { kind: 'cancelled', workshop: updated, told };
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
    .where(
      and(eq(workshopSignups.workshopId, workshopId), inArray(workshopSignups.status, ['confirmed', 'waitlisted'])),
    )
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

export type StatusResult =
  | { kind: 'one'; workshop: Workshop; fill: Fill; attendees: Attendee[] }
  | { kind: 'all'; items: { workshop: Workshop; fill: Fill }[] }
  | { kind: 'none_managed' }
  | Found;

/** 교육 현황 [N]: counts of the staff member's upcoming workshops, or one workshop's list (names: staff see them). */
export async function workshopStatus(
  input: Ctx & { staff: Staff; workshopId?: number | undefined },
): Promise<StatusResult> {
  const { tx, deps } = input;
  if (input.workshopId !== undefined) {
    const found = await managed(tx, input.staff, input.workshopId);
    if (isFound(found)) return found;
    const fill = (await fillOf(tx, [found.id])).get(found.id) ?? { confirmed: 0, waitlisted: 0 };
    return { kind: 'one', workshop: found, fill, attendees: await attendeesOf(tx, found.id) };
  }
  const upcoming = await tx
    .select()
    .from(workshops)
    .where(and(gt(workshops.endsAt, deps.clock.now()), eq(workshops.status, 'scheduled')))
    .orderBy(asc(workshops.startsAt), asc(workshops.id));
  const mine = upcoming.filter((w) => mayManage(input.staff.grants, w.districtCode));
  if (mine.length === 0 && !input.staff.grants.some((g) => g.role !== 'village_head')) return { kind: 'none_managed' };
  const fill = await fillOf(
    tx,
    mine.map((w) => w.id),
  );
  return {
    kind: 'all',
    items: mine
      .slice(0, 20)
      .map((workshop) => ({ workshop, fill: fill.get(workshop.id) ?? { confirmed: 0, waitlisted: 0 } })),
  };
}

export type PendingDecision = 'open_until_start' | 'no_signup' | 'discard';
export type SettleResult = { kind: 'scheduled'; workshop: Workshop } | { kind: 'discarded' } | { kind: 'gone' };

/**
 * The creator's choice for a workshop made with its sign-up deadline already past: sign-up open until the start
 * (then announced by the caller), made as it is without sign-up (not announced), or not made at all (deleted: it
 * was never shown to anyone). Only a pending workshop of theirs; anything else is gone.
 */
export async function settlePendingWorkshop(
  input: Ctx & { creatorId: number; workshopId: number; decision: PendingDecision },
): Promise<SettleResult> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  const [w] = await tx
    .select()
    .from(workshops)
    .where(and(eq(workshops.id, input.workshopId), eq(workshops.createdBy, input.creatorId)))
    .for('update');
  if (!w || w.status !== 'pending') return { kind: 'gone' };
  if (input.decision === 'discard') {
    await tx.delete(workshops).where(eq(workshops.id, w.id));
    return { kind: 'discarded' };
  }
  if (w.startsAt <= now) return { kind: 'gone' };
  const [updated] = await tx
    .update(workshops)
    .set({
      status: 'scheduled',
      updatedAt: now,
      ...(input.decision === 'open_until_start' ? { closesDaysBefore: 0 } : {}),
    })
    .where(eq(workshops.id, w.id))
    .returning();
  if (!updated) throw new Error('workshop update returned nothing');
  return { kind: 'scheduled', workshop: updated };
}
