import type { DbOrTx } from '../../db/db.client.ts';
import type { AuditVia } from '../../db/schema/audit.schema.ts';
import { recordAudit } from '../audit/audit.usecases.ts';
import type { CoreDeps } from '../core.deps.ts';
import { announceWorkshop, creatorSender, type AnnounceResult } from './workshop.announce.usecases.ts';
import * as repo from './workshop.repository.ts';
import type { Workshop } from './workshop.repository.ts';
import { pickDistrict, signupClosesAt } from './workshop.rules.ts';
import { createWorkshop, type Staff } from './workshop.usecases.ts';

/**
 * A workshop made by staff (교육 만들기, or the console to come): made and announced at once, or — when its sign-up
 * deadline has already gone — kept pending until its creator settles it. The announcement (residents, village
 * heads) is made here and counted in the result, whoever calls.
 */
type Ctx = { tx: DbOrTx; deps: CoreDeps };

/** The usual sign-up deadline of a workshop made in chat: 3 days before its start. */
export const CHAT_CLOSES_DAYS_BEFORE = 3;

export type OpenWorkshopResult =
  | { kind: 'announced'; workshop: Workshop; announcement: AnnounceResult }
  /** The deadline has gone: made pending (not announced), for the creator to settle. */
  | { kind: 'pending'; workshop: Workshop }
  /** The deadline has gone and the caller cannot ask about it: nothing made. */
  | { kind: 'deadline_passed'; startsAt: Date; closesDaysBefore: number }
  | { kind: 'unknown_district'; where: string }
  | { kind: 'forbidden'; districtName: string | null }
  | { kind: 'past' }
  | { kind: 'invalid'; reason: string };

/**
 * 교육 만들기: `where` is a district's name or code, or 전체 for the whole county. `mayAsk`: the caller can ask the
 * creator about a deadline already gone (a 1:1 chat); otherwise nothing is made.
 */
export async function openWorkshop(
  input: Ctx & {
    staff: Staff;
    workshop: {
      title: string;
      where: string;
      place: string;
      startsAt: Date;
      minutes: number;
      capacity: number;
      /** The console's form may set it; chat uses CHAT_CLOSES_DAYS_BEFORE. */
      closesDaysBefore?: number | undefined;
      contact?: string | null | undefined;
    };
    mayAsk: boolean;
    /** Where staff made it, for the audit log (기록). */
    via?: AuditVia | undefined;
  },
): Promise<OpenWorkshopResult> {
  const { tx, deps, workshop: w } = input;
  const district = pickDistrict(await repo.listDistricts(tx), w.where);
  if (district === undefined) return { kind: 'unknown_district', where: w.where };
  const closesDaysBefore = w.closesDaysBefore ?? CHAT_CLOSES_DAYS_BEFORE;
  if (!(Number.isInteger(closesDaysBefore) && closesDaysBefore >= 0 && closesDaysBefore <= 60))
    return { kind: 'invalid', reason: 'closes_days_before' };
  const late = deps.clock.now() >= signupClosesAt(w.startsAt, closesDaysBefore, deps.timezone);
  if (late && !input.mayAsk) return { kind: 'deadline_passed', startsAt: w.startsAt, closesDaysBefore };
  const result = await createWorkshop({
    tx,
    deps,
    creator: input.staff,
    workshop: {
      title: w.title,
      districtCode: district?.code ?? null,
      place: w.place,
      startsAt: w.startsAt,
      minutes: w.minutes,
      capacity: w.capacity,
      closesDaysBefore,
      contact: w.contact?.trim() || null,
      status: late ? 'pending' : 'scheduled',
    },
  });
  if (result.kind === 'forbidden') return { kind: 'forbidden', districtName: district?.nameKo ?? null };
  if (result.kind !== 'created') return result;
  if (input.via)
    await recordAudit(input, {
      actorMemberId: input.staff.memberId,
      action: 'workshop.create',
      subject: `workshop:${result.workshop.id}`,
      scope: { districtCode: result.workshop.districtCode },
      via: input.via,
    });
  if (late) return { kind: 'pending', workshop: result.workshop };
  return { kind: 'announced', workshop: result.workshop, announcement: await announce(input, result.workshop) };
}

async function announce(input: Ctx & { staff: Staff }, workshop: Workshop): Promise<AnnounceResult> {
  const sender = await creatorSender({ tx: input.tx, staff: input.staff, districtCode: workshop.districtCode });
  return announceWorkshop({ tx: input.tx, deps: input.deps, workshop, sender });
}

export type PendingDecision = 'open_until_start' | 'no_signup' | 'discard';
export type SettleResult =
  | { kind: 'announced'; workshop: Workshop; announcement: AnnounceResult }
  | { kind: 'scheduled'; workshop: Workshop }
  | { kind: 'discarded' }
  | { kind: 'gone' };

/**
 * The creator's choice for a workshop made with its sign-up deadline already past: sign-up open until the start
 * (then announced), made as it is without sign-up (not announced), or not made at all (deleted: it was never shown
 * to anyone). Only a pending workshop of theirs; anything else is gone.
 */
export async function settlePendingWorkshop(
  input: Ctx & { creator: Staff; workshopId: number; decision: PendingDecision },
): Promise<SettleResult> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  const w = await repo.lockCreatedBy(tx, input.workshopId, input.creator.memberId);
  if (!w || w.status !== 'pending') return { kind: 'gone' };
  if (input.decision === 'discard') {
    await repo.deleteWorkshop(tx, w.id);
    return { kind: 'discarded' };
  }
  if (w.startsAt <= now) return { kind: 'gone' };
  const updated = await repo.updateWorkshop(tx, w.id, {
    status: 'scheduled',
    updatedAt: now,
    ...(input.decision === 'open_until_start' ? { closesDaysBefore: 0 } : {}),
  });
  if (input.decision !== 'open_until_start') return { kind: 'scheduled', workshop: updated };
  return {
    kind: 'announced',
    workshop: updated,
    announcement: await announce({ tx, deps, staff: input.creator }, updated),
  };
}
