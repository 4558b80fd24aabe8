import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/db.client.ts';
import { registrations, roles } from '../../db/schema/index.ts';

/**
 * The one rule for "who counts as a resident (주민)": a member whose registration is approved and who holds no
 * appointed role. Village heads and staff register like everyone (their number proves who they are) and still get
 * what their village gets, but in every "주민 N명" they are not residents: a county that seeded 42 heads has no
 * residents yet. Use these forms wherever residents are counted; never write the rule again.
 */

/** True for a member who holds no role (village head, staff, admin); `memberId` is a column or a raw SQL reference. */
export function holdsNoRole(memberId: AnyPgColumn | SQL): SQL {
  // Column written by name: this fragment also goes into hand-written statements (the broadcast fan-out).
  return sql`not exists (select 1 from ${roles} where ${roles}.member_id = ${memberId})`;
}

/** Registrations of residents: approved, of someone without a role. For a query over `registrations`. */
export function residentRegistration(): SQL {
  return and(eq(registrations.status, 'approved'), holdsNoRole(registrations.memberId)) as SQL;
}

/** The same rule for a hand-written statement whose registrations row is aliased (e.g. `r`). */
export function residentRegistrationRaw(alias: string): SQL {
  return sql`${sql.raw(alias)}.status = 'approved' and ${holdsNoRole(sql.raw(`${alias}.member_id`))}`;
}

export async function isResident(tx: DbOrTx, memberId: number): Promise<boolean> {
  const [row] = await tx
    .select({ id: registrations.id })
    .from(registrations)
    .where(and(eq(registrations.memberId, memberId), residentRegistration()))
    .limit(1);
  return row !== undefined;
}
