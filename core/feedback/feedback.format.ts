import type { MediaKind } from '../channel/channel.types.ts';
import type { Turn } from '../conversation/conversation.turn.ts';

/** What the feedback commands share: how a receipt is typed, and the Korean words for states and media. */

/** A receipt and what follows it: "2026-000123 내용", "#123 내용", "123". */
export const RECEIPT = /^#?((?:\d{4}-)?\d{1,6})(?:\s+([\s\S]*))?$/;

export const statusKo = {
  received: '접수',
  assigned: '담당자 확인 중',
  answered: '답변 완료',
  closed: '종결',
} as const;

/** What makes a notice of this turn unique: a redelivered event is told to others once. */
export function eventKey(turn: Turn): string {
  return `${turn.event.platform}:${turn.event.eventId}`;
}

/** The noun with its object particle (사진을, 위치를): the particle follows the last syllable's final consonant. */
export function mediaKo(kind: MediaKind | string): string {
  return kind === 'image' ? '사진을' : kind === 'location' ? '위치를' : kind === 'video' ? '동영상을' : '파일을';
}
