import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { workshops, workshopSignups } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { promoteWaitlisted } from './workshop.usecases.ts';

/**
 * 탈퇴: the person's places in workshops that have not started are given up, like a cancellation; each freed
 * place goes to the first on that workshop's waitlist, who is told (the same promotion as after a cancellation).
 * Workshops already begun or past keep their sign-ups: attendance and certificates are records, not seats.
 * Returns how many places were given up and the members promoted.
 */
export async function releaseSeatsOf(
  ctx: { tx: DbOrTx; deps: CoreDeps },
  memberId: number,
): Promise<{ released: number; promoted: number[] }> {
  const { tx, deps } = ctx;
  const now = deps.clock.now();
  const held = await tx
    .select({ signupId: workshopSignups.id, workshopId: workshopSignups.workshopId })
    .from(workshopSignups)
    .innerJoin(workshops, eq(workshops.id, workshopSignups.workshopId))
    .where(
      and(
        eq(workshopSignups.memberId, memberId),
        inArray(workshopSignups.status, ['confirmed', 'waitlisted']),
        gt(workshops.startsAt, now),
      ),
    )
    .orderBy(asc(workshopSignups.workshopId));
  if (held.length === 0) return { released: 0, promoted: [] };
  // The workshops are locked (in id order, as every sign-up path locks one) so that a sign-up racing this one
  // counts the freed place once.
  const locked = await tx
    .select()
    .from(workshops)
    .where(
      inArray(
        workshops.id,
        held.map((h) => h.workshopId),
      ),
    )
    .orderBy(asc(workshops.id))
    .for('update');
  await tx
    .update(workshopSignups)
    .set({ status: 'cancelled', cancelledAt: now })
    .where(
      inArray(
        workshopSignups.id,
        held.map((h) => h.signupId),
      ),
    );
  const promoted: number[] = [];
  for (const workshop of locked)
    if (workshop.status === 'scheduled') promoted.push(...(await promoteWaitlisted(ctx, workshop)));
  return { released: held.length, promoted };
}
