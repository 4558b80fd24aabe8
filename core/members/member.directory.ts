import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { districts, groupChats, identities, members, registrations, roles, villages } from '../../db/schema/index.ts';
import type { PlatformId } from '../channel/channel.types.ts';

/** Who is on a platform, described without personal data: nickname and what they are (이장, 담당자, 주민). */
export async function listPlatformMembers(
  tx: DbOrTx,
  platform: PlatformId,
): Promise<{ platformUserId: string; nickname: string | null; label: string }[]> {
  const people = await tx
    .select({ memberId: identities.memberId, platformUserId: identities.platformUserId, nickname: identities.nickname })
    .from(identities)
    .where(eq(identities.platform, platform))
    .orderBy(asc(identities.id));
  const memberIds = people.map((p) => p.memberId);
  if (memberIds.length === 0) return [];
  const roleRows = await tx
    .select({ memberId: roles.memberId, role: roles.role, village: villages.nameKo, district: districts.nameKo })
    .from(roles)
    .leftJoin(villages, eq(villages.id, roles.villageId))
    .leftJoin(districts, eq(districts.code, roles.districtCode))
    .where(inArray(roles.memberId, memberIds));
  const residentRows = await tx
    .select({ memberId: registrations.memberId, status: registrations.status, village: villages.nameKo })
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .where(and(inArray(registrations.memberId, memberIds), inArray(registrations.status, ['pending', 'approved'])));
  return people.map((p) => {
    const labels = roleRows
      .filter((r) => r.memberId === p.memberId)
      .map((r) =>
        r.role === 'village_head'
          ? `${r.village ?? ''} 이장`
          : r.role === 'district_staff'
            ? `${r.district ?? ''} 담당자`
            : r.role === 'county_staff'
              ? '군청 담당자'
              : '관리자',
      );
    const resident = residentRows.find((r) => r.memberId === p.memberId);
    if (labels.length === 0 && resident)
      labels.push(`${resident.village} 주민${resident.status === 'pending' ? ' (승인 대기)' : ''}`);
    return { platformUserId: p.platformUserId, nickname: p.nickname, label: labels.join(', ') || '미등록' };
  });
}

export async function listLinkedGroups(tx: DbOrTx, platform: PlatformId): Promise<{ chatId: string; title: string }[]> {
  const rows = await tx
    .select({
      chatId: groupChats.chatId,
      title: groupChats.title,
      village: villages.nameKo,
      district: districts.nameKo,
    })
    .from(groupChats)
    .leftJoin(villages, eq(villages.id, groupChats.villageId))
    .leftJoin(districts, eq(districts.code, villages.districtCode))
    .where(and(eq(groupChats.platform, platform), isNotNull(groupChats.chatId)))
    .orderBy(asc(groupChats.id));
  return rows.map((r) => ({
    chatId: r.chatId,
    title: r.title ?? (r.village ? `${r.district ?? ''} ${r.village} 마을방` : r.chatId),
  }));
}

/** A member's quiet hours (설정); the rule that applies them is core/delivery/quiet.hours.ts. */
export async function quietHoursOf(tx: DbOrTx, memberId: number): Promise<{ start: string; end: string } | undefined> {
  const [member] = await tx
    .select({ start: members.quietStart, end: members.quietEnd })
    .from(members)
    .where(eq(members.id, memberId));
  return member;
}
