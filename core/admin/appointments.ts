import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/db.client.ts';
import { appointments, registrations, roles } from '../../db/schema/index.ts';
import type { RoleName } from '../../db/schema/members.schema.ts';

/**
 * The appointment roster's queries (admin import, CLI `appoint`, and registration's approval): a role waits for a
 * number until the person with it is an approved resident. Who may decide such a registration is a rule of
 * registration (registration.rules.ts: mayDecideAppointed).
 */
export type Appointment = { mobileHash: string; role: RoleName; villageId: number | null; districtCode: string | null };

/**
 * Records a role for the person with this number. If that person is already an approved resident, the role is
 * granted at once; otherwise when their registration is approved (`claimAppointments`).
 */
export async function appoint(tx: DbOrTx, input: Appointment & { now: Date }): Promise<'granted' | 'waiting'> {
  await tx
    .insert(appointments)
    .values({
      mobileHash: input.mobileHash,
      role: input.role,
      villageId: input.villageId,
      districtCode: input.districtCode,
      createdAt: input.now,
    })
    .onConflictDoNothing();
  const [resident] = await tx
    .select({ memberId: registrations.memberId })
    .from(registrations)
    .where(and(eq(registrations.mobileHash, input.mobileHash), eq(registrations.status, 'approved')));
  if (!resident) return 'waiting';
  await claimAppointments(tx, { mobileHash: input.mobileHash, memberId: resident.memberId, now: input.now });
  return 'granted';
}

/** Grants the roles waiting for this number to the member whose registration was just approved. */
export async function claimAppointments(
  tx: DbOrTx,
  input: { mobileHash: string; memberId: number; now: Date },
): Promise<number> {
  const open = await tx
    .update(appointments)
    .set({ claimedBy: input.memberId, claimedAt: input.now })
    .where(and(eq(appointments.mobileHash, input.mobileHash), isNull(appointments.claimedBy)))
    .returning();
  if (open.length > 0)
    await tx
      .insert(roles)
      .values(
        open.map((a) => ({
          memberId: input.memberId,
          role: a.role,
          villageId: a.villageId,
          districtCode: a.districtCode,
        })),
      )
      .onConflictDoNothing();
  return open.length;
}

/**
 * 탈퇴 of someone who held roles: the roles go with them (a former head no longer sees the village's residents), and
 * the appointments they had claimed wait again for the number, so that registering again brings the role back.
 */
export async function releaseRolesOf(tx: DbOrTx, memberId: number): Promise<number> {
  const dropped = await tx.delete(roles).where(eq(roles.memberId, memberId)).returning({ id: roles.id });
  await tx.update(appointments).set({ claimedBy: null, claimedAt: null }).where(eq(appointments.claimedBy, memberId));
  return dropped.length;
}

/** SQL: no role is waiting for the number in this column (a registration a village head may decide). */
export function noOpenAppointment(mobileHash: AnyPgColumn): SQL {
  return sql`not exists (select 1 from ${appointments} where ${appointments}.mobile_hash = ${mobileHash} and ${appointments}.claimed_by is null)`;
}

/** Roles waiting for these numbers (unclaimed appointments), by number. */
export async function openAppointments(tx: DbOrTx, mobileHashes: readonly string[]): Promise<Map<string, RoleName[]>> {
  const found = new Map<string, RoleName[]>();
  if (mobileHashes.length === 0) return found;
  const rows = await tx
    .select({ mobileHash: appointments.mobileHash, role: appointments.role })
    .from(appointments)
    .where(and(inArray(appointments.mobileHash, [...new Set(mobileHashes)]), isNull(appointments.claimedBy)));
  for (const row of rows) found.set(row.mobileHash, [...(found.get(row.mobileHash) ?? []), row.role]);
  return found;
}

export async function openAppointmentRoles(tx: DbOrTx, mobileHash: string | null): Promise<RoleName[]> {
  if (!mobileHash) return [];
  return (await openAppointments(tx, [mobileHash])).get(mobileHash) ?? [];
}
