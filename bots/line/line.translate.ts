import type { messagingApi, webhook } from '@line/bot-sdk';
import type { ChatRef, InboundEvent, MediaKind, OutboundMessage } from '../../core/channel/channel.types.ts';
import { splitText } from '../../core/channel/text.split.ts';
import { cleanInboundEvent, isCleanId } from '../../core/inbound/inbound.text.ts';

/**
 * LINE ⇄ core, and nothing else: no database, no business decisions.
 * Webhook events: https://developers.line.biz/en/reference/messaging-api/#webhook-event-objects
 * Message objects: https://developers.line.biz/en/reference/messaging-api/#message-objects
 */
export const LINE = 'line';
export const LINE_TEXT_LIMIT = 5000;
export const LINE_MESSAGES_PER_REQUEST = 5;
const QUICK_REPLY_LIMIT = 13;
const QUICK_REPLY_LABEL_LIMIT = 20;
/** LINE says a reply token must be used "within one minute"; we stop trusting it a little earlier. */
export const REPLY_TOKEN_TTL_MS = 50_000;

/** The chat, or null when the source lacks its id (a group event without groupId is malformed, not a chat). */
function chatOf(source: webhook.Source | undefined): ChatRef | null {
  if (!source || typeof source !== 'object') return null;
  if (source.type === 'group')
    return isCleanId(source.groupId) ? { platform: LINE, type: 'group', id: source.groupId } : null;
  if (source.type === 'room')
    return isCleanId(source.roomId) ? { platform: LINE, type: 'group', id: source.roomId } : null;
  if (source.type === 'user' && isCleanId(source.userId)) return { platform: LINE, type: 'direct', id: source.userId };
  return null;
}

/**
 * A LINE webhook event as a core event, or null for what the core does not act on or what is malformed (logged by
 * the caller). Text is cleaned of control characters here (cleanInboundEvent), so that nothing downstream meets one.
 */
export function lineEventToInbound(event: webhook.Event, receivedAt: Date): InboundEvent | null {
  const translated = translate(event, receivedAt);
  return translated && cleanInboundEvent(translated);
}

function translate(event: webhook.Event, receivedAt: Date): InboundEvent | null {
  const chat = chatOf(event.source);
  if (!chat) return null;
  const sourceUser = event.source && 'userId' in event.source ? event.source.userId : undefined;
  // A group event may lack the user (LINE omits it for users who have not agreed); a malformed one is the same.
  const userId = isCleanId(sourceUser) ? sourceUser : undefined;
  const replyToken = 'replyToken' in event && typeof event.replyToken === 'string' ? event.replyToken : undefined;
  const base = {
    platform: LINE,
    eventId: event.webhookEventId,
    occurredAt: new Date(event.timestamp).toISOString(),
    chat,
    sender: userId ? { platformUserId: userId } : undefined,
    replyHandle: replyToken
      ? { token: replyToken, expiresAt: new Date(receivedAt.getTime() + REPLY_TOKEN_TTL_MS).toISOString() }
      : undefined,
  };
  switch (event.type) {
    case 'message': {
      const message = event.message;
      if (!message || typeof message !== 'object') return null;
      if (message.type === 'text') {
        if (typeof message.text !== 'string') return null;
        const mentioned = message.mention?.mentionees.some((m) => m.type === 'user' && m.isSelf === true) ?? false;
        return {
          ...base,
          kind: 'text',
          text: mentioned ? stripMentions(message.text, message.mention?.mentionees ?? []) : message.text,
          addressed: mentioned,
        };
      }
      const media: MediaKind | undefined = (['image', 'video', 'audio', 'file', 'location', 'sticker'] as const).find(
        (k) => k === message.type,
      );
      if (!media) return null;
      // https://developers.line.biz/en/reference/messaging-api/#wh-location — a location carries its coordinates.
      const location =
        message.type === 'location' && typeof message.latitude === 'number' && typeof message.longitude === 'number'
          ? {
              latitude: message.latitude,
              longitude: message.longitude,
              address: typeof message.address === 'string' ? message.address : undefined,
            }
          : undefined;
      return {
        ...base,
        kind: 'media',
        media,
        addressed: false,
        ref: typeof message.id === 'string' ? message.id : undefined,
        location,
      };
    }
    case 'postback':
      return typeof event.postback?.data === 'string' && event.postback.data
        ? { ...base, kind: 'action', command: event.postback.data }
        : null;
    case 'follow':
      return { ...base, kind: 'follow' };
    case 'unfollow':
      return { ...base, kind: 'unfollow' };
    case 'join':
      return { ...base, kind: 'bot_joined' };
    case 'leave':
      return { ...base, kind: 'bot_left' };
    default:
      // memberJoined/memberLeft, unsend, videoPlayComplete, beacon, accountLink, membership, module, activated,
      // deactivated, botSuspended, botResumed, delivery completion, and any type newer than the SDK: not acted on.
      return null;
  }
}

function stripMentions(text: string, mentionees: webhook.Mentionee[]): string {
  // Remove from the end so that earlier indexes stay valid (LINE indexes are UTF-16 code units).
  return [...mentionees]
    .sort((a, b) => b.index - a.index)
    .reduce((t, m) => t.slice(0, m.index) + t.slice(m.index + m.length), text)
    .trim();
}

/** Core messages as LINE messages: long text split, numbered choices as quick replies, buttons as postbacks. */
export function toLineMessages(messages: OutboundMessage[]): messagingApi.Message[] {
  return messages.flatMap((message) => {
    const parts = splitText(withNumberedChoices(message), LINE_TEXT_LIMIT);
    const quickReply = quickReplyOf(message);
    return parts.map((text, i): messagingApi.TextMessage => ({
      type: 'text',
      text,
      ...(quickReply && i === parts.length - 1 ? { quickReply } : {}),
    }));
  });
}

function withNumberedChoices(message: OutboundMessage): string {
  if (!message.choices?.length) return message.text;
  return [message.text, '', ...message.choices.map((label, i) => `${i + 1}. ${label}`)].join('\n');
}

function quickReplyOf(message: OutboundMessage): messagingApi.QuickReply | undefined {
  const items: messagingApi.QuickReplyItem[] = [
    ...(message.buttons ?? []).map((b) => ({
      type: 'action' as const,
      action: { type: 'postback' as const, label: clip(b.label), data: b.command, displayText: b.label },
    })),
    ...(message.choices ?? []).map((label, i) => ({
      type: 'action' as const,
      action: { type: 'message' as const, label: clip(`${i + 1}. ${label}`), text: String(i + 1) },
    })),
  ].slice(0, QUICK_REPLY_LIMIT);
  return items.length ? { items } : undefined;
}

function clip(label: string): string {
  const chars = [...label];
  return chars.length <= QUICK_REPLY_LABEL_LIMIT ? label : `${chars.slice(0, QUICK_REPLY_LABEL_LIMIT - 1).join('')}…`;
}
