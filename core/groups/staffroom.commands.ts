import type { Turn } from '../conversation/conversation.turn.ts';
import { linkTaken } from './group.commands.ts';
import { linkStaffRoom } from './groups.usecases.ts';

/**
 * 직원방 연결 [읍면] in a group chat makes it a staff room: the HQ room (county staff) or a district's (its staff),
 * where feedback, escalations and the daily digest of that scope arrive. A staff room is never a village room too:
 * residents must not read what staff receive.
 */
export async function linkStaffRoomCommand(turn: Turn, args: string): Promise<void> {
  const name = args.trim();
  const result = await linkStaffRoom({ tx: turn.tx, chat: turn.chat, grants: turn.actor.grants, now: turn.now, name });
  switch (result.kind) {
    case 'ambiguous':
      return turn.reply('어느 읍·면의 직원방인지 알려 주세요. 예: "직원방 연결 고성읍"');
    case 'unknown':
      return turn.reply(
        `"${name}" 읍·면을 찾지 못했습니다. 이름을 확인해 주세요. 본청 직원방은 "직원방 연결 본청"입니다.`,
      );
    case 'forbidden':
      return turn.reply(
        '직원방 연결은 담당 공무원만 할 수 있습니다. 읍·면 담당자는 자기 읍·면의 직원방만 연결할 수 있습니다.',
      );
    case 'taken':
      return turn.reply(linkTaken(result.existing));
    case 'linked': {
      const label = result.room.kind === 'hq' ? '본청' : result.room.name;
      return turn.reply(
        `이 방을 ${label} 직원방으로 연결했습니다. 주민 의견과 아침 요약이 이 방으로 옵니다. 해제하려면 "직원방 해제"를 보내 주세요.`,
      );
    }
  }
}
