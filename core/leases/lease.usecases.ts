import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { leases } from '../../db/schema/index.ts';

export type LeaseClaim = { name: string; holder: string; now: Date; ttlMs: number };

/**
 * Takes the named lease, or renews it when `holder` already has it: one conditional upsert, so that two instances
 * asking at the same moment cannot both win (the row lock of the conflicting insert decides). Another holder's lease
 * is taken only once it has lapsed. Returns true when `holder` holds the lease until now + ttlMs.
 */
export async function claimLease(db: DbOrTx, claim: LeaseClaim): Promise<boolean> {
  const until = new Date(claim.now.getTime() + claim.ttlMs);
  const rows = await db
    .insert(leases)
    .values({ name: claim.name, holder: claim.holder, leaseUntil: until, acquiredAt: claim.now })
    .onConflictDoUpdate({
      target: leases.name,
      set: {
        holder: claim.holder,
        leaseUntil: until,
        // A renewal keeps the time the lease was first taken; a takeover starts it again.
        acquiredAt: sql`case when ${leases.holder} = excluded.holder then ${leases.acquiredAt} else excluded.acquired_at end`,
      },
      setWhere: or(lt(leases.leaseUntil, claim.now), eq(leases.holder, claim.holder)),
    })
    .returning({ holder: leases.holder });
  return rows.length > 0;
}

/** Gives the lease up at once (a clean stop), so that another instance need not wait for it to lapse. */
export async function releaseLease(db: DbOrTx, input: { name: string; holder: string }): Promise<void> {
  await db.delete(leases).where(and(eq(leases.name, input.name), eq(leases.holder, input.holder)));
}

/** Who holds the lease now, if anyone (status and tests). */
export async function leaseHolder(db: DbOrTx, name: string, now: Date): Promise<string | null> {
  const [row] = await db
    .select({ holder: leases.holder, leaseUntil: leases.leaseUntil })
    .from(leases)
    .where(eq(leases.name, name));
  return row && row.leaseUntil >= now ? row.holder : null;
}
