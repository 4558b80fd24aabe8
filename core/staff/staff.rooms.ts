import { and, eq, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { groupChats, roles } from '../../db/schema/index.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import type { Purpose } from '../delivery/delivery.purpose.ts';
import { enqueue, enqueueToMember } from '../delivery/outbox.write.ts';

export type StaffRoomRef = {
  platform: string;
  chatId: string;
  staffDistrictCode: string | null;
  isHqStaffRoom: boolean;
};

/**
 * Which staff rooms hear of a district matter: the district's rooms, HQ's too when asked (`alsoHq`), and HQ alone
 * when the district has none (or the matter is the whole county's: no district). Empty when the county has linked no
 * staff room at all (the caller then tells the staff members directly).
 */
export function staffRoomTargets(
  input: { districtCode: string | null; alsoHq: boolean },
  rooms: readonly StaffRoomRef[],
): StaffRoomRef[] {
  const district = input.districtCode ? rooms.filter((r) => r.staffDistrictCode === input.districtCode) : [];
  const hq = rooms.filter((r) => r.isHqStaffRoom);
  return [...district, ...(district.length === 0 || input.alsoHq ? hq : [])];
}

/**
 * Tells the staff of a matter's scope (feedback, a notice's escalation, a report, a workshop's list): in the staff
 * rooms staffRoomTargets chooses, or, where none is linked, each staff member of the district (else of the county)
 * directly. `key` keeps each message once per room or person. Returns how many rooms or people.
 */
export async function tellStaff(
  tx: DbOrTx,
  deps: CoreDeps,
  input: {
    districtCode: string | null;
    alsoHq?: boolean;
    urgent?: boolean;
    key: string;
    purpose: Purpose;
    messages: OutboundMessage[];
    noticeId?: number | undefined;
  },
): Promise<number> {
  const rooms = await tx
    .select({
      platform: groupChats.platform,
      chatId: groupChats.chatId,
      staffDistrictCode: groupChats.staffDistrictCode,
      isHqStaffRoom: groupChats.isHqStaffRoom,
    })
    .from(groupChats)
    .where(
      input.districtCode
        ? or(eq(groupChats.staffDistrictCode, input.districtCode), eq(groupChats.isHqStaffRoom, true))
        : eq(groupChats.isHqStaffRoom, true),
    );
  const targets = staffRoomTargets({ districtCode: input.districtCode, alsoHq: input.alsoHq ?? false }, rooms);
  for (const room of targets)
    await enqueue(tx, deps, {
      dedupeKey: `${input.key}:${room.platform}:${room.chatId}`,
      to: { platform: room.platform, type: 'group', id: room.chatId },
      purpose: input.purpose,
      subject: input.noticeId === undefined ? undefined : { kind: 'notice', id: input.noticeId },
      messages: input.messages,
    });
  if (targets.length) return targets.length;
  const district = input.districtCode
    ? await tx
        .select({ memberId: roles.memberId })
        .from(roles)
        .where(and(eq(roles.role, 'district_staff'), eq(roles.districtCode, input.districtCode)))
    : [];
  const staff = district.length
    ? district
    : await tx.select({ memberId: roles.memberId }).from(roles).where(eq(roles.role, 'county_staff'));
  for (const person of staff)
    await enqueueToMember(tx, deps, {
      memberId: person.memberId,
      messages: input.messages,
      purpose: input.purpose,
      subject: input.noticeId === undefined ? undefined : { kind: 'notice', id: input.noticeId },
      urgent: input.urgent,
      dedupeKey: `${input.key}:member:${person.memberId}`,
    });
  return staff.length;
}
