import { and, asc, eq, inArray, ne, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { districts, registrations, roles, villages } from '../../db/schema/index.ts';
import type { RoleName } from '../../db/schema/members.schema.ts';
import {
  approverRolesFor,
  claimAppointments,
  highestRole,
  mayDecideAppointed,
  openAppointmentRoles,
  openAppointments,
} from '../admin/appointments.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
import { deleteHeldApprovalRequests } from '../delivery/outbox.erase.ts';
import type { Cipher } from '../privacy/cipher.ts';
import { CONSENT_VERSION } from './registration.copy.ts';

export type SubmitResult =
  | { kind: 'submitted'; registrationId: number; approverIds: number[] }
  | { kind: 'already_active'; status: 'pending' | 'approved' }
  | { kind: 'mobile_taken' };

/** Is this number already registered (pending or approved) to someone else? Compared by blind index only. */
export async function isMobileTaken(
  tx: DbOrTx,
  cipher: Cipher,
  input: { mobile: string; memberId: number },
): Promise<boolean> {
  const [row] = await tx
    .select({ id: registrations.id })
    .from(registrations)
    .where(
      and(
        eq(registrations.mobileHash, cipher.blindIndex(input.mobile)),
        inArray(registrations.status, ['pending', 'approved']),
        ne(registrations.memberId, input.memberId),
      ),
    );
  return row !== undefined;
}

export async function submitRegistration(input: {
  tx: DbOrTx;
  cipher: Cipher;
  now: Date;
  memberId: number;
  consentedAt: Date;
  realName: string;
  mobile: string;
  villageId: number;
}): Promise<SubmitResult> {
  const { tx, cipher } = input;
  const [active] = await tx
    .select({ status: registrations.status })
    .from(registrations)
    .where(and(eq(registrations.memberId, input.memberId), inArray(registrations.status, ['pending', 'approved'])));
  if (active?.status === 'pending' || active?.status === 'approved')
    return { kind: 'already_active', status: active.status };
  if (await isMobileTaken(tx, cipher, input)) return { kind: 'mobile_taken' };
  const [created] = await tx
    .insert(registrations)
    .values({
      memberId: input.memberId,
      consentVersion: CONSENT_VERSION,
      consentedAt: input.consentedAt,
      realName: input.realName,
      mobileEnc: cipher.encrypt(input.mobile),
      mobileHash: cipher.blindIndex(input.mobile),
      villageId: input.villageId,
      createdAt: input.now,
    })
    .returning({ id: registrations.id });
  if (!created) throw new Error('registration insert returned nothing');
  const appointed = await openAppointmentRoles(tx, cipher.blindIndex(input.mobile));
  return {
    kind: 'submitted',
    registrationId: created.id,
    approverIds: await findApprovers(tx, input.villageId, input.memberId, { appointed }),
  };
}

/**
 * Who decides a registration: the village's head(s); where the village has none, the district's staff; where the
 * district has none either, county staff. Never the applicant themself. A number that carries an appointment skips
 * the tiers that may not grant it (mayDecideAppointed): a roster head's request goes to district staff.
 */
export async function findApprovers(
  tx: DbOrTx,
  villageId: number,
  applicantId: number,
  options: { appointed?: readonly RoleName[] } = {},
): Promise<number[]> {
  const [village] = await tx
    .select({ districtCode: villages.districtCode })
    .from(villages)
    .where(eq(villages.id, villageId));
  if (!village) return [];
  const allowed = approverRolesFor(options.appointed ?? []);
  const county = (['county_staff', 'admin'] as const).filter((r) => allowed.includes(r));
  const tiers = [
    ...(allowed.includes('village_head') ? [and(eq(roles.role, 'village_head'), eq(roles.villageId, villageId))] : []),
    ...(allowed.includes('district_staff')
      ? [and(eq(roles.role, 'district_staff'), eq(roles.districtCode, village.districtCode))]
      : []),
    ...(county.length ? [or(...county.map((r) => eq(roles.role, r)))] : []),
  ];
  for (const tier of tiers) {
    const rows = await tx
      .selectDistinct({ memberId: roles.memberId })
      .from(roles)
      .where(and(tier, ne(roles.memberId, applicantId)));
    if (rows.length > 0) return rows.map((r) => r.memberId).sort((a, b) => a - b);
  }
  return [];
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

const pendingColumns = {
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
    .select(pendingColumns)
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .innerJoin(districts, eq(districts.code, villages.districtCode));
}

/** Pending registrations that these grants may decide, oldest first. */
export async function listDecidable(
  tx: DbOrTx,
  grants: readonly RoleGrant[],
  memberId: number,
): Promise<PendingRegistration[]> {
  const rows = await registrationsWithPlace(tx)
    .where(eq(registrations.status, 'pending'))
    .orderBy(asc(registrations.id));
  const appointed = await openAppointments(
    tx,
    rows.flatMap((r) => (r.mobileHash ? [r.mobileHash] : [])),
  );
  return rows.filter(
    (r) =>
      r.memberId !== memberId &&
      mayDecideAppointed(grants, (r.mobileHash && appointed.get(r.mobileHash)) || [], {
        villageId: r.villageId,
        districtCode: r.districtCode,
      }),
  );
}

export type DecideResult =
  | { kind: 'decided'; decision: 'approved' | 'rejected'; registration: PendingRegistration }
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'own_registration' }
  | { kind: 'already_decided'; status: string }
  /** The number carries an appointment this decider may not grant: `decidedBy` says who decides it. */
  | { kind: 'appointment'; decidedBy: 'district' | 'county' };

export async function decideRegistration(input: {
  tx: DbOrTx;
  now: Date;
  decider: { memberId: number; grants: readonly RoleGrant[] };
  registrationId: number;
  decision: 'approved' | 'rejected';
}): Promise<DecideResult> {
  const { tx } = input;
  const [row] = await registrationsWithPlace(tx)
    .where(eq(registrations.id, input.registrationId))
    .for('update', { of: registrations });
  if (!row) return { kind: 'not_found' };
  if (!can(input.decider.grants, 'registration.decide', { villageId: row.villageId, districtCode: row.districtCode }))
    return { kind: 'forbidden' };
  if (row.memberId === input.decider.memberId) return { kind: 'own_registration' };
  if (row.status !== 'pending') return { kind: 'already_decided', status: row.status };
  const appointed = await openAppointmentRoles(tx, row.mobileHash);
  if (
    !mayDecideAppointed(input.decider.grants, appointed, { villageId: row.villageId, districtCode: row.districtCode })
  ) {
    const top = highestRole(appointed);
    return {
      kind: 'appointment',
      decidedBy: top === 'village_head' || top === 'district_staff' ? 'district' : 'county',
    };
  }
  const [decided] = await tx
    .update(registrations)
    .set({ status: input.decision, decidedBy: input.decider.memberId, decidedAt: input.now })
    .where(eq(registrations.id, row.id))
    .returning({ mobileHash: registrations.mobileHash });
  if (input.decision === 'approved' && decided?.mobileHash)
    await claimAppointments(tx, { mobileHash: decided.mobileHash, memberId: row.memberId, now: input.now });
  // The other approvers' requests still held for their quiet hours would ask about what is settled: withdrawn.
  await deleteHeldApprovalRequests(tx, row.memberId);
  return { kind: 'decided', decision: input.decision, registration: row };
}
