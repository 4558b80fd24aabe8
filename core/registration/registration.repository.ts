import { and, asc, eq, inArray, ne, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { counties, districts, members, registrations, roles, villages } from '../../db/schema/index.ts';
import type { RoleName } from '../../db/schema/members.schema.ts';

/**
 * Every query of registration and its decision (withdrawal's are in withdrawal.repository.ts). The mobile number
 * comes in encrypted and as its blind index: nothing here sees it in clear.
 */
export type { RoleName };

export type Place = { id: number; nameKo: string };

export async function countyName(tx: DbOrTx): Promise<string | null> {
  const [county] = await tx.select({ nameKo: counties.nameKo }).from(counties).limit(1);
  return county?.nameKo ?? null;
}

/** The districts in the county's order: the registration dialog numbers them so. */
export function listDistricts(tx: DbOrTx): Promise<{ code: string; nameKo: string }[]> {
  return tx
    .select({ code: districts.code, nameKo: districts.nameKo })
    .from(districts)
    .orderBy(asc(districts.position), asc(districts.code));
}

export function listVillagesOf(tx: DbOrTx, districtCode: string): Promise<Place[]> {
  return tx
    .select({ id: villages.id, nameKo: villages.nameKo })
    .from(villages)
    .where(eq(villages.districtCode, districtCode))
    .orderBy(asc(villages.nameKo));
}

export async function villageWithDistrict(
  tx: DbOrTx,
  villageId: number,
): Promise<{ villageName: string; districtCode: string; districtName: string } | undefined> {
  const [place] = await tx
    .select({ villageName: villages.nameKo, districtCode: districts.code, districtName: districts.nameKo })
    .from(villages)
    .innerJoin(districts, eq(districts.code, villages.districtCode))
    .where(eq(villages.id, villageId));
  return place;
}

/** The member's registration still open (pending) or in force (approved), if any. */
export async function openRegistrationStatus(tx: DbOrTx, memberId: number): Promise<'pending' | 'approved' | null> {
  const [active] = await tx
    .select({ status: registrations.status })
    .from(registrations)
    .where(and(eq(registrations.memberId, memberId), inArray(registrations.status, ['pending', 'approved'])));
  return active?.status === 'pending' || active?.status === 'approved' ? active.status : null;
}

/** Is this number (by its blind index) registered, pending or approved, to another member? */
export async function mobileHeldByOther(tx: DbOrTx, mobileHash: string, memberId: number): Promise<boolean> {
  const [row] = await tx
    .select({ id: registrations.id })
    .from(registrations)
    .where(
      and(
        eq(registrations.mobileHash, mobileHash),
        inArray(registrations.status, ['pending', 'approved']),
        ne(registrations.memberId, memberId),
      ),
    );
  return row !== undefined;
}

export async function insertRegistration(
  tx: DbOrTx,
  values: {
    memberId: number;
    consentVersion: string;
    consentedAt: Date;
    realName: string;
    mobileEnc: string;
    mobileHash: string;
    villageId: number;
    createdAt: Date;
  },
): Promise<number> {
  const [created] = await tx.insert(registrations).values(values).returning({ id: registrations.id });
  if (!created) throw new Error('registration insert returned nothing');
  return created.id;
}

/**
 * The members holding one of these roles for the village or its district (county roles: anywhere), the applicant
 * left out; tiers are asked in order, the first with anyone answers. Sorted, so requests go out in a stable order.
 */
export async function approversByTier(
  tx: DbOrTx,
  input: { villageId: number; districtCode: string; applicantId: number; tiers: RoleName[][] },
): Promise<number[]> {
  const scoped = (role: RoleName): SQL | undefined =>
    role === 'village_head'
      ? and(eq(roles.role, role), eq(roles.villageId, input.villageId))
      : role === 'district_staff'
        ? and(eq(roles.role, role), eq(roles.districtCode, input.districtCode))
        : eq(roles.role, role);
  for (const tier of input.tiers) {
    if (tier.length === 0) continue;
    const rows = await tx
      .selectDistinct({ memberId: roles.memberId })
      .from(roles)
      .where(and(or(...tier.map(scoped)), ne(roles.memberId, input.applicantId)));
    if (rows.length > 0) return rows.map((r) => r.memberId).sort((a, b) => a - b);
  }
  return [];
}

/** The approvers' quiet hours and roles: when a request reaches them, and who the applicant is told decides. */
export async function approversWindowsAndRoles(
  tx: DbOrTx,
  ids: readonly number[],
): Promise<{
  windows: { id: number; start: string; end: string }[];
  held: { role: RoleName; villageId: number | null }[];
}> {
  if (ids.length === 0) return { windows: [], held: [] };
  const windows = await tx
    .select({ id: members.id, start: members.quietStart, end: members.quietEnd })
    .from(members)
    .where(inArray(members.id, [...ids]));
  const held = await tx
    .select({ role: roles.role, villageId: roles.villageId })
    .from(roles)
    .where(inArray(roles.memberId, [...ids]));
  return { windows, held };
}

export type PendingRegistration = {
  id: number;
  memberId: number;
  realName: string | null;
  mobileEnc: string | null;
  villageId: number;
  villageName: string;
  districtCode: string;
  districtName: string;
  createdAt: Date;
  mobileHash: string | null;
};

const withPlaceColumns = {
  id: registrations.id,
  memberId: registrations.memberId,
  realName: registrations.realName,
  mobileEnc: registrations.mobileEnc,
  villageId: registrations.villageId,
  villageName: villages.nameKo,
  districtCode: districts.code,
  districtName: districts.nameKo,
  createdAt: registrations.createdAt,
  mobileHash: registrations.mobileHash,
  status: registrations.status,
};

function registrationsWithPlace(tx: DbOrTx) {
  return tx
    .select(withPlaceColumns)
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .innerJoin(districts, eq(districts.code, villages.districtCode));
}

/** Every pending registration with its place, oldest first. */
export function listPending(tx: DbOrTx): Promise<(PendingRegistration & { status: string })[]> {
  return registrationsWithPlace(tx).where(eq(registrations.status, 'pending')).orderBy(asc(registrations.id));
}

/** The registration, locked until the transaction ends: two deciders at once decide it once. */
export async function lockRegistration(
  tx: DbOrTx,
  id: number,
): Promise<(PendingRegistration & { status: string }) | undefined> {
  const [row] = await registrationsWithPlace(tx).where(eq(registrations.id, id)).for('update', { of: registrations });
  return row;
}

export async function saveDecision(
  tx: DbOrTx,
  input: { id: number; status: 'approved' | 'rejected'; decidedBy: number; decidedAt: Date },
): Promise<void> {
  await tx
    .update(registrations)
    .set({ status: input.status, decidedBy: input.decidedBy, decidedAt: input.decidedAt })
    .where(eq(registrations.id, input.id));
}
