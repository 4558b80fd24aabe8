import { isApprover } from '../auth/authz.policy.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { Actor } from '../members/member.resolve.ts';
import type { Turn } from './conversation.turn.ts';

type MenuEntry = { label: string; command: string };

/** What this person can do here; the same list answers "도움말" and anything not understood. */
export function menuEntries(actor: Actor, chatType: 'direct' | 'group'): MenuEntry[] {
  const entries: MenuEntry[] = [];
  if (chatType === 'group') {
    if (isApprover(actor.grants))
      entries.push({ label: '마을방 연결', command: '마을방 연결' }, { label: '마을방 해제', command: '마을방 해제' });
    if (actor.grants.some((g) => g.role !== 'village_head'))
      entries.push({ label: '직원방 연결', command: '직원방 연결' });
    entries.push({ label: '도움말', command: '도움말' });
    return entries;
  }
  if (!actor.registration) entries.push({ label: '실명 등록', command: '등록' });
  else if (actor.registration.status === 'pending') entries.push({ label: '등록 신청 확인', command: '등록' });
  if (actor.registration)
    entries.push({ label: '의견 보내기', command: '의견' }, { label: '내 의견', command: '내 의견' });
  if (actor.registration?.status === 'approved') entries.push({ label: '지난 마을방송', command: '방송' });
  if (actor.registration?.status === 'approved')
    entries.push({ label: '교육 신청', command: '교육' }, { label: '수료증', command: '수료증' });
  if (isApprover(actor.grants))
    entries.push(
      { label: '등록 신청 승인', command: '승인' },
      { label: '마을방송 보내기', command: '방송 보내기' },
      { label: '현황', command: '현황' },
    );
  if (actor.grants.some((g) => g.role !== 'village_head')) entries.push({ label: '이장 공지 보내기', command: '공지' });
  if (actor.grants.some((g) => g.role === 'village_head')) entries.push({ label: '읍·면에 보고', command: '보고' });
  if (actor.grants.some((g) => g.role !== 'village_head')) entries.push({ label: '교육 현황', command: '교육 현황' });
  if (actor.registration) entries.push({ label: '설정', command: '설정' });
  if (actor.registration) entries.push({ label: '탈퇴', command: '탈퇴' });
  entries.push({ label: '도움말', command: '도움말' });
  return entries;
}

export async function helpMenu(turn: Turn, preface?: string): Promise<void> {
  const entries = menuEntries(turn.actor, turn.chat.type);
  const lead =
    turn.chat.type === 'group'
      ? '단체방에서는 저를 부르시거나 명령어를 보내 주세요.'
      : '무엇을 도와드릴까요? 번호나 명령어를 보내 주세요.';
  turn.reply({ text: [preface, lead].filter(Boolean).join(' '), choices: entries.map((e) => e.label) });
  if (turn.chat.type === 'direct')
    await turn.setDialog({
      dialog: 'menu',
      step: 'choose',
      data: { labels: entries.map((e) => e.label), commands: entries.map((e) => e.command) },
    });
}

export function welcomeMessage(actor: Actor): OutboundMessage {
  if (actor.registration) return { text: '다시 오신 것을 환영합니다. 할 수 있는 일은 "도움말"을 보내 보세요.' };
  return {
    text: '안녕하세요, 우리 군 주민 소통 채널입니다. 마을 소식과 공지를 받으시려면 먼저 실명 등록을 해 주세요.',
    buttons: [{ label: '실명 등록', command: '등록' }],
  };
}
