import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDiscordChannel } from '../bots/discord/discord.channel.ts';
import { gatewayLeaseName } from '../bots/discord/discord.gateway.ts';
import { claimLease, leaseHolder, releaseLease } from '../core/leases/lease.usecases.ts';
import { inboundEvents, outbox } from '../db/schema/index.ts';
import { startDiscordEmulator, type DiscordEmulator } from './discord/discord.emulator.ts';
import { discordDriver, until } from './discord/discord.harness.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

const TOKEN = 'discord-gateway-token-for-tests';
const USER = '420000000000000001';
const USER_DM = '520000000000000001';
const CLOSED = '420000000000000002';
const CLOSED_DM = '520000000000000002';
const options = { leaseMs: 3000, renewMs: 100 };

let emulator: DiscordEmulator;
let t: TestApp;
let discord: ReturnType<typeof discordDriver>;

beforeAll(async () => {
  emulator = await startDiscordEmulator();
  t = await startTestApp({
    env: { DISCORD_TOKEN: TOKEN, DISCORD_API_BASE_URL: emulator.apiBase },
    channels: [createDiscordChannel(options)],
  });
  discord = discordDriver(emulator, () => t);
}, 30_000);

afterAll(async () => {
  await t?.stop();
  await emulator?.close();
});

const answersTo = (userId: string) =>
  emulator.messages.filter((m) => m.channelId === (userId === USER ? USER_DM : CLOSED_DM));

describe('the Discord gateway', () => {
  test('a malformed or unexpected gateway event is logged and ignored; the next message is handled', async () => {
    emulator.dispatch('MESSAGE_CREATE', { garbage: true });
    emulator.dispatch('MESSAGE_CREATE', null);
    emulator.dispatch('MESSAGE_CREATE', {
      id: '1',
      channel_id: '300000000000000001',
      guild_id: '200000000000000001',
      author: null,
      content: 5,
    });
    emulator.dispatch('INTERACTION_CREATE', { id: '2', type: 2, token: 'x' });
    emulator.dispatch('INTERACTION_CREATE', null);
    emulator.dispatch('FROM_THE_FUTURE', { anything: [1, 2, 3] });
    expect((await discord.dm(USER, USER_DM, '도움말'))[0]).toContain('도움말');
    expect(t.logs.join('')).toContain('Discord gateway event ignored: malformed');
    expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
  });

  test('a dropped connection resumes, missed events are replayed, and nothing is handled twice', async () => {
    const first = emulator.userMessage({ userId: USER, channelId: USER_DM, content: '도움말' });
    await discord.settle(first.id);
    const answered = answersTo(USER).length;
    const identifies = emulator.identifies;

    emulator.dropConnection();
    // Sent while the bot is away: the emulator keeps it for the resumed session.
    const missed = emulator.userMessage({ userId: USER, channelId: USER_DM, content: '도움말' });
    // And the first message again, as a replayed gateway event with the same id.
    emulator.dispatch('MESSAGE_CREATE', {
      id: first.id,
      channel_id: USER_DM,
      channel_type: 1,
      type: 0,
      content: '도움말',
      timestamp: new Date().toISOString(),
      author: { id: USER, username: 'user', discriminator: '0', global_name: null, avatar: null },
      mentions: [],
      attachments: [],
      embeds: [],
    });
    await until(() => emulator.resumes >= 1, 10_000, 'resume');
    await discord.settle(missed.id);
    expect(emulator.identifies).toBe(identifies);
    expect(answersTo(USER).length).toBe(answered + 1);
    expect(await t.database.db.select().from(inboundEvents).where(eq(inboundEvents.eventId, first.id))).toHaveLength(1);
    expect(t.logs.join('')).toContain('duplicate inbound event ignored');
  });

  test('a 429 with Retry-After delays the next send, which then succeeds; the wait is logged', async () => {
    emulator.rateLimitNext(1, { retryAfterSeconds: 1 });
    await discord.dm(USER, USER_DM, '도움말');
    const sends = emulator.rest
      .filter((r) => r.method === 'POST' && r.path === `/channels/${USER_DM}/messages`)
      .slice(-2);
    expect(sends.map((s) => s.status)).toEqual([429, 200]);
    expect((sends[1]?.at ?? 0) - (sends[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(t.logs.join('')).toContain('Discord rate limited: waiting');
  });

  test('a user who does not accept DMs (50007) is a recorded permanent failure of that delivery', async () => {
    const refused = emulator.userMessage({ userId: CLOSED, channelId: CLOSED_DM, content: '도움말' });
    emulator.refuseDMs(CLOSED);
    await discord.settle(refused.id);
    const [row] = await t.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.dedupeKey, `event:discord:${refused.id}:reply`));
    expect(row?.status).toBe('failed');
    expect(row?.attempts).toBe(1);
    expect(row?.lastError).toContain('50007');
    expect(answersTo(CLOSED)).toEqual([]);
  });
});

describe('one gateway per bot token across instances', () => {
  test('a second instance sends through REST only and takes over when the holder stops', async () => {
    expect(emulator.connections).toBe(1);
    const second = await startTestApp({
      database: t.database,
      env: { DISCORD_TOKEN: TOKEN, DISCORD_API_BASE_URL: emulator.apiBase },
      channels: [createDiscordChannel(options)],
    });
    try {
      expect(emulator.connections).toBe(1);
      const identifies = emulator.identifies;
      // The second instance delivers what is due through REST, without a gateway of its own.
      await second.app.deps.db.insert(outbox).values({
        dedupeKey: 'test:second-sends',
        platform: 'discord',
        chatType: 'direct',
        chatId: USER,
        purpose: 'test',
        messagesEnc: t.app.deps.cipher.encrypt(JSON.stringify([{ text: '두 번째 인스턴스에서 보냅니다' }])),
        nextAttemptAt: t.clock.now(),
        createdAt: t.clock.now(),
      });
      await second.app.delivery.flush();
      expect(answersTo(USER).at(-1)?.content).toBe('두 번째 인스턴스에서 보냅니다');

      await t.app.stop();
      await until(() => emulator.identifies === identifies + 1 && emulator.connections === 1, 10_000, 'takeover');
      // The new holder receives and answers.
      discord = discordDriver(emulator, () => second);
      expect((await discord.dm(USER, USER_DM, '도움말'))[0]).toContain('도움말');
      expect(emulator.connections).toBe(1);
    } finally {
      await second.app.stop();
      // The first instance stopped above (stopping again is a no-op): start it again for the tests after this one.
      await t.restart();
      discord = discordDriver(emulator, () => t);
    }
  });

  test('the lease is taken by one holder at a time, and by another only once it lapses', async () => {
    const name = gatewayLeaseName('another-token');
    const now = new Date('2026-11-24T01:00:00Z');
    const later = (ms: number) => new Date(now.getTime() + ms);
    const db = t.database.db;
    expect(await claimLease(db, { name, holder: 'a', now, ttlMs: 1000 })).toBe(true);
    expect(await claimLease(db, { name, holder: 'b', now: later(500), ttlMs: 1000 })).toBe(false);
    expect(await claimLease(db, { name, holder: 'a', now: later(900), ttlMs: 1000 })).toBe(true); // renewed to 1,900
    expect(await claimLease(db, { name, holder: 'b', now: later(1500), ttlMs: 1000 })).toBe(false);
    expect(await claimLease(db, { name, holder: 'b', now: later(2000), ttlMs: 1000 })).toBe(true); // lapsed: taken over
    expect(await claimLease(db, { name, holder: 'a', now: later(2100), ttlMs: 1000 })).toBe(false);
    expect(await leaseHolder(db, name, later(2100))).toBe('b');
    await releaseLease(db, { name, holder: 'a' }); // not a's to release
    expect(await leaseHolder(db, name, later(2100))).toBe('b');
    await releaseLease(db, { name, holder: 'b' });
    expect(await leaseHolder(db, name, later(2100))).toBe(null);
    // Two asking at once: exactly one wins.
    const both = await Promise.all(
      ['c', 'd'].map((holder) => claimLease(db, { name, holder, now: later(3000), ttlMs: 1000 })),
    );
    expect(both.filter(Boolean)).toHaveLength(1);
  });
});
