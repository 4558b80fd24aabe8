import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { districts, groupChats, villages } from '../../db/schema/index.ts';
import type { ChatRef } from '../channel/channel.types.ts';
import type { ExistingLink, Place } from './group.rules.ts';

/** The queries of group links; the rules decide in group.rules.ts, the usecases in groups.usecases.ts. */
export async function findLink(tx: DbOrTx, chat: ChatRef): Promise<ExistingLink> {
  const [row] = await tx
    .select({
      villageId: groupChats.villageId,
      districtCode: villages.districtCode,
      staffDistrictCode: groupChats.staffDistrictCode,
      hq: groupChats.isHqStaffRoom,
    })
    .from(groupChats)
    .leftJoin(villages, eq(villages.id, groupChats.villageId))
    .where(and(eq(groupChats.platform, chat.platform), eq(groupChats.chatId, chat.id)));
  if (!row) return { kind: 'none' };
  if (row.hq) return { kind: 'hq' };
  if (row.staffDistrictCode) return { kind: 'staff_room', districtCode: row.staffDistrictCode };
  if (row.villageId) return { kind: 'village', villageId: row.villageId, districtCode: row.districtCode };
  return { kind: 'none' };
}

export async function listVillagePlaces(tx: DbOrTx): Promise<Place[]> {
  return tx
    .select({
      id: villages.id,
      nameKo: villages.nameKo,
      districtCode: villages.districtCode,
      districtName: districts.nameKo,
    })
    .from(villages)
    .innerJoin(districts, eq(districts.code, villages.districtCode));
}

export async function listDistricts(tx: DbOrTx): Promise<{ code: string; nameKo: string }[]> {
  return tx.select({ code: districts.code, nameKo: districts.nameKo }).from(districts);
}

/** A chat is either a village room or a staff room, never both: setting one clears the other. */
export async function saveLink(
  tx: DbOrTx,
  input: { chat: ChatRef; now: Date; villageId: number | null; staffDistrictCode: string | null; hq: boolean },
): Promise<void> {
  const values = {
    villageId: input.villageId,
    staffDistrictCode: input.staffDistrictCode,
    isHqStaffRoom: input.hq,
    linkedAt: input.now,
  };
  await tx
    .insert(groupChats)
    .values({ platform: input.chat.platform, chatId: input.chat.id, ...values })
    .onConflictDoUpdate({ target: [groupChats.platform, groupChats.chatId], set: values });
}

export async function clearLink(tx: DbOrTx, chat: ChatRef, what: 'village' | 'staff'): Promise<void> {
  const set = what === 'village' ? { villageId: null } : { staffDistrictCode: null, isHqStaffRoom: false };
  await tx
    .update(groupChats)
    .set(set)
    .where(and(eq(groupChats.platform, chat.platform), eq(groupChats.chatId, chat.id)));
}
