import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { districts, identities, members, registrations, roles, villages } from '../../db/schema/index.ts';
import type { RegistrationStatus } from '../../db/schema/members.schema.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import type { InboundSender, PlatformId } from '../channel/channel.types.ts';

export type ActiveRegistration = {
  id: number;
  status: Extract<RegistrationStatus, 'pending' | 'approved'>;
  realName: string | null;
  villageId: number;
  villageName: string;
  districtCode: string;
  districtName: string;
};

/** Who is talking: the member behind a platform identity, their appointed roles and their registration. */
export type Actor = {
  memberId: number;
  identityId: number;
  platform: PlatformId;
  platformUserId: string;
  grants: RoleGrant[];
  registration: ActiveRegistration | null;
};

/** Finds or creates the member behind a platform account, and notes that it was seen now. */
export async function resolveIdentity(
  tx: DbOrTx,
  input: { platform: PlatformId; sender: InboundSender; now: Date },
): Promise<{ memberId: number; identityId: number }> {
  const where = and(
    eq(identities.platform, input.platform),
    eq(identities.platformUserId, input.sender.platformUserId),
  );
  const [found] = await tx.select({ id: identities.id, memberId: identities.memberId }).from(identities).where(where);
  if (found) {
    await tx
      .update(identities)
      .set({
        lastSeenAt: input.now,
        reachable: true,
        ...(input.sender.nickname ? { nickname: input.sender.nickname } : {}),
      })
      .where(eq(identities.id, found.id));
    return { memberId: found.memberId, identityId: found.id };
  }
  const [member] = await tx.insert(members).values({}).returning({ id: members.id });
  if (!member) throw new Error('member insert returned nothing');
  const [created] = await tx
    .insert(identities)
    .values({
      memberId: member.id,
      platform: input.platform,
      platformUserId: input.sender.platformUserId,
      nickname: input.sender.nickname ?? null,
      lastSeenAt: input.now,
    })
    .onConflictDoNothing()
    .returning({ id: identities.id });
  if (created) return { memberId: member.id, identityId: created.id };
  // Another event of the same new account won the race: use its member, drop ours.
  await tx.delete(members).where(eq(members.id, member.id));
  const [winner] = await tx.select({ id: identities.id, memberId: identities.memberId }).from(identities).where(where);
  if (!winner) throw new Error('identity vanished during creation');
  return { memberId: winner.memberId, identityId: winner.id };
}

export async function loadGrants(tx: DbOrTx, memberId: number): Promise<RoleGrant[]> {
  const rows = await tx
    .select({ role: roles.role, villageId: roles.villageId, districtCode: roles.districtCode })
    .from(roles)
    .where(eq(roles.memberId, memberId));
  // A village head acts within their village's district too (e.g. to be found as that district's head).
  const villageIds = rows.flatMap((r) => (r.villageId === null ? [] : [r.villageId]));
  const villageDistricts = villageIds.length
    ? await tx
        .select({ id: villages.id, districtCode: villages.districtCode })
        .from(villages)
        .where(inArray(villages.id, villageIds))
    : [];
  return rows.map((r) => ({
    role: r.role,
    villageId: r.villageId,
    districtCode: r.districtCode ?? villageDistricts.find((v) => v.id === r.villageId)?.districtCode ?? null,
  }));
}

export async function loadActiveRegistration(tx: DbOrTx, memberId: number): Promise<ActiveRegistration | null> {
  const [row] = await tx
    .select({
      id: registrations.id,
      status: registrations.status,
      realName: registrations.realName,
      villageId: registrations.villageId,
      villageName: villages.nameKo,
      districtCode: districts.code,
      districtName: districts.nameKo,
    })
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .innerJoin(districts, eq(districts.code, villages.districtCode))
    .where(and(eq(registrations.memberId, memberId), inArray(registrations.status, ['pending', 'approved'])));
  if (!row || (row.status !== 'pending' && row.status !== 'approved')) return null;
  return { ...row, status: row.status };
}

export async function loadActor(
  tx: DbOrTx,
  input: { platform: PlatformId; sender: InboundSender; now: Date },
): Promise<Actor> {
  const { memberId, identityId } = await resolveIdentity(tx, input);
  // One after the other: a transaction is one connection.
  const grants = await loadGrants(tx, memberId);
  const registration = await loadActiveRegistration(tx, memberId);
  return {
    memberId,
    identityId,
    platform: input.platform,
    platformUserId: input.sender.platformUserId,
    grants,
    registration,
  };
}
