import type { OutboundMessage } from '../../core/channel/channel.types.ts';

/** One line of a simulated chat, as the browser shows it. */
export type TranscriptEntry = {
  seq: number;
  chat: string;
  from: 'bot' | string;
  nickname?: string | undefined;
  text: string;
  choices?: string[] | undefined;
  buttons?: { label: string; command: string }[] | undefined;
  at: string;
};

/**
 * The simulator's chats, kept in memory like a phone's screen: what the bot sent is recorded in the outbox; this is
 * only the view. Bounded, so a long-running demo does not grow without end.
 */
export function createTranscript(limitPerChat = 500) {
  const chats = new Map<string, TranscriptEntry[]>();
  let seq = 0;
  return {
    append(chat: string, entry: Omit<TranscriptEntry, 'seq' | 'chat' | 'at'>, at: Date): TranscriptEntry {
      const full = { ...entry, seq: ++seq, chat, at: at.toISOString() };
      const list = chats.get(chat) ?? [];
      list.push(full);
      if (list.length > limitPerChat) list.splice(0, list.length - limitPerChat);
      chats.set(chat, list);
      return full;
    },
    appendBot(chat: string, message: OutboundMessage, at: Date): TranscriptEntry {
      return this.append(
        chat,
        { from: 'bot', text: message.text, choices: message.choices, buttons: message.buttons },
        at,
      );
    },
    after(chat: string, afterSeq = 0): TranscriptEntry[] {
      return (chats.get(chat) ?? []).filter((e) => e.seq > afterSeq);
    },
    lastSeq(): number {
      return seq;
    },
  };
}

export type Transcript = ReturnType<typeof createTranscript>;

export const directChatKey = (personaId: string) => `direct:${personaId}`;
export const groupChatKey = (groupId: string) => `group:${groupId}`;
