import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDiscordChannel } from '../bots/discord/discord.channel.ts';
import { groupChats, identities, outbox, registrations } from '../db/schema/index.ts';
import { startDiscordEmulator, type DiscordEmulator } from './discord/discord.emulator.ts';
import { buttonIds, discordDriver } from './discord/discord.harness.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

const GUILD = '200000000000000001';
const VILLAGE_CHANNEL = '300000000000000001';
const OTHER_CHANNEL = '300000000000000002';
const RESIDENT = '410000000000000001';
const RESIDENT_DM = '510000000000000001';
const HEAD = '410000000000000002'; // the demo head of 고성읍 고성1리, on Discord
const HEAD_DM = '510000000000000002';
const NEIGHBOUR = '410000000000000003';

let emulator: DiscordEmulator;
let t: TestApp;
let discord: ReturnType<typeof discordDriver>;

beforeAll(async () => {
  emulator = await startDiscordEmulator({
    guilds: [
      {
        id: GUILD,
        name: '고성 마을',
        channels: [
          { id: VILLAGE_CHANNEL, name: '고성1리' },
          { id: OTHER_CHANNEL, name: '잡담' },
        ],
      },
    ],
  });
  t = await startTestApp({
    env: { DISCORD_TOKEN: 'discord-bot-token-for-tests', DISCORD_API_BASE_URL: emulator.apiBase },
    channels: [createDiscordChannel({ leaseMs: 5000, renewMs: 200 })],
  });
  discord = discordDriver(emulator, () => t);
  // The demo head of 고성1리 (a simulator persona) also uses Discord, most recently: messages to them go there.
  const [head] = await t.database.db
    .select()
    .from(identities)
    .where(eq(identities.platformUserId, 'head-goseong-eup-1'));
  await t.database.db
    .insert(identities)
    .values({ memberId: head?.memberId ?? -1, platform: 'discord', platformUserId: HEAD, lastSeenAt: t.clock.now() });
}, 30_000);

afterAll(async () => {
  await t?.stop();
  await emulator?.close();
});

const latest = (channelId: string) => emulator.messages.filter((m) => m.channelId === channelId).at(-1);

describe('Discord: start', () => {
  test('the gateway is connected once and the slash commands are registered with Korean names', () => {
    expect(emulator.identifies).toBe(1);
    expect(emulator.connections).toBe(1);
    const commands = emulator.registeredCommands.get('global') ?? [];
    const byName = new Map(commands.map((c) => [c.name, c]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining([
        'register',
        'help',
        'approve',
        'reject',
        'broadcasts',
        'status',
        'link',
        'staffroom',
        'leave',
      ]),
    );
    expect(byName.get('approve')).toMatchObject({
      name_localizations: { ko: '승인' },
      options: [{ name: 'number', name_localizations: { ko: '번호' } }],
    });
    expect(byName.get('link')?.name_localizations).toEqual({ ko: '마을방연결' });
    expect(byName.get('help')?.description_localizations).toEqual({ ko: expect.stringContaining('할 수 있는') });
  });
});

describe('a resident over Discord DMs', () => {
  test('registers with the dialog, is approved by the village head with a button, and is told in their DM', async () => {
    // The head writes first, so that Discord (the emulator) knows them; their existing member is recognised.
    expect((await discord.dm(HEAD, HEAD_DM, '도움말'))[0]).toContain('승인');

    expect((await discord.dm(RESIDENT, RESIDENT_DM, '등록'))[0]).toContain('개인정보 수집·이용 동의');
    expect((await discord.dm(RESIDENT, RESIDENT_DM, '1'))[0]).toContain('실명을 입력');
    expect((await discord.dm(RESIDENT, RESIDENT_DM, '홍디코'))[0]).toContain('휴대전화');
    await discord.dm(RESIDENT, RESIDENT_DM, '010-2468-1357');
    // Numbered choices are buttons too (14 districts: 3 rows), and a click on one answers like typing its number.
    const districts = latest(RESIDENT_DM);
    expect(buttonIds(districts)).toEqual(Array.from({ length: 14 }, (_, i) => String(i + 1)));
    expect(districts?.components).toHaveLength(3);
    expect(districts?.content).toContain('1. 고성읍');
    const villages = await discord.click({
      userId: RESIDENT,
      customId: '1',
      channelId: RESIDENT_DM,
      messageId: districts?.id ?? '',
    });
    expect(villages.map((m) => m.content).join('\n')).toContain('고성1리');
    expect((await discord.dm(RESIDENT, RESIDENT_DM, '1'))[0]).toContain('고성읍 고성1리');
    expect((await discord.dm(RESIDENT, RESIDENT_DM, '1'))[0]).toContain('등록 신청이 접수되었습니다');

    const [registration] = await t.database.db
      .select({ id: registrations.id, status: registrations.status })
      .from(registrations)
      .innerJoin(identities, eq(identities.memberId, registrations.memberId))
      .where(and(eq(identities.platform, 'discord'), eq(identities.platformUserId, RESIDENT)));
    expect(registration?.status).toBe('pending');

    // The head is asked in their DM, with 승인 / 거절 buttons standing for the commands.
    const request = latest(HEAD_DM);
    expect(request?.content).toContain(`#${registration?.id}`);
    expect(request?.content).toContain('홍디코');
    expect(buttonIds(request)).toEqual([`승인 ${registration?.id}`, `거절 ${registration?.id}`]);
    const clickedAt = Date.now();
    const answer = await discord.click({
      userId: HEAD,
      customId: `승인 ${registration?.id}`,
      channelId: HEAD_DM,
      messageId: request?.id ?? '',
    });
    // Acknowledged within Discord's 3 seconds as deferred; the answer then replaced the placeholder.
    const [ack] = [...emulator.interactionResponses.values()].slice(-1);
    expect(ack?.type).toBe(5);
    expect((ack?.at ?? Infinity) - clickedAt).toBeLessThan(3000);
    expect(answer.find((m) => m.via === 'interaction')?.content).toContain('승인했습니다');

    const told = latest(RESIDENT_DM);
    expect(told?.content).toContain('등록이 승인되었습니다');
    expect(told?.via).toBe('channel');
    expect(String(told?.nonce)).toHaveLength(25);
    const [approved] = await t.database.db
      .select({ status: registrations.status })
      .from(registrations)
      .where(eq(registrations.id, registration?.id ?? -1));
    expect(approved?.status).toBe('approved');
    // The number in the forms it could take (010-2468-1357, 01024681357, +821024681357); bare digit runs would also match timestamps.
    expect(t.logs.join('')).not.toMatch(/홍디코|2468[\s.-]?1357/);
  });

  test('a slash command does what its text says, answered through the deferred response', async () => {
    const [help] = await discord.slash({ userId: RESIDENT, name: 'help', channelId: RESIDENT_DM });
    expect(help?.via).toBe('interaction');
    expect(help?.content).toContain('도움말');
    const status = await discord.slash({ userId: HEAD, name: 'status', channelId: HEAD_DM });
    expect(status[0]?.content).toMatch(/방송|현황/);
    const notAllowed = await discord.slash({
      userId: RESIDENT,
      name: 'approve',
      options: { number: 1 },
      channelId: RESIDENT_DM,
    });
    expect(notAllowed[0]?.content).toContain('이장님과 담당 공무원만');
  });
});

describe('a village channel on Discord', () => {
  test('the head links it with the slash command; the bot answers there only when mentioned', async () => {
    const linked = await discord.slash({ userId: HEAD, name: 'link', channelId: VILLAGE_CHANNEL, guildId: GUILD });
    expect(linked[0]?.channelId).toBe(VILLAGE_CHANNEL);
    expect(linked[0]?.content).toContain('고성1리 마을방으로 연결');
    expect(
      await t.database.db
        .select({ villageId: groupChats.villageId })
        .from(groupChats)
        .where(eq(groupChats.chatId, VILLAGE_CHANNEL)),
    ).toEqual([{ villageId: 1 }]);

    expect(await discord.inGuild(NEIGHBOUR, GUILD, VILLAGE_CHANNEL, '다들 안녕하세요')).toEqual([]);
    const answered = await discord.inGuild(NEIGHBOUR, GUILD, VILLAGE_CHANNEL, `<@${emulator.botUserId}> 도움말`);
    expect(answered).toHaveLength(1);
    expect(answered[0]?.channelId).toBe(VILLAGE_CHANNEL);
    expect(answered[0]?.content).toContain('단체방');
  });

  test("the head's broadcast is relayed into the linked channel, with no mention pinging anyone", async () => {
    await discord.dm(HEAD, HEAD_DM, '방송 보내기 긴급 @everyone 내일 아침 마을회관 대청소가 있습니다');
    await discord.dm(HEAD, HEAD_DM, '1'); // 보내기, on the preview
    const relayed = emulator.rest
      .filter((r) => r.method === 'POST' && r.path === `/channels/${VILLAGE_CHANNEL}/messages`)
      .at(-1);
    expect(JSON.stringify(relayed?.body)).toContain('마을회관 대청소');
    expect((relayed?.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
  });
});

describe('Discord sending', () => {
  test('a long reply is split at 2,000 characters, each part with its own nonce', async () => {
    const before = emulator.rest.length;
    const text = '가나다라마바사 '.repeat(600).trim();
    await t.database.db.insert(outbox).values({
      dedupeKey: 'test:long',
      platform: 'discord',
      chatType: 'group',
      chatId: OTHER_CHANNEL,
      purpose: 'test',
      messagesEnc: t.app.deps.cipher.encrypt(JSON.stringify([{ text }])),
      nextAttemptAt: t.clock.now(),
      createdAt: t.clock.now(),
    });
    await t.app.delivery.flush();
    const posts = emulator.rest.slice(before).filter((r) => r.path === `/channels/${OTHER_CHANNEL}/messages`);
    expect(posts.length).toBe(3);
    expect(posts.every((p) => p.status === 200 && (p.body as { content: string }).content.length <= 2000)).toBe(true);
    expect(new Set(posts.map((p) => (p.body as { nonce: string }).nonce)).size).toBe(3);
    expect(posts.every((p) => (p.body as { enforce_nonce?: boolean }).enforce_nonce === true)).toBe(true);
  });
});
