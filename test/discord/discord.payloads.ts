import type { IncomingMessage } from 'node:http';

/**
 * Payload builders and small helpers for the Discord emulator (discord.emulator.ts): the object shapes the gateway
 * and REST API send, kept close to the documented fields that discord.js 14 reads.
 * https://discord.com/developers/docs/reference
 */

export type DiscordMessageRecord = {
  id: string;
  channelId: string;
  content: string;
  components: unknown[];
  embeds: unknown[];
  flags: number;
  nonce?: string | number;
  via: 'channel' | 'interaction' | 'followup';
  interactionId?: string;
  edits: number;
  at: number;
};
export type GuildSpec = { id: string; name: string; channels: { id: string; name: string }[] };

// https://discord.com/developers/docs/reference#snowflakes
const DISCORD_EPOCH = 1420070400000n;
let increment = 0;
export const snowflake = () => String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | BigInt(increment++ & 0xfff));
export const ALL_PERMISSIONS = '2251799813685247';

export type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
// https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
export const fail = (status: number, code: number, message: string, errors?: unknown): Answer => ({
  status,
  body: errors ? { code, message, errors } : { code, message },
});
export const NOT_FOUND: Answer = { status: 404, body: { message: '404: Not Found', code: 0 } };

export const user = (id: string, username: string) => ({
  id,
  username,
  discriminator: '0',
  global_name: null,
  avatar: null,
  flags: 0,
});
// https://discord.com/developers/docs/resources/guild#guild-member-object
export const memberOf = (u: object) => ({
  user: u,
  roles: [],
  joined_at: new Date(0).toISOString(),
  deaf: false,
  mute: false,
  flags: 0,
  pending: false,
  nick: null,
  avatar: null,
  premium_since: null,
  permissions: ALL_PERMISSIONS,
});
// https://discord.com/developers/docs/resources/channel#channel-object
export const guildChannel = (id: string, name: string, guildId: string, position: number) => ({
  id,
  type: 0,
  guild_id: guildId,
  name,
  position,
  permission_overwrites: [],
  parent_id: null,
  nsfw: false,
  topic: null,
  last_message_id: null,
  rate_limit_per_user: 0,
  flags: 0,
});
// https://discord.com/developers/docs/events/gateway-events#guild-create
export const guildCreate = (g: GuildSpec, botUser: { id: string }) => ({
  id: g.id,
  name: g.name,
  icon: null,
  splash: null,
  discovery_splash: null,
  owner_id: '1',
  afk_channel_id: null,
  afk_timeout: 300,
  verification_level: 0,
  default_message_notifications: 0,
  explicit_content_filter: 0,
  mfa_level: 0,
  nsfw_level: 0,
  premium_tier: 0,
  roles: [
    {
      id: g.id,
      name: '@everyone',
      permissions: '104324673',
      position: 0,
      color: 0,
      hoist: false,
      managed: false,
      mentionable: false,
      flags: 0,
    },
  ],
  emojis: [],
  stickers: [],
  features: [],
  application_id: null,
  system_channel_id: null,
  system_channel_flags: 0,
  rules_channel_id: null,
  preferred_locale: 'ko',
  joined_at: new Date(0).toISOString(),
  large: false,
  unavailable: false,
  member_count: 1,
  members: [memberOf(botUser)],
  voice_states: [],
  presences: [],
  threads: [],
  stage_instances: [],
  guild_scheduled_events: [],
  channels: g.channels.map((c, i) => guildChannel(c.id, c.name, g.id, i)),
});

// https://discord.com/developers/docs/resources/message#message-object
export const messagePayload = (
  m: DiscordMessageRecord,
  guildId: string | undefined,
  botUser: object,
  applicationId: string,
) => ({
  id: m.id,
  channel_id: m.channelId,
  ...(guildId && { guild_id: guildId }),
  author: botUser,
  content: m.content,
  timestamp: new Date(m.at).toISOString(),
  edited_timestamp: m.edits ? new Date().toISOString() : null,
  tts: false,
  mention_everyone: false,
  mentions: [],
  mention_roles: [],
  attachments: [],
  embeds: m.embeds,
  components: m.components,
  pinned: false,
  type: m.interactionId ? 20 : 0,
  flags: m.flags,
  ...(m.nonce !== undefined && { nonce: m.nonce }),
  ...(m.via !== 'channel' && { webhook_id: applicationId, application_id: applicationId }),
});

// discord.js sends JSON, or multipart/form-data with a payload_json part when there are files.
export function parseBody(req: IncomingMessage, text: string): unknown {
  if (!text) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (type.includes('multipart/form-data')) {
    const part = /name="payload_json"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/.exec(text);
    return part ? JSON.parse(part[1]!) : undefined;
  }
  return type.includes('json') ? JSON.parse(text) : text;
}

// https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-type
export const optionType = (v: unknown) =>
  typeof v === 'boolean' ? 5 : typeof v === 'number' ? (Number.isInteger(v) ? 4 : 10) : 3;
