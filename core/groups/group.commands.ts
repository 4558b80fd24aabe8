import type { Turn } from '../conversation/conversation.turn.ts';
import type { ExistingLink } from './group.rules.ts';
import { linkVillageRoom, unlinkRoom } from './groups.usecases.ts';

/**
 * 마을방 연결 [마을] in a group chat links it to a village, so that relays and broadcasts land there. A village
 * head links to their own village; staff name the village.
 */
export async function linkGroupCommand(turn: Turn, args: string): Promise<void> {
  const name = args.trim();
  const result = await linkVillageRoom({
    tx: turn.tx,
    chat: turn.chat,
    grants: turn.actor.grants,
    now: turn.now,
    name,
  });
  switch (result.kind) {
    case 'not_found':
      return turn.reply(
        name
          ? `"${name}" 마을을 찾지 못했거나 연결할 권한이 없습니다. 마을 이름을 확인해 주세요.`
          : '마을방 연결은 그 마을 이장님이나 담당 공무원만 할 수 있습니다.',
      );
    case 'ambiguous':
      return turn.reply(`어느 마을인지 알려 주세요. 예: "마을방 연결 ${result.example}"`);
    case 'already':
      return turn.reply(`이 방은 이미 ${result.village.districtName} ${result.village.nameKo} 마을방입니다.`);
    case 'taken':
      return turn.reply(linkTaken(result.existing));
    case 'linked':
      return turn.reply(
        `이 방을 ${result.village.districtName} ${result.village.nameKo} 마을방으로 연결했습니다. 공지와 마을방송이 이 방에도 전해집니다.`,
      );
  }
}

/** 마을방 해제 / 직원방 해제: the room stops receiving relays and broadcasts (or staff matters). */
export async function unlinkGroupCommand(turn: Turn): Promise<void> {
  const result = await unlinkRoom({ tx: turn.tx, chat: turn.chat, grants: turn.actor.grants });
  if (result.kind === 'not_linked') return turn.reply('이 방은 마을방이나 직원방으로 연결되어 있지 않습니다.');
  if (result.was === 'staff')
    return turn.reply(
      result.kind === 'forbidden'
        ? '직원방 해제는 그 직원방의 담당 공무원만 할 수 있습니다.'
        : '직원방 연결을 해제했습니다. 이제 이 방에는 주민 의견과 요약이 오지 않습니다.',
    );
  turn.reply(
    result.kind === 'forbidden'
      ? '마을방 해제는 그 마을 이장님이나 담당 공무원만 할 수 있습니다.'
      : '마을방 연결을 해제했습니다. 이제 이 방에는 공지와 마을방송이 오지 않습니다.',
  );
}

export function linkTaken(link: ExistingLink): string {
  if (link.kind === 'village')
    return '이 방은 이미 다른 마을방으로 연결되어 있습니다. 그 마을 이장님이나 담당 공무원만 바꿀 수 있습니다.';
  return '이 방은 직원방으로 연결되어 있습니다. 그 직원방의 담당 공무원만 바꿀 수 있습니다.';
}
