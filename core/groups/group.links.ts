import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { groupChats, villages } from '../../db/schema/index.ts';
import type { ChatRef } from '../channel/channel.types.ts';
import type { ExistingLink } from './group.rules.ts';

/** The link a group chat has now (one query; the rules decide in group.rules.ts). */
export async function loadLink(tx: DbOrTx, chat: ChatRef): Promise<ExistingLink> {
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
