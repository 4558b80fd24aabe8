import type { DbOrTx } from '../../db/db.client.ts';
import type { AuditVia } from '../../db/schema/audit.schema.ts';
import { recordAudit } from '../audit/audit.usecases.ts';
import type { CoreDeps } from '../core.deps.ts';
import { tellMembers } from './workshop.notify.ts';
import * as repo from './workshop.repository.ts';
import type { Workshop } from './workshop.repository.ts';
import { mayManage } from './workshop.rules.ts';
import {
  attendeesOf,
  fillOf,
  fillOfOne,
  signedUpMembers,
  type Attendee,
  type Fill,
} from './workshop.signup.repository.ts';
import { promoteWaitlisted } from './workshop.signup.usecases.ts';
import type { Staff } from './workshop.usecases.ts';

/**
 * What staff do with a workshop once it is made: move it, cancel it, look at who comes. Each usecase takes one
 * object and returns a named result; everyone signed up is told of a move or a cancellation here, in the caller's
 * transaction, and counted in the result (`told`), whoever calls.
 */
export type { Attendee };
/** `via`: where staff did it, for the audit log (기록). */
type Ctx = { tx: DbOrTx; deps: CoreDeps; via?: AuditVia | undefined };
type Found = { kind: 'not_found' } | { kind: 'forbidden'; workshop: Workshop };

/** The audit log's line for a staff action on a workshop, when the caller says where it came from. */
async function audit(
  input: Ctx & { staff: Staff },
  action: 'workshop.edit' | 'workshop.cancel',
  w: Workshop,
): Promise<void> {
  if (!input.via) return;
  await recordAudit(input, {
    actorMemberId: input.staff.memberId,
    action,
    subject: `workshop:${w.id}`,
    scope: { districtCode: w.districtCode },
    via: input.via,
  });
}

/** A workshop the staff member may manage, locked for the transaction. */
async function managedWorkshop(input: {
  tx: DbOrTx;
  staff: Staff;
  workshopId: number;
}): Promise<{ kind: 'found'; workshop: Workshop } | Found> {
  const w = await repo.lockWorkshop(input.tx, input.workshopId);
  // A pending workshop is its creator's to settle (workshop.create.usecases.ts), not yet one to manage.
  if (!w || w.status === 'pending') return { kind: 'not_found' };
  if (!mayManage(input.staff.grants, w.districtCode)) return { kind: 'forbidden', workshop: w };
  return { kind: 'found', workshop: w };
}

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
  const found = await managedWorkshop(input);
  if (found.kind !== 'found') return found;
  const w = found.workshop;
  if (w.status === 'cancelled') return { kind: 'cancelled' };
  if (input.startsAt <= now) return { kind: 'past' };
  if (input.startsAt.getTime() === w.startsAt.getTime()) return { kind: 'same' };
  const length = w.endsAt.getTime() - w.startsAt.getTime();
  const updated = await repo.updateWorkshop(tx, w.id, {
    startsAt: input.startsAt,
    endsAt: new Date(input.startsAt.getTime() + length),
    version: w.version + 1,
    updatedAt: now,
    // Moved ahead again (after it had ended): its minutes are credited anew.
    completedAt: null,
  });
  // Reminders of the old version not yet handed to a platform (e.g. held for quiet hours) are never sent.
  await repo.deleteQueuedReminders(tx, w);
  await audit(input, 'workshop.edit', updated);
  const told = await tellMembers({
    tx,
    deps,
    workshop: updated,
    memberIds: await signedUpMembers(tx, w.id),
    note: { kind: 'rescheduled', key: `rescheduled:v${updated.version}`, previousStartsAt: w.startsAt },
  });
  return { kind: 'rescheduled', workshop: updated, previousStartsAt: w.startsAt, told };
}

export type CancelWorkshopResult =
  { kind: 'cancelled'; workshop: Workshop; told: number } | { kind: 'already' } | Found;

/** 교육 취소: everyone signed up (confirmed and waitlisted) is told; reminders stop (only scheduled ones get them). */
export async function cancelWorkshop(input: Ctx & { staff: Staff; workshopId: number }): Promise<CancelWorkshopResult> {
  const { tx, deps } = input;
  const found = await managedWorkshop(input);
  if (found.kind !== 'found') return found;
  if (found.workshop.status === 'cancelled') return { kind: 'already' };
  const updated = await repo.updateWorkshop(tx, found.workshop.id, {
    status: 'cancelled',
    updatedAt: deps.clock.now(),
  });
  await repo.deleteQueuedReminders(tx, found.workshop);
  await audit(input, 'workshop.cancel', updated);
  const told = await tellMembers({
    tx,
    deps,
    workshop: updated,
    memberIds: await signedUpMembers(tx, updated.id),
    note: { kind: 'cancelled' },
  });
  return { kind: 'cancelled', workshop: updated, told };
}

export type EditResult =
  | { kind: 'edited'; workshop: Workshop; told: number; promoted: number[] }
  | { kind: 'cancelled' }
  | { kind: 'invalid'; reason: 'title_or_place' | 'capacity' }
  /** Fewer places than are confirmed: nobody's confirmed place is taken away; staff cancel sign-ups first. */
  | { kind: 'below_confirmed'; confirmed: number }
  | Found;

/**
 * 교육 고치기 (the console's form): title, place, capacity, contact. A larger capacity promotes the first of the
 * waitlist (who are told); a new place is told to everyone signed up. The time is changed by rescheduleWorkshop.
 */
export async function editWorkshop(
  input: Ctx & {
    staff: Staff;
    workshopId: number;
    change: { title: string; place: string; capacity: number; contact: string | null };
  },
): Promise<EditResult> {
  const { tx, deps, change } = input;
  const found = await managedWorkshop(input);
  if (found.kind !== 'found') return found;
  const w = found.workshop;
  if (w.status === 'cancelled') return { kind: 'cancelled' };
  if (!change.title.trim() || !change.place.trim()) return { kind: 'invalid', reason: 'title_or_place' };
  if (!(Number.isInteger(change.capacity) && change.capacity > 0 && change.capacity <= 10_000))
    return { kind: 'invalid', reason: 'capacity' };
  const { confirmed } = await fillOfOne(tx, w.id);
  if (change.capacity < confirmed) return { kind: 'below_confirmed', confirmed };
  const updated = await repo.updateWorkshop(tx, w.id, {
    title: change.title.trim(),
    place: change.place.trim(),
    capacity: change.capacity,
    contact: change.contact?.trim() || w.contact,
    updatedAt: deps.clock.now(),
  });
  await audit(input, 'workshop.edit', updated);
  const told =
    updated.place !== w.place
      ? await tellMembers({
          tx,
          deps,
          workshop: updated,
          memberIds: await signedUpMembers(tx, w.id),
          note: { kind: 'moved', key: `moved:${deps.clock.now().toISOString()}`, previousPlace: w.place },
        })
      : 0;
  const { promoted } = await promoteWaitlisted({ tx, deps, workshop: updated });
  return { kind: 'edited', workshop: updated, told, promoted };
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
    const found = await managedWorkshop({ tx, staff: input.staff, workshopId: input.workshopId });
    if (found.kind !== 'found') return found;
    const w = found.workshop;
    return { kind: 'one', workshop: w, fill: await fillOfOne(tx, w.id), attendees: await attendeesOf(tx, w.id) };
  }
  const upcoming = await repo.listNotOver(tx, deps.clock.now());
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
