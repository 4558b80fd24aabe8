import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ButtonBuilder,
  ButtonStyle,
  ActionRowBuilder,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  Partials,
  type ClientEvents,
  type Interaction,
  type Message,
  type RateLimitData,
  type TextChannel,
} from 'discord.js';
import { startDiscordEmulator, type DiscordEmulator } from './discord.emulator.ts';

// The real discord.js client against the emulator: if these pass, an adapter built on discord.js can be tested
// end to end against it. https://discord.com/developers/docs/events/gateway
const GUILD = '200000000000000001';
const CHANNEL = '300000000000000001';
const ALICE = '400000000000000001';
const BOB = '400000000000000002';
const LOCKED = '300000000000000009';
const DM_ALICE = '500000000000000001';

let emu: DiscordEmulator;
let client: Client;
const received: Message[] = [];

/** The next `event` the client emits that satisfies `pred`, or a rejection after `ms`. */
function nextEvent<E extends keyof ClientEvents>(
  event: E,
  pred: (...args: ClientEvents[E]) => boolean = () => true,
  ms = 3000,
): Promise<ClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const listener = (...args: ClientEvents[E]) => {
      if (!pred(...args)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    };
    client.on(event, listener);
  });
}
async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
const channel = () => client.channels.cache.get(CHANNEL) as TextChannel;
const count = (content: string) => received.filter((m) => m.content === content).length;

beforeAll(async () => {
  // A short heartbeat so heartbeats and their ACKs (op 1 / op 11) happen during the run.
  emu = await startDiscordEmulator({
    heartbeatIntervalMs: 500,
    guilds: [
      {
        id: GUILD,
        name: '마을',
        channels: [
          { id: CHANNEL, name: 'general' },
          { id: LOCKED, name: 'locked' },
        ],
      },
    ],
  });
  client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
      GatewayIntentBits.MessageContent,
    ],
    partials: [Partials.Channel],
    rest: { api: emu.apiBase },
  });
  client.on(Events.MessageCreate, (m) => {
    received.push(m);
  });
  const ready = nextEvent(Events.ClientReady, () => true, 10_000);
  await client.login('emulator-token');
  await ready;
});

afterAll(async () => {
  // destroy() before READY hangs, so only destroy a client that got ready.
  if (client?.isReady()) await client.destroy();
  await emu?.close();
});

describe('discord emulator with the real discord.js client', () => {
  it('logs in, identifies once and receives the guild', async () => {
    await emu.waitForReady();
    expect(client.user?.id).toBe(emu.botUserId);
    expect(emu.identifies).toBe(1);
    expect(emu.connections).toBe(1);
    expect(channel().isTextBased()).toBe(true);
    expect(client.guilds.cache.get(GUILD)?.name).toBe('마을');
    expect(emu.rest.map((r) => r.path)).toContain('/gateway/bot');
  });

  it('delivers guild and DM messages to messageCreate', async () => {
    const guildMsg = nextEvent(Events.MessageCreate, (m) => m.content === '안녕하세요');
    emu.userMessage({ userId: ALICE, username: 'alice', channelId: CHANNEL, content: '안녕하세요', guildId: GUILD });
    const [g] = await guildMsg;
    expect(g.guildId).toBe(GUILD);
    expect(g.author.id).toBe(ALICE);

    const dm = nextEvent(Events.MessageCreate, (m) => m.content === '도움말');
    emu.userMessage({ userId: ALICE, username: 'alice', channelId: DM_ALICE, content: '도움말' });
    const [d] = await dm;
    expect(d.channel.isDMBased()).toBe(true);
    expect(d.channelId).toBe(DM_ALICE);
    // The partial DM channel works for replies: the emulator knows it belongs to Alice.
    await d.channel.send('무엇을 도와드릴까요?');
    expect(emu.messages.at(-1)).toMatchObject({ channelId: DM_ALICE, content: '무엇을 도와드릴까요?', via: 'channel' });
  });

  it('records channel.send, and enforces the content limit', async () => {
    const sent = await channel().send({
      content: '공지입니다',
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('ack').setLabel('확인').setStyle(ButtonStyle.Primary),
        ),
      ],
    });
    expect(emu.messages.find((m) => m.id === sent.id)).toMatchObject({ channelId: CHANNEL, content: '공지입니다' });
    expect(emu.messages.find((m) => m.id === sent.id)?.components).toHaveLength(1);
    await expect(channel().send('가'.repeat(2001))).rejects.toMatchObject({ code: 50035, status: 400 });
    await sent.edit('공지입니다 (수정)');
    expect(emu.messages.find((m) => m.id === sent.id)).toMatchObject({ content: '공지입니다 (수정)', edits: 1 });
  });

  it('rejects DMs to a user who refuses them with 50007, and denied channels with 50013', async () => {
    emu.userMessage({ userId: BOB, username: 'bob', channelId: CHANNEL, content: 'bob here', guildId: GUILD });
    await until(() => count('bob here') === 1);
    emu.refuseDMs(BOB);
    const bob = await client.users.fetch(BOB);
    const err: unknown = await bob.send('hello').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect(err).toMatchObject({ code: 50007, status: 403 });
    emu.denyChannel(LOCKED);
    await expect((client.channels.cache.get(LOCKED) as TextChannel).send('x')).rejects.toMatchObject({
      code: 50013,
      status: 403,
    });
  });

  it('de-duplicates a repeated nonce when enforce_nonce is set', async () => {
    const first = await channel().send({ content: '한 번만', nonce: '7001', enforceNonce: true });
    const second = await channel().send({ content: '한 번만', nonce: '7001', enforceNonce: true });
    expect(second.id).toBe(first.id);
    expect(emu.messages.filter((m) => m.content === '한 번만')).toHaveLength(1);
  });

  it('delivers a slash command and records the reply as type 4', async () => {
    await client.application!.commands.set([
      { name: 'weather', description: '날씨', options: [{ name: 'town', description: '읍면', type: 3 }] },
    ]);
    expect(emu.registeredCommands.get('global')?.[0]).toMatchObject({ name: 'weather' });
    const arrived = nextEvent(Events.InteractionCreate, (i: Interaction) => i.isChatInputCommand());
    const ref = emu.slashCommand({
      userId: ALICE,
      name: 'weather',
      options: { town: '읍내' },
      channelId: CHANNEL,
      guildId: GUILD,
    });
    const [interaction] = await arrived;
    if (!interaction.isChatInputCommand()) throw new Error('expected a slash command');
    expect(interaction.id).toBe(ref.id);
    expect(interaction.options.getString('town')).toBe('읍내');
    expect(interaction.locale).toBe('ko');
    await interaction.reply({ content: '맑음' });
    expect(emu.interactionResponses.get(ref.id)).toMatchObject({ type: 4, data: { content: '맑음' } });
    await interaction.followUp('내일은 비');
    await interaction.editReply('맑음 (수정)');
    expect(emu.messages.filter((m) => m.interactionId === ref.id).map((m) => m.content)).toEqual([
      '맑음 (수정)',
      '내일은 비',
    ]);
    // An interaction is acknowledged once.
    await expect(
      client.rest.post(`/interactions/${ref.id}/${ref.token}/callback`, { body: { type: 6 }, auth: false }),
    ).rejects.toMatchObject({ code: 40060 });
  });

  it('delivers a DM button click and records deferUpdate as type 6 (with_response)', async () => {
    const arrived = nextEvent(Events.InteractionCreate, (i: Interaction) => i.isButton());
    const ref = emu.buttonClick({
      userId: ALICE,
      customId: 'ack',
      channelId: DM_ALICE,
      messageId: emu.messages[0]!.id,
    });
    const [interaction] = await arrived;
    if (!interaction.isButton()) throw new Error('expected a button');
    expect(interaction.customId).toBe('ack');
    expect(interaction.channel?.isDMBased()).toBe(true);
    expect(interaction.user.id).toBe(ALICE);
    // with_response=true gets a 200 with an interaction callback response instead of the bare 204.
    const response = await interaction.deferUpdate({ withResponse: true });
    expect(response.interaction.id).toBe(ref.id);
    expect(emu.interactionResponses.get(ref.id)).toMatchObject({ type: 6 });
  });

  it('resumes after a dropped connection and replays what was missed, once', async () => {
    for (const code of [4000, undefined]) {
      const resumed = nextEvent(Events.ShardResume);
      emu.dropConnection(code);
      emu.userMessage({ userId: ALICE, channelId: CHANNEL, content: `missed ${code}`, guildId: GUILD });
      await resumed;
      emu.userMessage({ userId: ALICE, channelId: CHANNEL, content: `after ${code}`, guildId: GUILD });
      await until(() => count(`missed ${code}`) === 1 && count(`after ${code}`) === 1);
    }
    expect(emu.resumes).toBe(2);
    expect(emu.identifies).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(count('missed 4000') + count('after 4000') + count('missed undefined') + count('after undefined')).toBe(4);
  });

  it('answers 429 with rate-limit headers, and discord.js waits and retries', async () => {
    const limited: RateLimitData[] = [];
    const onLimited = (d: RateLimitData) => {
      limited.push(d);
    };
    client.rest.on('rateLimited', onLimited);
    emu.rateLimitNext(1, { retryAfterSeconds: 1 });
    const t0 = Date.now();
    const sent = await channel().send('천천히');
    client.rest.off('rateLimited', onLimited);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(emu.rest.filter((r) => r.status === 429)).toHaveLength(1);
    expect(emu.messages.filter((m) => m.id === sent.id)).toHaveLength(1);
  });

  it('acknowledges heartbeats, and answers unknown routes with a JSON 404', async () => {
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
    expect(emu.identifies).toBe(1);
    const res = await fetch(`${emu.apiBase}/v10/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: '404: Not Found', code: 0 });
  });
});
