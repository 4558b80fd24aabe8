import { and, desc, eq, isNull, lte, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { certificates, counters, counties, workshops, workshopSeries, workshopSignups } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { countyParts } from '../time/county.time.ts';
import { formatFullDate } from './workshop.notify.ts';
import {
  attendedMinutes,
  certificateNumber,
  certificatePrefix,
  certificateValidUntil,
  checkInWindow,
  EXPIRY_REMINDER_LEAD_MS,
} from './workshop.rules.ts';
import { attendeesOf } from './workshop.staff.ts';
import { mayManage, type Staff, type Workshop } from './workshop.usecases.ts';

type Ctx = { tx: DbOrTx; deps: CoreDeps };
export type Certificate = typeof certificates.$inferSelect;

export type CheckInResult =
  | {
      kind: 'attended';
      workshop: Workshop;
      minutes: number;
      certificate: Certificate | null;
      certificateMessage: string | null;
    }
  | { kind: 'already'; workshop: Workshop }
  | { kind: 'unknown_code' }
  | { kind: 'cancelled'; workshop: Workshop }
  | { kind: 'not_signed_up'; workshop: Workshop }
  | { kind: 'waitlisted'; workshop: Workshop }
  | { kind: 'early'; workshop: Workshop; opensAt: Date }
  | { kind: 'over'; workshop: Workshop };

/** 출석 <번호>, said at the venue by a confirmed sign-up, from 30 minutes before the start to the end. */
export async function checkIn(input: Ctx & { memberId: number; code: string }): Promise<CheckInResult> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  const code = input.code.replace(/\D/g, '');
  const [workshop] = code ? await tx.select().from(workshops).where(eq(workshops.checkInCode, code)) : [];
  if (!workshop) return { kind: 'unknown_code' };
  if (workshop.status === 'cancelled') return { kind: 'cancelled', workshop };
  const [signup] = await tx
    .select()
    .from(workshopSignups)
    .where(and(eq(workshopSignups.workshopId, workshop.id), eq(workshopSignups.memberId, input.memberId)));
  if (!signup || signup.status === 'cancelled') return { kind: 'not_signed_up', workshop };
  if (signup.status === 'waitlisted') return { kind: 'waitlisted', workshop };
  const window = checkInWindow(workshop.startsAt, workshop.endsAt, now);
  if (window === 'early')
    return { kind: 'early', workshop, opensAt: new Date(workshop.startsAt.getTime() - 30 * 60_000) };
  if (window === 'over') return { kind: 'over', workshop };
  if (signup.attendedAt) return { kind: 'already', workshop };
  const minutes = attendedMinutes(workshop.startsAt, workshop.endsAt, now);
  await tx
    .update(workshopSignups)
    .set({ attendedAt: now, attendedMinutes: minutes, markedBy: null })
    .where(eq(workshopSignups.id, signup.id));
  // The person is in the chat: the certificate is part of the answer (after "출석을 확인했습니다"), not a separate notice.
  const issued = await issueIfComplete(input, input.memberId, workshop, { notify: false });
  return {
    kind: 'attended',
    workshop,
    minutes,
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
 * whole workshop (staff saw them there). Nothing is marked when any pick is unknown: staff fix the list and send again.
 */
export async function markAttendance(
  input: Ctx & { staff: Staff; workshopId: number; picks: string[] | 'all' },
): Promise<MarkResult> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  const [workshop] = await tx.select().from(workshops).where(eq(workshops.id, input.workshopId));
  if (!workshop) return { kind: 'not_found' };
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
  const minutes = Math.round((workshop.endsAt.getTime() - workshop.startsAt.getTime()) / 60_000);
  let issued = 0;
  const names: string[] = [];
  for (const { a } of chosen) {
    if (!a) continue;
    await tx
      .update(workshopSignups)
      .set({
        attendedAt: a.attendedAt ?? now,
        attendedMinutes: Math.max(minutes, a.attendedMinutes),
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
  const message = `[수료증] 「${title}」을(를) 수료하셨습니다. 축하드립니다.\n${describeCertificate(deps, certificate)}\n언제든 "수료증"을 보내시면 다시 보실 수 있습니다.`;
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

/** The expiry job: each certificate lapsing within 30 days is announced once to its holder. */
export async function remindExpiringCertificates(input: { deps: CoreDeps; now: Date }): Promise<{ reminded: number }> {
  const { deps, now } = input;
  const horizon = new Date(now.getTime() + EXPIRY_REMINDER_LEAD_MS);
  const due = await deps.db
    .select({ id: certificates.id })
    .from(certificates)
    .where(
      and(
        isNull(certificates.expiryRemindedAt),
        gt(certificates.validUntil, now),
        lte(certificates.validUntil, horizon),
      ),
    );
  let reminded = 0;
  for (const { id } of due)
    await deps.db.transaction(async (tx) => {
      const [c] = await tx
        .update(certificates)
        .set({ expiryRemindedAt: now })
        .where(and(eq(certificates.id, id), isNull(certificates.expiryRemindedAt)))
        .returning();
      if (!c) return;
      const [item] = (await listCertificates(tx, c.memberId)).filter((x) => x.certificate.id === c.id);
      await enqueueToMember(tx, deps, {
        memberId: c.memberId,
        purpose: 'workshop.certificate_expiry',
        dedupeKey: `certificate:${c.id}:expiry`,
        messages: [
          {
            text: `[수료증 안내] 「${item?.title ?? '교육'}」 수료증(${c.number})이 ${formatFullDate(c.validUntil, deps.timezone)}에 만료됩니다. 이어서 인정받으시려면 새 교육을 신청해 주세요.`,
            buttons: [{ label: '교육 보기', command: '교육' }],
          },
        ],
      });
      reminded++;
    });
  return { reminded };
}
