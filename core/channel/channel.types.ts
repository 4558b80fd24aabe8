/**
 * Platform-neutral messages. Adapters (bots/<platform>) turn platform events into InboundEvent and render
 * OutboundMessage in the platform's own form; the core never sees a platform type.
 */
export type PlatformId = string;

export type ChatRef = { platform: PlatformId; type: 'direct' | 'group'; id: string };

/** A platform's short-lived way to answer an event (a LINE reply token), used by the sender while still fresh. */
export type ReplyHandle = { token: string; expiresAt: string };

export type InboundSender = { platformUserId: string; nickname?: string | undefined };

type InboundBase = {
  platform: PlatformId;
  /** The platform's unique id of this event: a redelivery carries the same id and is handled once. */
  eventId: string;
  occurredAt: string;
  chat: ChatRef;
  sender?: InboundSender | undefined;
  replyHandle?: ReplyHandle | undefined;
};

export type MediaKind = 'image' | 'video' | 'audio' | 'file' | 'location' | 'sticker';

export type InboundEvent = InboundBase &
  (
    | { kind: 'text'; text: string; /** In a group: a mention of the bot or a command prefix. */ addressed: boolean }
    | {
        kind: 'media';
        media: MediaKind;
        addressed: boolean;
        /** The platform's handle on the content (a LINE message id, a Discord attachment URL) — fetched by staff later. */
        ref?: string | undefined;
        location?: { latitude: number; longitude: number; address?: string | undefined } | undefined;
      }
    /** A button press: `command` is the command text the button stands for, handled as if typed. */
    | { kind: 'action'; command: string }
    | { kind: 'follow' }
    | { kind: 'unfollow' }
    | { kind: 'bot_joined' }
    | { kind: 'bot_left' }
  );

/** A button carries the command it stands for, so a platform without buttons can print it to be typed instead. */
export type Button = { label: string; command: string };

export type OutboundMessage = {
  text: string;
  /** Numbered choices: shown as "1. …" lines; a reply of "1" or the label picks one. */
  choices?: string[] | undefined;
  buttons?: Button[] | undefined;
  /**
   * The platform's id of an earlier message (outbox.platformMessageId) that this one replaces: a sender that can edit
   * messages (Discord) edits it in place; others send this as a new message, so its text must read well either way.
   */
  replaces?: string | undefined;
};

/** The plain-text form for platforms without quick replies or buttons, and for transcripts. */
export function renderPlainText(message: OutboundMessage): string {
  const lines = [message.text];
  if (message.choices?.length) lines.push('', ...message.choices.map((label, i) => `${i + 1}. ${label}`));
  if (message.buttons?.length) lines.push('', ...message.buttons.map((b) => `[${b.label}] → "${b.command}"`));
  return lines.join('\n');
}
