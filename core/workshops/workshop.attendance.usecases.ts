import type { DbOrTx } from '../../db/db.client.ts';
import type { AuditVia } from '../../db/schema/audit.schema.ts';
import { recordAudit } from '../audit/audit.usecases.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { josa } from '../text/korean.text.ts';
import { countyDateKey, countyParts } from '../time/county.time.ts';
import * as certs from './workshop.certificate.repository.ts';
import type { Certificate } from './workshop.certificate.repository.ts';
import { describeCertificate } from './workshop.notify.ts';
import { county, findSeries, lockWorkshop, type Workshop } from './workshop.repository.ts';
import {
  attendedMinutes,
  certificateNumber,
  certificatePrefix,
  certificateValidUntil,
  CHECK_IN_WRONG_LIMIT,
  checkInWindow,
  creditedMinutes,
  mayManage,
  pickAttendee,
} from './workshop.rules.ts';
import { attendeesOf, findSignup, updateSignups } from './workshop.signup.repository.ts';
import type { Staff } from './workshop.usecases.ts';

/**
 * Attendance and certificates: 출석 at the venue, 출석 확인 by staff, the certificate once the minutes have passed,
 * 수료증. Each usecase takes one object and returns a named result; a certificate's holder is told here.
 */
export type { Certificate };
type Ctx = { tx: DbOrTx; deps: CoreDeps };

export type CheckInResult =
  | {
      kind: 'attended';
      workshop: Workshop;
      /** What the person will have at the end, staying from now (less than the whole when late). */
      minutes: number;
      certificate: Certificate | null;
      certificateMessage: string | null;
    }
  | { kind: 'already'; workshop: Workshop }
  /** The code is no workshop of theirs: read the same whether or not it is someone else's workshop. */
  | { kind: 'wrong_code'; left: number }
  /** Too many wrong codes today: only the staff at the venue can mark them now. */
  | { kind: 'locked' }
  | { kind: 'cancelled'; workshop: Workshop }
  | { kind: 'waitlisted'; workshop: Workshop }
  | { kind: 'early'; workshop: Workshop; opensAt: Date }
  | { kind: 'over'; workshop: Workshop };

/**
 * 출석 <번호>, said at the venue by a confirmed sign-up, from 30 minutes before the start to the end. Minutes are
 * credited as they pass (workshop.completion.usecases.ts), so a check-in before the start credits nothing yet. A code
 * that is no workshop of the person's counts against CHECK_IN_WRONG_LIMIT a day; the person's row is locked
 * meanwhile, so attempts sent at once are counted one after the other.
 */
export async function checkIn(input: Ctx & { memberId: number; code: string }): Promise<CheckInResult> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  const day = countyDateKey(now, deps.timezone);
  if ((await certs.touchCheckInAttempts(tx, { memberId: input.memberId, day, now })) >= CHECK_IN_WRONG_LIMIT)
    return { kind: 'locked' };
  const code = input.code.replace(/\D/g, '');
  const found = code ? await certs.findByCheckInCode(tx, input.memberId, code) : undefined;
  if (!found) {
    const wrong = (await certs.countWrongCheckIn(tx, input.memberId, day)) ?? CHECK_IN_WRONG_LIMIT;
    return { kind: 'wrong_code', left: Math.max(0, CHECK_IN_WRONG_LIMIT - wrong) };
  }
  const { workshop, signup } = found;
  if (workshop.status === 'cancelled') return { kind: 'cancelled', workshop };
  if (signup.status === 'waitlisted') return { kind: 'waitlisted', workshop };
  const window = checkInWindow(workshop.startsAt, workshop.endsAt, now);
  if (window === 'early')
    return { kind: 'early', workshop, opensAt: new Date(workshop.startsAt.getTime() - 30 * 60_000) };
  if (window === 'over') return { kind: 'over', workshop };
  if (signup.attendedAt) return { kind: 'already', workshop };
  const sofar = creditedMinutes({ startsAt: workshop.startsAt, endsAt: workshop.endsAt, arrivedAt: now, at: now });
  await updateSignups(tx, [signup.id], { attendedAt: now, attendedMinutes: sofar, markedBy: null });
  // Only at the very end have the minutes passed already; then the certificate is part of the answer.
  const issued = await issueIfComplete({ tx, deps, memberId: input.memberId, workshop, notify: false });
  return {
    kind: 'attended',
    workshop,
    minutes: attendedMinutes(workshop.startsAt, workshop.endsAt, now),
    certificate: issued.kind === 'issued' ? issued.certificate : null,
    certificateMessage: issued.kind === 'issued' ? issued.message : null,
  };
}

export type MarkResult =
  | { kind: 'marked'; workshop: Workshop; names: string[]; certificates: number }
  | { kind: 'unknown'; workshop: Workshop; picks: string[] }
  | { kind: 'early'; workshop: Workshop }
  | { kind: 'empty' }
  | { kind: 'not_found' }
  | { kind: 'forbidden'; workshop: Workshop };

/**
 * 출석 확인 N 1 3 홍길동 | 전체 (staff): confirmed sign-ups by their number in 교육 현황 N or by name, credited with the
 * whole workshop (staff saw them there) as it passes: marked during the workshop, a certificate follows at the end
 * (its holder is told). Nothing is marked when any pick is unknown: staff fix the list and send again. The console
 * picks by sign-up id.
 */
export async function markAttendance(
  input: Ctx & {
    staff: Staff;
    workshopId: number;
    picks: string[] | 'all' | { signupIds: number[] };
    /** Where staff marked it, for the audit log (기록). */
    via?: AuditVia | undefined;
  },
): Promise<MarkResult> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  // Locked: the completion job credits the same sign-ups at the end, and a certificate is issued once.
  const workshop = await lockWorkshop(tx, input.workshopId);
  if (!workshop || workshop.status === 'pending') return { kind: 'not_found' };
  if (!mayManage(input.staff.grants, workshop.districtCode)) return { kind: 'forbidden', workshop };
  if (checkInWindow(workshop.startsAt, workshop.endsAt, now) === 'early') return { kind: 'early', workshop };
  const attendees = (await attendeesOf(tx, workshop.id)).filter((a) => a.status === 'confirmed');
  const picks = input.picks;
  if (picks !== 'all' && ('signupIds' in picks ? picks.signupIds : picks).length === 0) return { kind: 'empty' };
  // The console's check boxes name sign-ups by id: a list that changed meanwhile cannot shift them.
  const chosen =
    picks === 'all'
      ? attendees.map((a) => ({ pick: '', a }))
      : 'signupIds' in picks
        ? picks.signupIds.map((id) => ({ pick: `#${id}`, a: attendees.find((a) => a.signupId === id) }))
        : picks.map((pick) => ({ pick, a: pickAttendee(attendees, pick) }));
  const unknown = chosen.flatMap((c) => (c.a ? [] : [c.pick]));
  if (unknown.length) return { kind: 'unknown', workshop, picks: unknown };
  const sofar = creditedMinutes({ ...workshop, arrivedAt: now, at: now, fromStart: true });
  let issued = 0;
  const names: string[] = [];
  for (const { a } of chosen) {
    if (!a) continue;
    await updateSignups(tx, [a.signupId], {
      attendedAt: a.attendedAt ?? now,
      attendedMinutes: Math.max(sofar, a.attendedMinutes),
      markedBy: input.staff.memberId,
    });
    names.push(a.name);
    if ((await issueIfComplete({ tx, deps, memberId: a.memberId, workshop })).kind === 'issued') issued++;
  }
  if (input.via && names.length)
    await recordAudit(input, {
      actorMemberId: input.staff.memberId,
      action: 'workshop.attendance',
      subject: `workshop:${workshop.id}`,
      scope: { districtCode: workshop.districtCode },
      via: input.via,
    });
  return { kind: 'marked', workshop, names, certificates: issued };
}

export type IssueResult =
  | { kind: 'issued'; certificate: Certificate; message: string; told: boolean }
  | { kind: 'not_yet' }
  | { kind: 'already' };

/**
 * A certificate once the required minutes are attended: the workshop's own, or, in a series, the series' total over
 * its sessions. Issued once per person and workshop (or series); the holder is told (unless the caller tells them in
 * its own answer to them: `notify: false`).
 */
export async function issueIfComplete(
  input: Ctx & { memberId: number; workshop: Workshop; notify?: boolean },
): Promise<IssueResult> {
  const { tx, deps, memberId, workshop } = input;
  const now = deps.clock.now();
  const series = workshop.seriesId ? await findSeries(tx, workshop.seriesId) : undefined;
  const required = series?.requiredMinutes ?? workshop.requiredMinutes;
  const title = series?.title ?? workshop.title;
  const attended = workshop.seriesId
    ? await certs.seriesMinutesOf(tx, workshop.seriesId, memberId)
    : ((await findSignup(tx, workshop.id, memberId))?.attendedMinutes ?? 0);
  if (attended < required) return { kind: 'not_yet' };
  const owner = workshop.seriesId ? { seriesId: workshop.seriesId } : { workshopId: workshop.id };
  if (await certs.hasCertificate(tx, memberId, owner)) return { kind: 'already' };
  const year = countyParts(now, deps.timezone).year;
  const sequence = await certs.nextCertificateSequence(tx, year);
  const certificate = await certs.insertCertificate(tx, {
    number: certificateNumber(certificatePrefix((await county(tx))?.code), year, sequence),
    memberId,
    workshopId: workshop.seriesId ? null : workshop.id,
    seriesId: workshop.seriesId ?? null,
    issuedAt: now,
    validUntil: certificateValidUntil(now, deps.timezone),
  });
  const message = `[수료증] ${josa(`「${title}」`, '을/를')} 수료하셨습니다. 축하드립니다.\n${describeCertificate(deps, certificate)}\n언제든 "수료증"을 보내시면 다시 보실 수 있습니다.`;
  const told = input.notify !== false;
  if (told)
    await enqueueToMember(tx, deps, {
      memberId,
      purpose: 'workshop.certificate',
      dedupeKey: `certificate:${certificate.id}:issued`,
      messages: [{ text: message }],
    });
  return { kind: 'issued', certificate, message, told };
}

export type CertificateList = { kind: 'listed'; items: { certificate: Certificate; title: string }[] };

/** 수료증: the person's certificates, newest first, with what they were for. */
export async function listCertificates(input: { tx: DbOrTx; memberId: number }): Promise<CertificateList> {
  return { kind: 'listed', items: await certs.certificatesOf(input.tx, input.memberId) };
}
