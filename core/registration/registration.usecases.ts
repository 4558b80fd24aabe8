import { and, asc, eq, inArray, isNotNull, ne, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  dialogStates,
  districts,
  feedbackItems,
  feedbackMessages,
  identities,
  inboundEvents,
  outbox,
  registrations,
  roles,
  villages,
} from '../../db/schema/index.ts';
import { claimAppointments, hasOpenAppointment } from '../admin/appointments.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
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
  const appointed = await hasOpenAppointment(tx, cipher.blindIndex(input.mobile));
  return {
    kind: 'submitted',
    registrationId: created.id,
    approverIds: await findApprovers(tx, input.villageId, input.memberId, { skipVillageHeads: appointed }),
  };
}

/**
 * Who decides a registration: the village's head(s); where the village has none, the district's staff; where the
 * district has none either, county staff. Never the applicant themself.
 */
export async function findApprovers(
  tx: DbOrTx,
  villageId: number,
  applicantId: number,
  options: { skipVillageHeads?: boolean } = {},
): Promise<number[]> {
  const [village] = await tx
    .select({ districtCode: villages.districtCode })
    .from(villages)
    .where(eq(villages.id, villageId));
  if (!village) return [];
  const tiers = [
    ...(options.skipVillageHeads ? [] : [and(eq(roles.role, 'village_head'), eq(roles.villageId, villageId))]),
    and(eq(roles.role, 'district_staff'), eq(roles.districtCode, village.districtCode)),
    or(eq(roles.role, 'county_staff'), eq(roles.role, 'admin')),
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
  return rows.filter(
    (r) =>
      r.memberId !== memberId &&
      can(grants, 'registration.decide', { villageId: r.villageId, districtCode: r.districtCode }),
  );
}

export type DecideResult =
  | { kind: 'decided'; decision: 'approved' | 'rejected'; registration: PendingRegistration }
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'own_registration' }
  | { kind: 'already_decided'; status: string };

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
  const [decided] = await tx
    .update(registrations)
    .set({ status: input.decision, decidedBy: input.decider.memberId, decidedAt: input.now })
    .where(eq(registrations.id, row.id))
    .returning({ mobileHash: registrations.mobileHash });
  if (input.decision === 'approved' && decided?.mobileHash)
    await claimAppointments(tx, { mobileHash: decided.mobileHash, memberId: row.memberId, now: input.now });
  return { kind: 'decided', decision: input.decision, registration: row };
}

/**
 * 탈퇴: the registration is marked withdrawn and the person's name and number are erased, together with every
 * copy of what they typed (dialogs, stored inbound events) and the message bodies sent to them.
 */
export async function withdrawMember(input: { tx: DbOrTx; now: Date; memberId: number }): Promise<{ erased: number }> {
  const { tx, memberId } = input;
  const erased = await tx
    .update(registrations)
    .set({ realName: null, mobileEnc: null, mobileHash: null, withdrawnAt: input.now })
    .where(
      and(
        eq(registrations.memberId, memberId),
        or(isNotNull(registrations.realName), isNotNull(registrations.mobileEnc)),
      ),
    )
    .returning({ id: registrations.id });
  await tx
    .update(registrations)
    .set({ status: 'withdrawn' })
    .where(and(eq(registrations.memberId, memberId), inArray(registrations.status, ['pending', 'approved'])));
  const own = await tx
    .select({ id: identities.id, platform: identities.platform, platformUserId: identities.platformUserId })
    .from(identities)
    .where(eq(identities.memberId, memberId));
  for (const identity of own) {
    await tx.delete(dialogStates).where(eq(dialogStates.identityId, identity.id));
    await tx
      .update(inboundEvents)
      .set({ payloadEnc: null })
      .where(
        and(eq(inboundEvents.platform, identity.platform), eq(inboundEvents.platformUserId, identity.platformUserId)),
      );
  }
  await tx
    .update(outbox)
    .set({ messagesEnc: null })
    .where(
      and(
        or(eq(outbox.memberId, memberId), eq(outbox.aboutMemberId, memberId)),
        inArray(outbox.status, ['sent', 'failed']),
      ),
    );
  // What they wrote as feedback, and its photos and places; staff answers to them stay (they are the county's).
  await tx
    .update(feedbackItems)
    .set({ bodyEnc: null, attachmentsEnc: null, summary: null })
    .where(eq(feedbackItems.memberId, memberId));
  await tx.update(feedbackMessages).set({ bodyEnc: null }).where(eq(feedbackMessages.authorMemberId, memberId));
  return { erased: erased.length };
}
