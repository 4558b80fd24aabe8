import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { InboundEvent } from '../../core/channel/channel.types.ts';

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
    text: z.string().max(5000).optional(),
    /** A pressed button: the command it stands for. */
    command: z.string().min(1).max(200).optional(),
  })
  .refine((m) => (m.text === undefined) !== (m.command === undefined), {
    message: 'give exactly one of text or command',
  });

export type SimMessage = z.infer<typeof simMessageSchema>;

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
    sender: { platformUserId: message.from, nickname: message.nickname },
  };
  if (message.command !== undefined) return { ...base, kind: 'action', command: message.command };
  const text = message.text ?? '';
  return { ...base, kind: 'text', text: text.replace(MENTION, ''), addressed: MENTION.test(text) };
}

export function simFollow(personaId: string, nickname: string | undefined, now: Date): InboundEvent {
  return {
    platform: 'websim',
    eventId: randomUUID(),
    occurredAt: now.toISOString(),
    chat: { platform: 'websim', type: 'direct', id: personaId },
    sender: { platformUserId: personaId, nickname },
    kind: 'follow',
  };
}
