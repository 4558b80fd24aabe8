import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  certificates,
  checkInAttempts,
  counters,
  counties,
  workshops,
  workshopSeries,
  workshopSignups,
} from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { countyDateKey, countyParts } from '../time/county.time.ts';
import { formatFullDate } from './workshop.notify.ts';
import {
  attendedMinutes,
  certificateNumber,
  certificatePrefix,
  certificateValidUntil,
  CHECK_IN_WRONG_LIMIT,
  checkInWindow,
  creditedMinutes,
} from './workshop.rules.ts';
import { attendeesOf } from './workshop.staff.ts';
import { mayManage, type Staff, type Workshop } from './workshop.usecases.ts';
import { josa } from '../text/korean.text.ts';

type Ctx = { tx: DbOrTx; deps: CoreDeps };
export type Certificate = typeof certificates.$inferSelect;

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
 * credited as they pass (workshop.completion.ts), so a check-in before the start credits nothing yet. A code that is
 * no workshop of the person's counts against CHECK_IN_WRONG_LIMIT a day; the person's row is locked meanwhile, so
 * attempts sent at once are counted one after the other.
 */
export async function checkIn(input: Ctx & { memberId: number; code: string }): Promise<CheckInResult> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  const day = countyDateKey(now, deps.timezone);
  await tx
    .delete(checkInAttempts)
    .where(and(eq(checkInAttempts.memberId, input.memberId), ne(checkInAttempts.day, day)));
  const [attempts] = await tx
    .insert(checkInAttempts)
    .values({ memberId: input.memberId, day, wrong: 0, lastAt: now })
    .onConflictDoUpdate({ target: [checkInAttempts.memberId, checkInAttempts.day], set: { lastAt: now } })
    .returning();
  if ((attempts?.wrong ?? 0) >= CHECK_IN_WRONG_LIMIT) return { kind: 'locked' };
  const code = input.code.replace(/\D/g, '');
  const [found] = code
    ? await tx
        .select({ workshop: workshops, signup: workshopSignups })
        .from(workshops)
        .innerJoin(
          workshopSignups,
          and(eq(workshopSignups.workshopId, workshops.id), eq(workshopSignups.memberId, input.memberId)),
        )
        .where(
          and(
            eq(workshops.checkInCode, code),
            ne(workshops.status, 'pending'),
            ne(workshopSignups.status, 'cancelled'),
          ),
        )
    : [];
  if (!found) {
    const [counted] = await tx
      .update(checkInAttempts)
      .set({ wrong: sql`${checkInAttempts.wrong} + 1` })
      .where(and(eq(checkInAttempts.memberId, input.memberId), eq(checkInAttempts.day, day)))
      .returning({ wrong: checkInAttempts.wrong });
    return { kind: 'wrong_code', left: Math.max(0, CHECK_IN_WRONG_LIMIT - (counted?.wrong ?? CHECK_IN_WRONG_LIMIT)) };
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
  await tx
    .update(workshopSignups)
    .set({ attendedAt: now, attendedMinutes: sofar, markedBy: null })
    .where(eq(workshopSignups.id, signup.id));
  // Only at the very end have the minutes passed already; then the certificate is part of the answer.
  const issued = await issueIfComplete(input, input.memberId, workshop, { notify: false });
  return {
    kind: 'attended',
    workshop,
    minutes: attendedMinutes(workshop.startsAt, workshop.endsAt, now),
    certificate: issued?.certificate ?? null,
    certificateMessage: issued?.message ?? null,
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
 * whole workshop (staff saw them there) as it passes: marked during the workshop, a certificate follows at the end.
 * Nothing is marked when any pick is unknown: staff fix the list and send again.
 */
export async function markAttendance(
  input: Ctx & { staff: Staff; workshopId: number; picks: string[] | 'all' },
): Promise<MarkResult> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  // Locked: the completion job credits the same sign-ups at the end, and a certificate is issued once.
  const [workshop] = await tx.select().from(workshops).where(eq(workshops.id, input.workshopId)).for('update');
  if (!workshop || workshop.status === 'pending') return { kind: 'not_found' };
  if (!mayManage(input.staff.grants, workshop.districtCode)) return { kind: 'forbidden', workshop };
  if (checkInWindow(workshop.startsAt, workshop.endsAt, now) === 'early') return { kind: 'early', workshop };
  const attendees = (await attendeesOf(tx, workshop.id)).filter((a) => a.status === 'confirmed');
  if (input.picks !== 'all' && input.picks.length === 0) return { kind: 'empty' };
  const chosen =
    input.picks === 'all'
      ? attendees.map((a) => ({ pick: '', a }))
      : input.picks.map((pick) => ({ pick, a: pickAttendee(attendees, pick) }));
  const unknown = chosen.flatMap((c) => (c.a ? [] : [c.pick]));
  if (unknown.length) return { kind: 'unknown', workshop, picks: unknown };
  const sofar = creditedMinutes({ ...workshop, arrivedAt: now, at: now, fromStart: true });
  let issued = 0;
  const names: string[] = [];
  for (const { a } of chosen) {
    if (!a) continue;
    await tx
      .update(workshopSignups)
      .set({
        attendedAt: a.attendedAt ?? now,
        attendedMinutes: Math.max(sofar, a.attendedMinutes),
        markedBy: input.staff.memberId,
      })
      .where(eq(workshopSignups.id, a.signupId));
    names.push(a.name);
    if (await issueIfComplete(input, a.memberId, workshop)) issued++;
  }
  return { kind: 'marked', workshop, names, certificates: issued };
}

function pickAttendee<T extends { name: string }>(list: T[], pick: string): T | undefined {
  const n = /^\d{1,4}$/.test(pick) ? Number(pick) : null;
  if (n !== null) return list[n - 1];
  const same = list.filter((a) => a.name === pick);
  return same.length === 1 ? same[0] : undefined;
}

/**
 * A certificate once the required minutes are attended: the workshop's own, or, in a series, the series' total over
 * its sessions. Issued once per person and workshop (or series); the person is told (unless the caller tells them in
 * its own answer: `notify: false`).
 */
export async function issueIfComplete(
  { tx, deps }: Ctx,
  memberId: number,
  workshop: Workshop,
  options: { notify?: boolean } = {},
): Promise<{ certificate: Certificate; message: string } | null> {
  const now = deps.clock.now();
  let required = workshop.requiredMinutes;
  let title = workshop.title;
  let attended: number;
  if (workshop.seriesId) {
    const [series] = await tx.select().from(workshopSeries).where(eq(workshopSeries.id, workshop.seriesId));
    required = series?.requiredMinutes ?? required;
    title = series?.title ?? title;
    const [sum] = await tx
      .select({ minutes: sql<number>`coalesce(sum(${workshopSignups.attendedMinutes}), 0)::int` })
      .from(workshopSignups)
      .innerJoin(workshops, eq(workshops.id, workshopSignups.workshopId))
      .where(and(eq(workshops.seriesId, workshop.seriesId), eq(workshopSignups.memberId, memberId)));
    attended = Number(sum?.minutes ?? 0);
  } else {
    const [signup] = await tx
      .select()
      .from(workshopSignups)
      .where(and(eq(workshopSignups.workshopId, workshop.id), eq(workshopSignups.memberId, memberId)));
    attended = signup?.attendedMinutes ?? 0;
  }
  if (attended < required) return null;
  const ownerWhere = workshop.seriesId
    ? eq(certificates.seriesId, workshop.seriesId)
    : eq(certificates.workshopId, workshop.id);
  const [existing] = await tx
    .select()
    .from(certificates)
    .where(and(eq(certificates.memberId, memberId), ownerWhere));
  if (existing) return null;
  const year = countyParts(now, deps.timezone).year;
  // One counter row per year, incremented atomically: two instances never hand out the same number.
  const [counter] = await tx
    .insert(counters)
    .values({ name: `certificate:${year}`, value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value });
  const [county] = await tx.select({ code: counties.code }).from(counties).limit(1);
  const [certificate] = await tx
    .insert(certificates)
    .values({
      number: certificateNumber(certificatePrefix(county?.code), year, counter?.value ?? 0),
      memberId,
      workshopId: workshop.seriesId ? null : workshop.id,
      seriesId: workshop.seriesId ?? null,
      issuedAt: now,
      validUntil: certificateValidUntil(now, deps.timezone),
    })
    .returning();
  if (!certificate) throw new Error('certificate insert returned nothing');
  const message = `[수료증] ${josa(`「${title}」`, '을/를')} 수료하셨습니다. 축하드립니다.\n${describeCertificate(deps, certificate)}\n언제든 "수료증"을 보내시면 다시 보실 수 있습니다.`;
  if (options.notify !== false)
    await enqueueToMember(tx, deps, {
      memberId,
      purpose: 'workshop.certificate',
      dedupeKey: `certificate:${certificate.id}:issued`,
      messages: [{ text: message }],
    });
  return { certificate, message };
}

export function describeCertificate(deps: Pick<CoreDeps, 'timezone'>, c: Certificate): string {
  return `수료증 번호 ${c.number}\n발급일 ${formatFullDate(c.issuedAt, deps.timezone)} · 유효기간 ${formatFullDate(c.validUntil, deps.timezone)}까지`;
}

/** 수료증: the person's certificates, newest first, with what they were for. */
export async function listCertificates(
  tx: DbOrTx,
  memberId: number,
): Promise<{ certificate: Certificate; title: string }[]> {
  const rows = await tx
    .select({ certificate: certificates, workshopTitle: workshops.title, seriesTitle: workshopSeries.title })
    .from(certificates)
    .leftJoin(workshops, eq(workshops.id, certificates.workshopId))
    .leftJoin(workshopSeries, eq(workshopSeries.id, certificates.seriesId))
    .where(eq(certificates.memberId, memberId))
    .orderBy(desc(certificates.issuedAt), desc(certificates.id));
  return rows.map((r) => ({ certificate: r.certificate, title: r.seriesTitle ?? r.workshopTitle ?? '교육' }));
}
