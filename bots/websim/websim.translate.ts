import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { InboundEvent } from '../../core/channel/channel.types.ts';
import { cleanName, cleanText } from '../../core/inbound/inbound.text.ts';

/** The most a simulator message may hold: LINE's own limit for a text message. */
export const SIM_TEXT_LIMIT = 5000;

/** The simulator's JSON API input, checked at the edge. */
export const simMessageSchema = z
  .object({
    from: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\w.-]+$/),
    nickname: z.string().max(40).optional(),
    /** 'direct' for the 1:1 chat with the bot, or a group chat id. */
    chat: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\w.-]+$/)
      .default('direct'),
    text: z.string().max(SIM_TEXT_LIMIT).optional(),
    /** A pressed button: the command it stands for. */
    command: z.string().min(1).max(200).optional(),
  })
  .refine((m) => (m.text === undefined) !== (m.command === undefined), {
    message: 'give exactly one of text or command',
  });

export type SimMessage = z.infer<typeof simMessageSchema>;

/** What the page shows when the API refuses a message: Korean, one sentence a problem, never the validator's English. */
export function simErrorMessage(error: z.ZodError): string {
  const said = new Set<string>();
  for (const issue of error.issues) said.add(koreanIssue(String(issue.path[0] ?? ''), issue.code));
  return [...said].join(' ');
}

function koreanIssue(field: string, code: string): string {
  switch (field) {
    case 'from':
      return '보내는 사람(from)은 영문·숫자·마침표·밑줄·하이픈으로 된 1~64자여야 합니다.';
    case 'chat':
      return '대화방(chat)은 direct 또는 영문·숫자로 된 단체방 id(64자까지)여야 합니다.';
    case 'nickname':
      return '별명은 40자까지 쓸 수 있습니다.';
    case 'text':
      return code === 'too_big'
        ? `메시지는 ${SIM_TEXT_LIMIT.toLocaleString('ko-KR')}자까지 보낼 수 있습니다. 나누어 보내 주세요.`
        : '메시지(text)는 글자여야 합니다.';
    case 'command':
      return '버튼 명령(command)은 1~200자여야 합니다.';
    case '':
      return code === 'invalid_type'
        ? '요청 본문은 JSON 객체여야 합니다.'
        : '메시지(text)와 버튼(command) 중 하나만 보내 주세요.';
    default:
      return '요청을 이해하지 못했습니다.';
  }
}

const MENTION = /^\s*@(마을|bot|봇)\s*/i;

/** Simulator input → the core's platform-neutral event. No decisions here. */
export function simToInbound(message: SimMessage, now: Date): InboundEvent {
  const chat =
    message.chat === 'direct'
      ? { platform: 'websim', type: 'direct' as const, id: message.from }
      : { platform: 'websim', type: 'group' as const, id: message.chat };
  const base = {
    platform: 'websim',
    eventId: randomUUID(),
    occurredAt: now.toISOString(),
    chat,
    sender: { platformUserId: message.from, nickname: nicknameOf(message.nickname) },
  };
  if (message.command !== undefined) return { ...base, kind: 'action', command: cleanText(message.command) };
  const text = cleanText(message.text ?? '');
  return { ...base, kind: 'text', text: text.replace(MENTION, ''), addressed: MENTION.test(text) };
}

export function simFollow(personaId: string, nickname: string | undefined, now: Date): InboundEvent {
  return {
    platform: 'websim',
    eventId: randomUUID(),
    occurredAt: now.toISOString(),
    chat: { platform: 'websim', type: 'direct', id: personaId },
    sender: { platformUserId: personaId, nickname: nicknameOf(nickname) },
    kind: 'follow',
  };
}

/** Control characters and line breaks removed (a NUL cannot be stored); nothing left is no nickname. */
function nicknameOf(nickname: string | undefined): string | undefined {
  return nickname === undefined ? undefined : cleanName(nickname) || undefined;
}
