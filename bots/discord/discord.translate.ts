import {
  ButtonStyle,
  ComponentType,
  InteractionType,
  MessageType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInMessageActionRow,
} from 'discord.js';
import type { ChatRef, InboundEvent, MediaKind, OutboundMessage } from '../../core/channel/channel.types.ts';
import { splitText } from '../../core/channel/text.split.ts';
import { cleanInboundEvent } from '../../core/inbound/inbound.text.ts';
import { slashCommandText } from './discord.commands.ts';

/**
 * Discord ⇄ core, and nothing else: no database, no business decisions. Input is the raw gateway payload (`d` of a
 * dispatch), validated here field by field, because a malformed event must be ignored, never crash the process.
 * Message: https://discord.com/developers/docs/resources/message#message-object
 * Interaction: https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
 */
export const DISCORD = 'discord';
// https://discord.com/developers/docs/resources/message#create-message — content: up to 2,000 characters.
export const DISCORD_TEXT_LIMIT = 2000;
// https://discord.com/developers/docs/components/reference#action-row — 5 rows a message, 5 buttons a row.
const ROWS_PER_MESSAGE = 5;
const BUTTONS_PER_ROW = 5;
// https://discord.com/developers/docs/components/reference#button — custom_id ≤ 100 characters, label ≤ 80.
const CUSTOM_ID_LIMIT = 100;
const LABEL_LIMIT = 80;
/** An interaction token is valid for 15 minutes; we stop trusting it a little earlier. */
export const INTERACTION_TOKEN_TTL_MS = 14 * 60_000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

type Author = { id: string; nickname?: string | undefined; bot: boolean };

function authorOf(user: unknown, member?: unknown): Author | null {
  if (!isObject(user) || !str(user.id)) return null;
  const nick = isObject(member) ? str(member.nick) : undefined;
  return {
    id: user.id as string,
    nickname: nick ?? str(user.global_name) ?? str(user.username),
    bot: user.bot === true || user.system === true,
  };
}

/** A DM (no guild) is a 1:1 chat addressed by the user's id, so that messages to a member find them; a guild channel is a group. */
function chatOf(d: Json, author: Author): ChatRef {
  return str(d.guild_id)
    ? { platform: DISCORD, type: 'group', id: d.channel_id as string }
    : { platform: DISCORD, type: 'direct', id: author.id };
}

function occurredAt(value: unknown, receivedAt: Date): string {
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(at) ? new Date(at).toISOString() : receivedAt.toISOString();
}

/**
 * MESSAGE_CREATE as a core event, or null for what the core does not act on: our own and other bots' messages,
 * webhooks, system messages (joins, pins, …). In a guild, the bot is addressed by a mention, which is removed.
 */
export function messageToInbound(d: unknown, ctx: { botUserId: string; receivedAt: Date }): InboundEvent | null {
  const event = translateMessage(d, ctx);
  // Control characters (a NUL PostgreSQL cannot store) are removed from text and names, here at the edge.
  return event && cleanInboundEvent(event);
}

function translateMessage(d: unknown, ctx: { botUserId: string; receivedAt: Date }): InboundEvent | null {
  if (!isObject(d) || !str(d.id) || !str(d.channel_id)) return null;
  const author = authorOf(d.author, d.member);
  if (!author || author.bot || author.id === ctx.botUserId || str(d.webhook_id)) return null;
  if (d.type !== undefined && d.type !== MessageType.Default && d.type !== MessageType.Reply) return null;
  const content = typeof d.content === 'string' ? d.content : '';
  const chat = chatOf(d, author);
  const mentionPattern = new RegExp(`<@!?${ctx.botUserId}>`, 'g');
  const mentioned =
    (Array.isArray(d.mentions) && d.mentions.some((m) => isObject(m) && m.id === ctx.botUserId)) ||
    mentionPattern.test(content);
  const base = {
    platform: DISCORD,
    eventId: d.id as string,
    occurredAt: occurredAt(d.timestamp, ctx.receivedAt),
    chat,
    sender: { platformUserId: author.id, nickname: author.nickname },
  };
  const text = content.replace(mentionPattern, ' ').replace(/\s+/g, ' ').trim();
  const addressed = chat.type === 'direct' || mentioned;
  const media = text ? null : mediaOf(d);
  if (media) return { ...base, kind: 'media', media, addressed };
  // A bare mention is addressed text too: the core answers it with the help menu.
  return text || mentioned ? { ...base, kind: 'text', text, addressed } : null;
}

function mediaOf(d: Json): MediaKind | null {
  if (Array.isArray(d.sticker_items) && d.sticker_items.length > 0) return 'sticker';
  if (!Array.isArray(d.attachments) || d.attachments.length === 0) return null;
  const type = isObject(d.attachments[0]) ? (str(d.attachments[0].content_type) ?? '') : '';
  return type.startsWith('image/')
    ? 'image'
    : type.startsWith('video/')
      ? 'video'
      : type.startsWith('audio/')
        ? 'audio'
        : 'file';
}

/** What an interaction needs to be acknowledged (POST /interactions/{id}/{token}/callback). */
export type InteractionAck = { id: string; token: string };

/**
 * INTERACTION_CREATE (a slash command or a button) as a core 'action' event whose command is the Korean text it
 * stands for, handled as if typed. The reply handle carries the application id and the token, so that any instance
 * can edit the deferred response (PATCH /webhooks/{application}/{token}/messages/@original).
 */
export function interactionToInbound(
  d: unknown,
  receivedAt: Date,
): { event: InboundEvent; ack: InteractionAck } | null {
  if (!isObject(d) || !str(d.id) || !str(d.token) || !str(d.application_id) || !str(d.channel_id) || !isObject(d.data))
    return null;
  const author = authorOf(isObject(d.member) ? d.member.user : d.user, d.member);
  if (!author || author.bot) return null;
  let command: string | null = null;
  if (d.type === InteractionType.ApplicationCommand) command = slashCommandText(d.data);
  else if (d.type === InteractionType.MessageComponent && d.data.component_type === ComponentType.Button)
    command = str(d.data.custom_id) ?? null;
  if (!command) return null;
  const event: InboundEvent = {
    platform: DISCORD,
    eventId: d.id as string,
    occurredAt: receivedAt.toISOString(),
    chat: chatOf(d, author),
    sender: { platformUserId: author.id, nickname: author.nickname },
    replyHandle: {
      token: `${d.application_id as string}:${d.token as string}`,
      expiresAt: new Date(receivedAt.getTime() + INTERACTION_TOKEN_TTL_MS).toISOString(),
    },
    kind: 'action',
    command,
  };
  const cleaned = cleanInboundEvent(event);
  return cleaned && { event: cleaned, ack: { id: d.id as string, token: d.token as string } };
}

/** The reply handle's parts, or null when it is not ours. */
export function parseReplyHandle(token: string): { applicationId: string; interactionToken: string } | null {
  const at = token.indexOf(':');
  return at > 0 ? { applicationId: token.slice(0, at), interactionToken: token.slice(at + 1) } : null;
}

/** One Discord message body. `allowed_mentions` none: a relayed text must never ping @everyone or anyone. */
export type DiscordPayload = {
  content: string;
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  allowed_mentions: { parse: [] };
};

/**
 * Core messages as Discord message bodies: numbered choices printed (a typed "1" works) and offered as buttons
 * (custom_id = the number), buttons as buttons (custom_id = the command), text split at 2,000 characters with the
 * buttons on the last part. What does not fit on buttons stays in the text, to be typed.
 */
export function toDiscordPayloads(messages: OutboundMessage[]): DiscordPayload[] {
  return messages.flatMap((message) => {
    const { buttons, leftOver } = buttonsOf(message);
    const lines = [message.text];
    if (message.choices?.length) lines.push('', ...message.choices.map((label, i) => `${i + 1}. ${label}`));
    if (leftOver.length) lines.push('', ...leftOver.map((b) => `[${b.label}] → "${b.command}"`));
    const parts = splitText(lines.join('\n'), DISCORD_TEXT_LIMIT);
    const rows = inRows(buttons);
    return parts.map((content, i): DiscordPayload => ({
      content,
      ...(rows.length && i === parts.length - 1 ? { components: rows } : {}),
      allowed_mentions: { parse: [] },
    }));
  });
}

function buttonsOf(message: OutboundMessage): {
  buttons: APIButtonComponentWithCustomId[];
  leftOver: { label: string; command: string }[];
} {
  const max = ROWS_PER_MESSAGE * BUTTONS_PER_ROW;
  const buttons: APIButtonComponentWithCustomId[] = [];
  const leftOver: { label: string; command: string }[] = [];
  const seen = new Set<string>();
  const add = (label: string, customId: string, style: ButtonStyle.Primary | ButtonStyle.Secondary): boolean => {
    if (buttons.length >= max || customId.length > CUSTOM_ID_LIMIT || seen.has(customId) || !label.trim()) return false;
    seen.add(customId);
    buttons.push({ type: ComponentType.Button, style, label: clip(label), custom_id: customId });
    return true;
  };
  for (const b of message.buttons ?? []) if (!add(b.label, b.command, ButtonStyle.Primary)) leftOver.push(b);
  (message.choices ?? []).forEach((label, i) => add(`${i + 1}. ${label}`, String(i + 1), ButtonStyle.Secondary));
  return { buttons, leftOver };
}

function inRows(buttons: APIButtonComponentWithCustomId[]): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  for (let i = 0; i < buttons.length; i += BUTTONS_PER_ROW)
    rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + BUTTONS_PER_ROW) });
  return rows;
}

function clip(label: string): string {
  const chars = [...label];
  return chars.length <= LABEL_LIMIT ? label : `${chars.slice(0, LABEL_LIMIT - 1).join('')}…`;
}
