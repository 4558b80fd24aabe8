import { and, eq, gt, lte } from 'drizzle-orm';
import { workshops, workshopSignups } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { tellMembers } from './workshop.notify.ts';
import { dueReminder } from './workshop.rules.ts';

/**
 * The reminder job: what is due is computed from each workshop's current time at every run, never stored ahead. A
 * reschedule therefore moves both reminders, and the dedupe key (workshop, version, kind, person) keeps a run that
 * repeats — or two instances — from sending one twice. Only confirmed sign-ups of scheduled workshops are reminded.
 */
export async function sendDueWorkshopReminders(input: { deps: CoreDeps; now: Date }): Promise<{ workshops: number; reminders: number }> {
  const { deps, now } = input;
  // The day-before reminder is at most ~30 hours ahead of the start (18:00 the day before a 23:59 start).
  const soon = await deps.db
    .select()
    .from(workshops)
    .where(and(eq(workshops.status, 'scheduled'), gt(workshops.startsAt, now), lte(workshops.startsAt, new Date(now.getTime() + 36 * 3_600_000))));
  let reminded = 0;
  let count = 0;
  for (const candidate of soon) {
    if (!dueReminder(candidate.startsAt, now, deps.timezone)) continue;
    count++;
    await deps.db.transaction(async (tx) => {
      // Read again under a lock: a reschedule committed since the first read changes what (and which version) is due.
      const [w] = await tx.select().from(workshops).where(eq(workshops.id, candidate.id)).for('update');
      const kind = w && w.status === 'scheduled' ? dueReminder(w.startsAt, now, deps.timezone) : null;
      if (!w || !kind) return;
      const confirmed = await tx
        .select({ memberId: workshopSignups.memberId })
        .from(workshopSignups)
        .where(and(eq(workshopSignups.workshopId, w.id), eq(workshopSignups.status, 'confirmed')));
      reminded += await tellMembers({ tx, deps }, w, confirmed.map((s) => s.memberId), { kind: 'reminder', reminder: kind });
    });
  }
  return { workshops: count, reminders: reminded };
}
