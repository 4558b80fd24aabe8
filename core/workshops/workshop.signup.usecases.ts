import type { DbOrTx } from '../../db/db.client.ts';
import type { CoreDeps } from '../core.deps.ts';
import { tellMembers } from './workshop.notify.ts';
import { lockWorkshop, lockWorkshops, type Workshop } from './workshop.repository.ts';
import { placeFor, promotions, signupClosesAt } from './workshop.rules.ts';
import * as signups from './workshop.signup.repository.ts';

/**
 * A resident's sign-up and its cancellation, and the promotion from the waitlist that follows a freed place. Each
 * usecase takes one object and returns a named result; the promoted are told here, in the caller's transaction, and
 * named in the result (`promoted`), whoever calls.
 */
type Ctx = { tx: DbOrTx; deps: CoreDeps };

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
  const existing = await signups.findSignup(tx, workshop.id, input.memberId);
  if (existing && existing.status !== 'cancelled')
    return {
      kind: 'already',
      workshop,
      status: existing.status,
      position: existing.status === 'waitlisted' ? await signups.waitPosition(tx, existing) : null,
    };
  const closesAt = signupClosesAt(workshop.startsAt, workshop.closesDaysBefore, deps.timezone);
  if (now >= closesAt) return { kind: 'closed', workshop, closesAt };
  const place = placeFor({ capacity: workshop.capacity, ...(await signups.fillOfOne(tx, workshop.id)) });
  const values = { status: place.status, createdAt: now, promotedAt: null, cancelledAt: null };
  if (existing) await signups.updateSignups(tx, [existing.id], values);
  else await signups.insertSignup(tx, { workshopId: workshop.id, memberId: input.memberId, ...values });
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
  const signup = await signups.findSignup(tx, workshop.id, input.memberId);
  if (!signup || signup.status === 'cancelled') return { kind: 'not_signed_up', workshop };
  if (now >= workshop.startsAt) return { kind: 'started', workshop };
  await signups.updateSignups(tx, [signup.id], { status: 'cancelled', cancelledAt: now });
  const promoted = workshop.status === 'scheduled' ? (await promoteWaitlisted({ tx, deps, workshop })).promoted : [];
  return { kind: 'cancelled', workshop, was: signup.status, promoted };
}

export type PromoteResult = { kind: 'promoted'; promoted: number[] };

/**
 * Moves the first of the waitlist into free places (after a cancellation, a withdrawal, or a larger capacity) and
 * tells them, even after sign-up has closed: they asked in time. The workshop is locked by the caller.
 */
export async function promoteWaitlisted(input: Ctx & { workshop: Workshop }): Promise<PromoteResult> {
  const { tx, deps, workshop } = input;
  const now = deps.clock.now();
  const n = promotions({ capacity: workshop.capacity, ...(await signups.fillOfOne(tx, workshop.id)) });
  if (n === 0) return { kind: 'promoted', promoted: [] };
  const first = await signups.firstWaitlisted(tx, workshop.id, n);
  if (first.length === 0) return { kind: 'promoted', promoted: [] };
  await signups.updateSignups(
    tx,
    first.map((s) => s.id),
    { status: 'confirmed', promotedAt: now },
  );
  const memberIds = first.map((s) => s.memberId);
  await tellMembers({
    tx,
    deps,
    workshop,
    memberIds,
    note: { kind: 'promoted', key: `promoted:${now.toISOString()}` },
  });
  return { kind: 'promoted', promoted: memberIds };
}

export type ReleaseResult = { kind: 'released'; released: number; promoted: number[] };

/**
 * 탈퇴: the person's places in workshops that have not started are given up, like a cancellation; each freed
 * place goes to the first on that workshop's waitlist, who is told (the same promotion as after a cancellation).
 * Workshops already begun or past keep their sign-ups: attendance and certificates are records, not seats.
 */
export async function releaseSeatsOf(input: Ctx & { memberId: number }): Promise<ReleaseResult> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  const held = await signups.heldSeatsOf(tx, input.memberId, now);
  if (held.length === 0) return { kind: 'released', released: 0, promoted: [] };
  // Locked in id order, as every sign-up path locks one, so that a sign-up racing this one counts the freed place once.
  const locked = await lockWorkshops(
    tx,
    held.map((h) => h.workshopId),
  );
  await signups.updateSignups(
    tx,
    held.map((h) => h.signupId),
    { status: 'cancelled', cancelledAt: now },
  );
  const promoted: number[] = [];
  for (const workshop of locked)
    if (workshop.status === 'scheduled') promoted.push(...(await promoteWaitlisted({ tx, deps, workshop })).promoted);
  return { kind: 'released', released: held.length, promoted };
}
