import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  appointments,
  counties,
  districts,
  members,
  proxyRegistrations,
  registrations,
  villages,
} from '../../db/schema/index.ts';

/** Every query of 대신 등록. The number arrives encrypted and as its blind index only. */

/** Is this number (by its blind index) registered, pending or approved, to anyone, or does it carry an appointment? */
export async function numberInUse(tx: DbOrTx, mobileHash: string): Promise<'registered' | 'appointed' | null> {
  const [registered] = await tx
    .select({ id: registrations.id })
    .from(registrations)
    .where(and(eq(registrations.mobileHash, mobileHash), inArray(registrations.status, ['pending', 'approved'])));
  if (registered) return 'registered';
  const [appointed] = await tx
    .select({ id: appointments.id })
    .from(appointments)
    .where(and(eq(appointments.mobileHash, mobileHash), isNull(appointments.claimedBy)));
  return appointed ? 'appointed' : null;
}

/** A new member and their registration, approved as it is made (the head is the approver), and who made it. */
export async function insertProxyRegistration(
  tx: DbOrTx,
  input: {
    consentVersion: string;
    realName: string;
    mobileEnc: string;
    mobileHash: string;
    villageId: number;
    registeredBy: number;
    confirmedAt: Date;
    now: Date;
  },
): Promise<{ memberId: number; registrationId: number }> {
  const [member] = await tx.insert(members).values({}).returning({ id: members.id });
  if (!member) throw new Error('member insert returned nothing');
  const [registration] = await tx
    .insert(registrations)
    .values({
      memberId: member.id,
      consentVersion: input.consentVersion,
      consentedAt: input.confirmedAt,
      realName: input.realName,
      mobileEnc: input.mobileEnc,
      mobileHash: input.mobileHash,
      villageId: input.villageId,
      status: 'approved',
      decidedBy: input.registeredBy,
      decidedAt: input.now,
      createdAt: input.now,
    })
    .returning({ id: registrations.id });
  if (!registration) throw new Error('registration insert returned nothing');
  await tx.insert(proxyRegistrations).values({
    registrationId: registration.id,
    registeredBy: input.registeredBy,
    consentFormConfirmedAt: input.confirmedAt,
    createdAt: input.now,
  });
  return { memberId: member.id, registrationId: registration.id };
}

/** The villages one may register residents of, given their village ids and district codes (county staff: all). */
export async function villagesWithin(
  tx: DbOrTx,
  scope: { all: boolean; villageIds: number[]; districtCodes: string[] },
): Promise<{ id: number; nameKo: string; districtCode: string; districtName: string }[]> {
  const rows = await tx
    .select({ id: villages.id, nameKo: villages.nameKo, districtCode: districts.code, districtName: districts.nameKo })
    .from(villages)
    .innerJoin(districts, eq(districts.code, villages.districtCode))
    .orderBy(asc(districts.position), asc(villages.nameKo));
  if (scope.all) return rows;
  return rows.filter((r) => scope.villageIds.includes(r.id) || scope.districtCodes.includes(r.districtCode));
}

/** The registration a head made for someone, still in force: who it is, and where. */
export async function proxyRegistrationById(
  tx: DbOrTx,
  registrationId: number,
): Promise<{ memberId: number; villageId: number; districtCode: string; realName: string | null } | undefined> {
  const [row] = await tx
    .select({
      memberId: registrations.memberId,
      villageId: registrations.villageId,
      districtCode: villages.districtCode,
      realName: registrations.realName,
    })
    .from(proxyRegistrations)
    .innerJoin(registrations, eq(registrations.id, proxyRegistrations.registrationId))
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .where(and(eq(proxyRegistrations.registrationId, registrationId), eq(registrations.status, 'approved')));
  return row;
}

/** The member registered with this number (pending or approved), and whether a head registered them. */
export async function memberByNumber(
  tx: DbOrTx,
  mobileHash: string,
): Promise<{ memberId: number; byProxy: boolean } | undefined> {
  const [row] = await tx
    .select({ memberId: registrations.memberId, proxy: proxyRegistrations.registrationId })
    .from(registrations)
    .leftJoin(proxyRegistrations, eq(proxyRegistrations.registrationId, registrations.id))
    .where(and(eq(registrations.mobileHash, mobileHash), inArray(registrations.status, ['pending', 'approved'])));
  return row ? { memberId: row.memberId, byProxy: row.proxy !== null } : undefined;
}

export async function countyName(tx: DbOrTx): Promise<string | null> {
  const [county] = await tx.select({ nameKo: counties.nameKo }).from(counties).limit(1);
  return county?.nameKo ?? null;
}
