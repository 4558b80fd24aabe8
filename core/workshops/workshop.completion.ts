import { and, asc, eq, gt, isNull, isNotNull, lte } from 'drizzle-orm';
import { certificates, workshops, workshopSignups } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { issueIfComplete, listCertificates } from './workshop.attendance.ts';
import { formatFullDate } from './workshop.notify.ts';
import { creditedMinutes, EXPIRY_REMINDER_LEAD_MS } from './workshop.rules.ts';

/**
 * The completion job (every 5 minutes): each workshop that has begun and is not yet completed credits its attendees
 * with the minutes passed so far (the whole workshop for those staff marked, from arrival for the late), and issues
 * a certificate to whoever now has the required minutes (a series: across its sessions); its holder is told. Once a
 * workshop has ended it is completed: its minutes are final and it is not looked at again. So a certificate never
 * exists before the required minutes have passed, however early someone said 출석. Pending workshops left
 * undecided until their start are deleted.
 */
export async function creditAttendance(input: {
  deps: CoreDeps;
  now: Date;
}): Promise<{ credited: number; certificates: number; completed: number; droppedPending: number }> {
  const { deps, now } = input;
  const begun = await deps.db
    .select({ id: workshops.id })
    .from(workshops)
    .where(and(eq(workshops.status, 'scheduled'), isNull(workshops.completedAt), lte(workshops.startsAt, now)))
    .orderBy(asc(workshops.startsAt), asc(workshops.id));
  // A pending workshop whose start has come was never decided on (the creator said 취소 or walked away): it was never
  // shown to anyone, so it goes.
  const dropped = await deps.db
    .delete(workshops)
    .where(and(eq(workshops.status, 'pending'), lte(workshops.startsAt, now)))
    .returning({ id: workshops.id });
  const totals = { credited: 0, certificates: 0, completed: 0, droppedPending: dropped.length };
  for (const { id } of begun)
    await deps.db.transaction(async (tx) => {
      // Locked, like 출석 확인: the same sign-ups are credited and a certificate is issued once.
      const [w] = await tx
        .select()
        .from(workshops)
        .where(and(eq(workshops.id, id), isNull(workshops.completedAt)))
        .for('update');
      if (!w || w.status !== 'scheduled') return;
      const present = await tx
        .select()
        .from(workshopSignups)
        .where(
          and(
            eq(workshopSignups.workshopId, w.id),
            eq(workshopSignups.status, 'confirmed'),
            isNotNull(workshopSignups.attendedAt),
          ),
        );
      for (const s of present) {
        if (!s.attendedAt) continue;
        const minutes = creditedMinutes({
          startsAt: w.startsAt,
          endsAt: w.endsAt,
          arrivedAt: s.attendedAt,
          at: now,
          fromStart: s.markedBy !== null,
        });
        if (minutes > s.attendedMinutes) {
          await tx.update(workshopSignups).set({ attendedMinutes: minutes }).where(eq(workshopSignups.id, s.id));
          totals.credited++;
        }
        if (await issueIfComplete({ tx, deps }, s.memberId, w)) totals.certificates++;
      }
      if (w.endsAt <= now) {
        await tx.update(workshops).set({ completedAt: now }).where(eq(workshops.id, w.id));
        totals.completed++;
      }
    });
  return totals;
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
