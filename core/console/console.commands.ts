import type { Turn } from '../conversation/conversation.turn.ts';
import { countyParts } from '../time/county.time.ts';
import { issueLoginLink } from './console.usecases.ts';

/** 콘솔: a one-time link to the web console, in this 1:1 chat only (anyone in a group could use it). */
export async function consoleCommand(turn: Turn): Promise<void> {
  const result = await issueLoginLink({
    tx: turn.tx,
    deps: turn.deps,
    memberId: turn.actor.memberId,
    grants: turn.actor.grants,
  });
  if (result.kind === 'not_staff') return turn.reply('웹 콘솔은 읍·면 직원과 이장님이 쓰는 화면입니다.');
  turn.reply(
    `웹 콘솔에 들어가는 링크입니다. 한 번만 쓸 수 있고 ${hhmm(result.expiresAt, turn.deps.timezone)}까지(5분) 열립니다. 다른 분께 전달하지 마세요.\n${result.url}`,
  );
}

function hhmm(at: Date, timeZone: string): string {
  const p = countyParts(at, timeZone);
  return `${p.hour}시 ${String(p.minute).padStart(2, '0')}분`;
}
