import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { issueIfComplete } from './workshop.attendance.usecases.ts';
import * as certs from './workshop.certificate.repository.ts';
import { formatFullDate } from './workshop.notify.ts';
import * as repo from './workshop.repository.ts';
import { creditedMinutes, EXPIRY_REMINDER_LEAD_MS } from './workshop.rules.ts';
import { presentSignups, updateSignups } from './workshop.signup.repository.ts';

export type CreditResult = {
  credited: number;
  certificates: number;
  completed: number;
  droppedPending: number;
};

/**
 * The completion job (every 5 minutes): each workshop that has begun and is not yet completed credits its attendees
 * with the minutes passed so far (the whole workshop for those staff marked, from arrival for the late), and issues
 * a certificate to whoever now has the required minutes (a series: across its sessions); its holder is told. Once a
 * workshop has ended it is completed: its minutes are final and it is not looked at again. So a certificate never
 * exists before the required minutes have passed, however early someone said 출석. Pending workshops left
 * undecided until their start are deleted.
 */
export async function creditAttendance(input: { deps: CoreDeps; now: Date }): Promise<CreditResult> {
  const { deps, now } = input;
  const begun = await repo.listBegunUncompleted(deps.db, now);
  // A pending workshop whose start has come was never decided on (the creator said 취소 or walked away): it was never
  // shown to anyone, so it goes.
  const droppedPending = await repo.deleteStartedPending(deps.db, now);
  const totals: CreditResult = { credited: 0, certificates: 0, completed: 0, droppedPending };
  for (const id of begun)
    await deps.db.transaction(async (tx) => {
      // Locked, like 출석 확인: the same sign-ups are credited and a certificate is issued once.
      const w = await repo.lockUncompleted(tx, id);
      if (!w || w.status !== 'scheduled') return;
      for (const s of await presentSignups(tx, w.id)) {
        if (!s.attendedAt) continue;
        const minutes = creditedMinutes({
          startsAt: w.startsAt,
          endsAt: w.endsAt,
          arrivedAt: s.attendedAt,
          at: now,
          fromStart: s.markedBy !== null,
        });
        if (minutes > s.attendedMinutes) {
          await updateSignups(tx, [s.id], { attendedMinutes: minutes });
          totals.credited++;
        }
        if ((await issueIfComplete({ tx, deps, memberId: s.memberId, workshop: w })).kind === 'issued')
          totals.certificates++;
      }
      if (w.endsAt <= now) {
        await repo.updateWorkshop(tx, w.id, { completedAt: now });
        totals.completed++;
      }
    });
  return totals;
}

/** The expiry job: each certificate lapsing within 30 days is announced once to its holder. */
export async function remindExpiringCertificates(input: { deps: CoreDeps; now: Date }): Promise<{ reminded: number }> {
  const { deps, now } = input;
  const due = await certs.expiringUnreminded(deps.db, now, new Date(now.getTime() + EXPIRY_REMINDER_LEAD_MS));
  let reminded = 0;
  for (const id of due)
    await deps.db.transaction(async (tx) => {
      const c = await certs.markExpiryReminded(tx, id, now);
      if (!c) return;
      const [item] = (await certs.certificatesOf(tx, c.memberId)).filter((x) => x.certificate.id === c.id);
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
