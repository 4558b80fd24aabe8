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

/** The simulator keeps at most this much in memory (README, "Simulator API"); the oldest goes first. */
export const TRANSCRIPT_LIMITS = { chats: 500, perChat: 200, total: 5_000 };

/**
 * The simulator's chats, kept in memory like a phone's screen: what the bot sent is recorded in the outbox; this is
 * only the view. Bounded, so that a long-running demo, or anyone posting to it, cannot grow it without end: a chat
 * keeps its latest `perChat` messages; beyond `chats` chats or `total` messages, the chats least recently written
 * to lose their oldest messages first (and go when empty).
 */
export function createTranscript(limits: Partial<typeof TRANSCRIPT_LIMITS> = {}) {
  const { chats: maxChats, perChat, total: maxTotal } = { ...TRANSCRIPT_LIMITS, ...limits };
  // Map order is the order of last write: a chat written to moves to the end.
  const chats = new Map<string, TranscriptEntry[]>();
  let seq = 0;
  let total = 0;
  function evict(): void {
    while (chats.size > maxChats) {
      const [oldest, list] = chats.entries().next().value as [string, TranscriptEntry[]];
      total -= list.length;
      chats.delete(oldest);
    }
    while (total > maxTotal) {
      const [oldest, list] = chats.entries().next().value as [string, TranscriptEntry[]];
      list.shift();
      total--;
      if (list.length === 0) chats.delete(oldest);
    }
  }
  return {
    append(chat: string, entry: Omit<TranscriptEntry, 'seq' | 'chat' | 'at'>, at: Date): TranscriptEntry {
      const full = { ...entry, seq: ++seq, chat, at: at.toISOString() };
      const list = chats.get(chat) ?? [];
      chats.delete(chat);
      list.push(full);
      total++;
      if (list.length > perChat) total -= list.splice(0, list.length - perChat).length;
      chats.set(chat, list);
      evict();
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
    /** How much is held (tests check the bound). */
    size(): { chats: number; messages: number } {
      return { chats: chats.size, messages: total };
    },
  };
}

export type Transcript = ReturnType<typeof createTranscript>;

export const directChatKey = (personaId: string) => `direct:${personaId}`;
export const groupChatKey = (groupId: string) => `group:${groupId}`;
