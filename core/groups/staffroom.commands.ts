import { eq } from 'drizzle-orm';
import { districts, groupChats } from '../../db/schema/index.ts';
import { can } from '../auth/authz.policy.ts';
import { loadLink } from './group.links.ts';
import { linkRefusal, mayChangeLink } from './group.rules.ts';
import type { Turn } from '../conversation/conversation.turn.ts';

type StaffRoom = { kind: 'hq' } | { kind: 'district'; code: string; name: string };

const HQ_WORDS = new Set(['본청', '군청', 'hq']);

/**
 * 직원방 연결 [읍면] in a group chat makes it a staff room: the HQ room (county staff) or a district's (its staff),
 * where feedback, escalations and the daily digest of that scope arrive. A staff room is never a village room too:
 * residents must not read what staff receive.
 */
export async function linkStaffRoomCommand(turn: Turn, args: string): Promise<void> {
  if (turn.chat.type !== 'group') return turn.reply('직원방 연결은 직원들이 함께 쓰는 단체방에서 보내 주세요.');
  const room = await chooseRoom(turn, args.trim());
  if (room === 'ambiguous') return turn.reply('어느 읍·면의 직원방인지 알려 주세요. 예: "직원방 연결 고성읍"');
  if (room === 'unknown')
    return turn.reply(
      `"${args.trim()}" 읍·면을 찾지 못했습니다. 이름을 확인해 주세요. 본청 직원방은 "직원방 연결 본청"입니다.`,
    );
  const target = room?.kind === 'district' ? { districtCode: room.code } : {};
  if (!room || !can(turn.actor.grants, 'staffroom.link', target))
    return turn.reply(
      '직원방 연결은 담당 공무원만 할 수 있습니다. 읍·면 담당자는 자기 읍·면의 직원방만 연결할 수 있습니다.',
    );
  const existing = await loadLink(turn.tx, turn.chat);
  if (!mayChangeLink(turn.actor.grants, existing)) return turn.reply(linkRefusal(existing));
  const values = {
    villageId: null,
    staffDistrictCode: room.kind === 'district' ? room.code : null,
    isHqStaffRoom: room.kind === 'hq',
    linkedAt: turn.now,
  };
  await turn.tx
    .insert(groupChats)
    .values({ platform: turn.chat.platform, chatId: turn.chat.id, ...values })
    .onConflictDoUpdate({ target: [groupChats.platform, groupChats.chatId], set: values });
  const label = room.kind === 'hq' ? '본청' : room.name;
  turn.reply(
    `이 방을 ${label} 직원방으로 연결했습니다. 주민 의견과 아침 요약이 이 방으로 옵니다. 해제하려면 "직원방 해제"를 보내 주세요.`,
  );
}

async function chooseRoom(turn: Turn, name: string): Promise<StaffRoom | 'ambiguous' | 'unknown' | null> {
  if (HQ_WORDS.has(name.toLowerCase())) return { kind: 'hq' };
  if (name) {
    const squash = (s: string) => s.replace(/\s+/g, '');
    const all = await turn.tx.select({ code: districts.code, nameKo: districts.nameKo }).from(districts);
    const found = all.filter((d) => squash(d.nameKo).startsWith(squash(name)) || d.code === name);
    if (found.length !== 1) return found.length ? 'ambiguous' : 'unknown';
    return { kind: 'district', code: found[0]?.code ?? '', name: found[0]?.nameKo ?? '' };
  }
  if (turn.actor.grants.some((g) => g.role === 'county_staff' || g.role === 'admin')) return { kind: 'hq' };
  const codes = [
    ...new Set(
      turn.actor.grants.flatMap((g) => (g.role === 'district_staff' && g.districtCode ? [g.districtCode] : [])),
    ),
  ];
  if (codes.length > 1) return 'ambiguous';
  if (codes.length === 0) return null;
  const [d] = await turn.tx
    .select({ code: districts.code, nameKo: districts.nameKo })
    .from(districts)
    .where(eq(districts.code, codes[0] ?? ''));
  return d ? { kind: 'district', code: d.code, name: d.nameKo } : null;
}
