import { meetsRequirement, type Person } from '../auth/authz.policy.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { Actor } from '../members/member.resolve.ts';
import type { CommandDef, Place } from './feature.types.ts';

export type MenuItem = { label: string; text: string; commandId: string };

/**
 * What this person can do here, from the features' own declarations: a command is offered only where it is used
 * and only to someone who meets its requirement, so a menu never leads to a refusal. One list answers "도움말" and
 * anything not understood.
 */
export function buildMenu(commands: readonly CommandDef[], person: Person, place: Place): MenuItem[] {
  return commands
    .filter((c) => c.where.includes(place) && meetsRequirement(person, c.requires))
    .flatMap((c) => [c.menu ?? []].flat().map((menu) => ({ c, menu })))
    .filter(({ menu }) => !menu.for || meetsRequirement(person, menu.for))
    .sort((a, b) => a.menu.order - b.menu.order)
    .map(({ c, menu }) => ({ label: menu.label, text: menu.text ?? c.ko[0] ?? c.id, commandId: c.id }));
}

export function menuMessage(items: readonly MenuItem[], place: Place, preface?: string): OutboundMessage {
  const lead =
    place === 'direct'
      ? '무엇을 도와드릴까요? 번호나 명령어를 보내 주세요.'
      : '단체방에서는 저를 부르시거나 명령어를 보내 주세요.';
  return { text: [preface, lead].filter(Boolean).join(' '), choices: items.map((i) => i.label) };
}

export function welcomeMessage(actor: Actor): OutboundMessage {
  if (actor.registration) return { text: '다시 오신 것을 환영합니다. 할 수 있는 일은 "도움말"을 보내 보세요.' };
  return {
    text: '안녕하세요, 우리 군 주민 소통 채널입니다. 마을 소식과 공지를 받으시려면 먼저 실명 등록을 해 주세요.',
    buttons: [{ label: '실명 등록', command: '등록' }],
  };
}
