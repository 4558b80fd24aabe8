import { and, eq, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { groupChats, roles } from '../../db/schema/index.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue, enqueueToMember } from '../delivery/outbox.write.ts';
import { staffRoomsFor } from '../feedback/feedback.routing.ts';

/**
 * A district matter (an escalation of a notice, a village head's report) for the staff of one district: in its staff
 * rooms, at HQ when the district has none (the same routing as feedback), else to the district's (or the county's)
 * staff members directly. `key` keeps each message once per room or person. Returns how many rooms or people.
 */
export async function tellDistrictStaff(
  tx: DbOrTx,
  deps: CoreDeps,
  input: { districtCode: string; key: string; purpose: string; messages: OutboundMessage[]; noticeId?: number | undefined },
): Promise<number> {
  const rooms = await tx
    .select({ platform: groupChats.platform, chatId: groupChats.chatId, staffDistrictCode: groupChats.staffDistrictCode, isHqStaffRoom: groupChats.isHqStaffRoom })
    .from(groupChats)
    .where(or(eq(groupChats.staffDistrictCode, input.districtCode), eq(groupChats.isHqStaffRoom, true)));
  // An ordinary matter: the district's rooms, HQ only where the district has none.
  const targets = staffRoomsFor({ districtCode: input.districtCode, urgent: false, category: 'other' }, rooms);
  for (const room of targets)
    await enqueue(tx, deps, {
      dedupeKey: `${input.key}:${room.platform}:${room.chatId}`,
      to: { platform: room.platform, type: 'group', id: room.chatId },
      purpose: input.purpose,
      noticeId: input.noticeId,
      messages: input.messages,
    });
  if (targets.length) return targets.length;
  const district = await tx.select({ memberId: roles.memberId }).from(roles).where(and(eq(roles.role, 'district_staff'), eq(roles.districtCode, input.districtCode)));
  const staff = district.length ? district : await tx.select({ memberId: roles.memberId }).from(roles).where(eq(roles.role, 'county_staff'));
  for (const person of staff)
    await enqueueToMember(tx, deps, { memberId: person.memberId, messages: input.messages, purpose: input.purpose, noticeId: input.noticeId, dedupeKey: `${input.key}:member:${person.memberId}` });
  return staff.length;
}
