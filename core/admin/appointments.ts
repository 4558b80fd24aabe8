import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { appointments, registrations, roles } from '../../db/schema/index.ts';
import type { RoleName } from '../../db/schema/members.schema.ts';

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

/** Someone the roster names as a village head is approved by district staff, not by the head they may replace. */
export async function hasOpenAppointment(tx: DbOrTx, mobileHash: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(
        eq(appointments.mobileHash, mobileHash),
        isNull(appointments.claimedBy),
        inArray(appointments.role, ['village_head', 'district_staff', 'county_staff', 'admin']),
      ),
    );
  return row !== undefined;
}
