import { randomInt } from 'node:crypto';
import type { DbOrTx } from '../../db/db.client.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import type { CoreDeps } from '../core.deps.ts';
import * as repo from './workshop.repository.ts';
import type { Workshop } from './workshop.repository.ts';
import { workshopIcs } from './workshop.ics.ts';
import { checkInCodeCandidate, mayManage, signupClosesAt } from './workshop.rules.ts';
import { fillOf, signupsOfMember, waitPosition, type Fill, type Signup } from './workshop.signup.repository.ts';

/**
 * Workshops as residents and the admin meet them: made (by staff, the admin's import, the console), listed, and
 * their calendar file. Each usecase takes one object and returns a named result. Sign-ups are in
 * workshop.signup.usecases.ts, staff management in workshop.staff.usecases.ts, creation in chat (asked about a past
 * deadline, announced) in workshop.create.usecases.ts.
 */
export type { Fill, Signup, Workshop };
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

/** A workshop by staff or the admin (import, creator null). Not announced here: the caller announces it. */
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
  const created = await repo.insertWorkshop(tx, {
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
  });
  return { kind: 'created', workshop: created };
}

/** Whom to call after sign-up closes, when the workshop names nobody: the district office (or the county office). */
async function districtOffice(tx: DbOrTx, districtCode: string | null): Promise<string> {
  if (!districtCode) return '군청 담당 부서';
  return `${(await repo.districtName(tx, districtCode)) ?? ''}사무소`;
}

async function freshCheckInCode(tx: DbOrTx): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const code = checkInCodeCandidate(randomInt, attempt);
    if (!(await repo.checkInCodeTaken(tx, code))) return code;
  }
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
): Promise<{ kind: 'listed'; items: ListedWorkshop[] }> {
  const { tx, deps } = input;
  const rows = await repo.listOpenFor(tx, {
    now: deps.clock.now(),
    districtCode: input.districtCode,
    limit: input.limit ?? 9,
  });
  const ids = rows.map((w) => w.id);
  const fill = await fillOf(tx, ids);
  const mine = await signupsOfMember(tx, input.memberId, ids);
  const items: ListedWorkshop[] = [];
  for (const workshop of rows) {
    const signup = mine.find((s) => s.workshopId === workshop.id && s.status !== 'cancelled') ?? null;
    items.push({
      workshop,
      fill: fill.get(workshop.id) ?? { confirmed: 0, waitlisted: 0 },
      mine: signup,
      waitPosition: signup?.status === 'waitlisted' ? await waitPosition(tx, signup) : null,
      closesAt: signupClosesAt(workshop.startsAt, workshop.closesDaysBefore, deps.timezone),
    });
  }
  return { kind: 'listed', items };
}

export type CalendarResult = { kind: 'ics'; workshopId: number; ics: string } | { kind: 'not_found' };

/** The calendar file of a workshop shown to residents; a pending one (not announced yet) does not exist for them. */
export async function workshopCalendar(input: Ctx & { workshopId: number }): Promise<CalendarResult> {
  const w = await repo.findWorkshop(input.tx, input.workshopId);
  if (!w || w.status === 'pending') return { kind: 'not_found' };
  const districtName = w.districtCode ? await repo.districtName(input.tx, w.districtCode) : undefined;
  const host = new URL(input.deps.publicUrl?.() || 'http://maeul.local').hostname;
  return { kind: 'ics', workshopId: w.id, ics: workshopIcs(w, { host, districtName }) };
}
