import { DiscordAPIError, RateLimitError } from 'discord.js';
import { describe, expect, test } from 'vitest';
import { slashCommandDefinitions, slashCommandText, slashCommands } from '../bots/discord/discord.commands.ts';
import { matchCommand } from '../core/features.ts';
import { failure, nonceFor } from '../bots/discord/discord.sender.ts';
import {
  interactionToInbound,
  messageToInbound,
  parseReplyHandle,
  toDiscordPayloads,
} from '../bots/discord/discord.translate.ts';

// The pure half of the adapter: Discord payloads in, core events out, and back. No database, no emulator.
const BOT = '100000000000000001';
const at = new Date('2026-11-24T01:00:00Z');
const author = { id: '400000000000000001', username: 'alice', global_name: '앨리스' };
const dm = {
  id: '900000000000000001',
  channel_id: '500000000000000001',
  channel_type: 1,
  type: 0,
  author,
  content: '도움말',
  timestamp: at.toISOString(),
};
const inGuild = { ...dm, guild_id: '200000000000000001', channel_id: '300000000000000001', channel_type: 0 };

describe('gateway messages', () => {
  test('a DM is a direct chat addressed by the user id', () => {
    expect(messageToInbound(dm, { botUserId: BOT, receivedAt: at })).toMatchObject({
      platform: 'discord',
      eventId: dm.id,
      kind: 'text',
      text: '도움말',
      addressed: true,
      chat: { type: 'direct', id: author.id },
      sender: { platformUserId: author.id, nickname: '앨리스' },
    });
  });

  test('in a channel the bot is addressed by a mention, which is removed', () => {
    expect(messageToInbound(inGuild, { botUserId: BOT, receivedAt: at })).toMatchObject({
      chat: { type: 'group', id: inGuild.channel_id },
      addressed: false,
    });
    expect(
      messageToInbound({ ...inGuild, content: `<@${BOT}> 승인 12` }, { botUserId: BOT, receivedAt: at }),
    ).toMatchObject({ text: '승인 12', addressed: true });
    expect(messageToInbound({ ...inGuild, content: `<@!${BOT}>` }, { botUserId: BOT, receivedAt: at })).toMatchObject({
      text: '',
      addressed: true,
    });
  });

  test('our own messages, other bots, webhooks, system messages and malformed payloads are not acted on', () => {
    for (const d of [
      { ...dm, author: { id: BOT, username: 'maeul' } },
      { ...dm, author: { ...author, bot: true } },
      { ...dm, webhook_id: '1' },
      { ...dm, type: 7 },
      { ...dm, author: null },
      { ...dm, id: 5 },
      null,
      'text',
      { garbage: true },
    ])
      expect(messageToInbound(d, { botUserId: BOT, receivedAt: at })).toBeNull();
  });

  test('an attachment without text is media', () => {
    expect(
      messageToInbound(
        { ...dm, content: '', attachments: [{ content_type: 'image/png' }] },
        { botUserId: BOT, receivedAt: at },
      ),
    ).toMatchObject({ kind: 'media', media: 'image' });
  });
});

describe('interactions', () => {
  const base = {
    id: '910000000000000001',
    application_id: BOT,
    token: 'tok-en',
    channel_id: dm.channel_id,
    user: author,
  };

  test('a slash command is the Korean command text it stands for, with a 15-minute reply handle', () => {
    const r = interactionToInbound(
      { ...base, type: 2, data: { name: 'approve', options: [{ name: 'number', type: 4, value: 12 }] } },
      at,
    );
    expect(r?.event).toMatchObject({ kind: 'action', command: '승인 12', chat: { type: 'direct', id: author.id } });
    expect(r?.ack).toEqual({ id: base.id, token: 'tok-en' });
    expect(parseReplyHandle(r?.event.replyHandle?.token ?? '')).toEqual({
      applicationId: BOT,
      interactionToken: 'tok-en',
    });
    expect(new Date(r?.event.replyHandle?.expiresAt ?? 0).getTime() - at.getTime()).toBeLessThanOrEqual(15 * 60_000);
  });

  test('a button click is its custom id; unknown commands and malformed interactions are not acted on', () => {
    expect(
      interactionToInbound({ ...base, type: 3, data: { component_type: 2, custom_id: '거절 7' } }, at)?.event,
    ).toMatchObject({ command: '거절 7' });
    expect(interactionToInbound({ ...base, type: 2, data: { name: 'unknown' } }, at)).toBeNull();
    expect(interactionToInbound({ ...base, type: 4, data: { name: 'help' } }, at)).toBeNull();
    expect(interactionToInbound({ ...base, token: undefined, type: 2, data: { name: 'help' } }, at)).toBeNull();
    expect(interactionToInbound(null, at)).toBeNull();
  });

  test('slash commands are defined in English with Korean localizations, and options keep the text order', () => {
    const defs = slashCommandDefinitions();
    expect(
      defs.every((d) => 'name_localizations' in d && d.name_localizations?.ko && d.description_localizations?.ko),
    ).toBe(true);
    expect(
      slashCommandText({
        name: 'announce',
        options: [
          { name: 'content', value: '내일\n대청소' },
          { name: 'kind', value: '긴급' },
        ],
      }),
    ).toBe('방송 보내기 긴급 내일 대청소');
    expect(slashCommandText({ name: 'link' })).toBe('마을방 연결');
    expect(slashCommandText({ name: 'staffroom', options: [{ name: 'district', value: '고성읍' }] })).toBe(
      '직원방 연결 고성읍',
    );
  });

  // https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-naming
  test.each(slashCommands.map(({ command, spec }) => [spec.name, command.id, spec] as const))(
    "/%s stands for the command it is declared on (%s), named within Discord's rules",
    (_name, id, spec) => {
      expect(matchCommand(slashCommandText({ name: spec.name }) ?? '')?.command).toBe(id);
      for (const name of [spec.name, spec.ko]) expect(name).toMatch(/^[-_\p{L}\p{N}]{1,32}$/u);
      expect(spec.name).toBe(spec.name.toLowerCase());
      for (const description of [spec.description, spec.koDescription])
        expect(description.length).toBeLessThanOrEqual(100);
    },
  );
});

describe('outbound messages', () => {
  test('choices and buttons become at most 25 buttons in rows of 5; what does not fit stays in the text', () => {
    const choices = Array.from({ length: 30 }, (_, i) => `선택 ${i + 1}`);
    const tooLong = { label: '긴 명령', command: 'x'.repeat(101) };
    const [payload] = toDiscordPayloads([
      { text: '고르세요', choices, buttons: [{ label: '승인', command: '승인 3' }, tooLong] },
    ]);
    const ids = (payload?.components ?? []).flatMap((row) =>
      row.components.map((b) => ('custom_id' in b ? b.custom_id : '')),
    );
    expect(payload?.components?.length).toBe(5);
    expect(ids).toHaveLength(25);
    expect(ids.slice(0, 2)).toEqual(['승인 3', '1']);
    expect(payload?.content).toContain('30. 선택 30');
    expect(payload?.content).toContain('[긴 명령]');
    expect(payload?.allowed_mentions).toEqual({ parse: [] });
  });

  test('text is split at 2,000 characters, buttons on the last part', () => {
    const parts = toDiscordPayloads([
      { text: '가나다라 '.repeat(900), buttons: [{ label: '도움말', command: '도움말' }] },
    ]);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.content.length <= 2000)).toBe(true);
    expect(parts.map((p) => Boolean(p.components))).toEqual([...parts.slice(1).map(() => false), true]);
  });

  test('nonces are at most 25 characters, the same for the same delivery part, and differ between parts', () => {
    expect(nonceFor('key-1', 0)).toHaveLength(25);
    expect(nonceFor('key-1', 0)).toBe(nonceFor('key-1', 0));
    expect(nonceFor('key-1', 1)).not.toBe(nonceFor('key-1', 0));
  });

  test('errors: DM refused, missing permissions and other 4xx are permanent; 5xx, 401 and rate limits are retried', () => {
    const api = (status: number, code: number, message: string) =>
      new DiscordAPIError({ code, message }, code, status, 'POST', 'https://discord.test/api/v10/channels/1/messages', {
        body: undefined,
        files: undefined,
      });
    expect(failure(api(403, 50007, 'Cannot send messages to this user'))).toEqual({
      ok: false,
      permanent: true,
      error: '403 50007 Cannot send messages to this user',
    });
    expect(failure(api(403, 50013, 'Missing Permissions'))).toMatchObject({ permanent: true });
    expect(failure(api(404, 10003, 'Unknown Channel'))).toMatchObject({ permanent: true });
    expect(failure(api(502, 0, 'Bad Gateway'))).toMatchObject({ permanent: false });
    expect(failure(api(401, 0, '401: Unauthorized'))).toMatchObject({ permanent: false });
    expect(failure(new TypeError('fetch failed'))).toMatchObject({ permanent: false });
    const limited = new RateLimitError({
      timeToReset: 30_000,
      limit: 5,
      method: 'POST',
      hash: 'h',
      url: 'u',
      route: '/channels/:id/messages',
      majorParameter: '1',
      global: false,
      retryAfter: 30_000,
      sublimitTimeout: 0,
      scope: 'user',
    });
    expect(failure(limited)).toMatchObject({ permanent: false, retryAfterMs: 30_000 });
  });
});
