import type { DbOrTx } from '../../db/db.client.ts';
import type { CoreDeps } from '../core.deps.ts';
import { workshopVersionKey } from '../delivery/delivery.keys.ts';
import { tellStaff } from '../staff/staff.rooms.ts';
import { josa } from '../text/korean.text.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { tellMembers } from './workshop.notify.ts';
import * as repo from './workshop.repository.ts';
import type { Workshop } from './workshop.repository.ts';
import { dueReminder } from './workshop.rules.ts';
import { attendeesOf, confirmedMembers } from './workshop.signup.repository.ts';

/**
 * The day before, the staff of the workshop's district (HQ for a county-wide one) get who is coming, without asking:
 * the confirmed names in sign-up order, the waitlist, and the check-in code to announce at the venue.
 */
async function sendStaffList(ctx: { tx: DbOrTx; deps: CoreDeps }, w: Workshop): Promise<number> {
  const people = await attendeesOf(ctx.tx, w.id);
  const confirmed = people.filter((p) => p.status === 'confirmed');
  const waiting = people.length - confirmed.length;
  const text = [
    `[내일 교육 명단] 「${w.title}」 ${formatKoreanDateTime(w.startsAt, ctx.deps.timezone)} · ${w.place}`,
    `확정 ${confirmed.length}명 / 정원 ${w.capacity}명${waiting ? ` · 대기 ${waiting}명` : ''}`,
    ...confirmed.map((p, i) => `${i + 1}. ${p.name}`),
    `출석 번호: ${w.checkInCode} (교육장에서 안내해 주세요. 주민은 ${josa(`"출석 ${w.checkInCode}"`, '을/를')} 보내면 됩니다)`,
  ].join('\n');
  return tellStaff(ctx.tx, ctx.deps, {
    districtCode: w.districtCode,
    key: workshopVersionKey({ workshopId: w.id, version: w.version, part: 'staff-list' }),
    purpose: 'workshop.staff',
    messages: [{ text }],
  });
}

export type RemindResult = { workshops: number; reminders: number; staffLists: number };

/**
 * The reminder job: what is due is computed from each workshop's current time at every run, never stored ahead. A
 * reschedule therefore moves both reminders, and the dedupe key (workshop, version, kind, person) keeps a run that
 * repeats — or two instances — from sending one twice. Only confirmed sign-ups of scheduled workshops are reminded;
 * the day before, the staff room gets the list.
 */
export async function sendDueWorkshopReminders(input: { deps: CoreDeps; now: Date }): Promise<RemindResult> {
  const { deps, now } = input;
  // The day-before reminder is at most ~30 hours ahead of the start (18:00 the day before a 23:59 start).
  const soon = await repo.listStartingBetween(deps.db, now, new Date(now.getTime() + 36 * 3_600_000));
  const totals: RemindResult = { workshops: 0, reminders: 0, staffLists: 0 };
  for (const candidate of soon) {
    if (!dueReminder(candidate.startsAt, now, deps.timezone)) continue;
    totals.workshops++;
    await deps.db.transaction(async (tx) => {
      // Read again under a lock: a reschedule committed since the first read changes what (and which version) is due.
      const w = await repo.lockWorkshop(tx, candidate.id);
      const kind = w && w.status === 'scheduled' ? dueReminder(w.startsAt, now, deps.timezone) : null;
      if (!w || !kind) return;
      totals.reminders += await tellMembers({
        tx,
        deps,
        workshop: w,
        memberIds: await confirmedMembers(tx, w.id),
        note: { kind: 'reminder', reminder: kind },
      });
      if (kind === 'day_before') totals.staffLists += await sendStaffList({ tx, deps }, w);
    });
  }
  return totals;
}
