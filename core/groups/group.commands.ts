import { and, eq } from 'drizzle-orm';
import { districts, groupChats, villages } from '../../db/schema/index.ts';
import { can } from '../auth/authz.policy.ts';
import { loadLink } from './group.links.ts';
import { linkRefusal, mayChangeLink } from './group.rules.ts';
import type { Turn } from '../conversation/conversation.turn.ts';

/**
 * 마을방 연결 [마을] in a group chat links it to a village, so that relays and broadcasts land there. A village
 * head links to their own village; staff name the village.
 */
export async function linkGroupCommand(turn: Turn, args: string): Promise<void> {
  if (turn.chat.type !== 'group') return turn.reply('마을방 연결은 연결하실 마을 단체방에서 보내 주세요.');
  const candidates = await linkableVillages(turn, args.trim());
  if (candidates.length === 0)
    return turn.reply(
      args.trim()
        ? `"${args.trim()}" 마을을 찾지 못했거나 연결할 권한이 없습니다. 마을 이름을 확인해 주세요.`
        : '마을방 연결은 그 마을 이장님이나 담당 공무원만 할 수 있습니다.',
    );
  if (candidates.length > 1)
    return turn.reply(`어느 마을인지 알려 주세요. 예: "마을방 연결 ${candidates[0]?.nameKo ?? ''}"`);
  const village = candidates[0];
  if (!village) return;
  const existing = await loadLink(turn.tx, turn.chat);
  if (existing.kind === 'village' && existing.villageId === village.id)
    return turn.reply(`이 방은 이미 ${village.districtName} ${village.nameKo} 마을방입니다.`);
  if (!mayChangeLink(turn.actor.grants, existing)) return turn.reply(linkRefusal(existing));
  await turn.tx
    .insert(groupChats)
    .values({ platform: turn.chat.platform, chatId: turn.chat.id, villageId: village.id })
    .onConflictDoUpdate({
      target: [groupChats.platform, groupChats.chatId],
      set: { villageId: village.id, staffDistrictCode: null, isHqStaffRoom: false, linkedAt: turn.now },
    });
  turn.reply(
    `이 방을 ${village.districtName} ${village.nameKo} 마을방으로 연결했습니다. 공지와 마을방송이 이 방에도 전해집니다.`,
  );
}

/** 마을방 해제 / 직원방 해제: the room stops receiving relays and broadcasts (or staff matters). */
export async function unlinkGroupCommand(turn: Turn): Promise<void> {
  if (turn.chat.type !== 'group') return turn.reply('해제는 해당 단체방에서 보내 주세요.');
  const where = and(eq(groupChats.platform, turn.chat.platform), eq(groupChats.chatId, turn.chat.id));
  const linked = await loadLink(turn.tx, turn.chat);
  if (linked.kind === 'hq' || linked.kind === 'staff_room') {
    if (!mayChangeLink(turn.actor.grants, linked))
      return turn.reply('직원방 해제는 그 직원방의 담당 공무원만 할 수 있습니다.');
    await turn.tx.update(groupChats).set({ staffDistrictCode: null, isHqStaffRoom: false }).where(where);
    return turn.reply('직원방 연결을 해제했습니다. 이제 이 방에는 주민 의견과 요약이 오지 않습니다.');
  }
  if (linked.kind === 'none') return turn.reply('이 방은 마을방이나 직원방으로 연결되어 있지 않습니다.');
  if (!mayChangeLink(turn.actor.grants, linked))
    return turn.reply('마을방 해제는 그 마을 이장님이나 담당 공무원만 할 수 있습니다.');
  await turn.tx.update(groupChats).set({ villageId: null }).where(where);
  turn.reply('마을방 연결을 해제했습니다. 이제 이 방에는 공지와 마을방송이 오지 않습니다.');
}

async function linkableVillages(turn: Turn, name: string) {
  const rows = await turn.tx
    .select({
      id: villages.id,
      nameKo: villages.nameKo,
      districtCode: villages.districtCode,
      districtName: districts.nameKo,
    })
    .from(villages)
    .innerJoin(districts, eq(districts.code, villages.districtCode));
  const squash = (s: string) => s.replace(/\s+/g, '');
  return rows.filter((v) => {
    if (!can(turn.actor.grants, 'group.link', { villageId: v.id, districtCode: v.districtCode })) return false;
    if (!name) return turn.actor.grants.some((g) => g.role === 'village_head' && g.villageId === v.id);
    return squash(`${v.districtName}${v.nameKo}`).endsWith(squash(name)) || squash(v.nameKo).startsWith(squash(name));
  });
}
