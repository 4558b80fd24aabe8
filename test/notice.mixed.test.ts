import { and, count, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDiscordChannel } from '../bots/discord/discord.channel.ts';
import { lineChannel } from '../bots/line/line.channel.ts';
import { websimChannel } from '../bots/websim/websim.channel.ts';
import { auditLog, groupChats, noticeRelays, outbox } from '../db/schema/index.ts';
import { startDiscordEmulator, type DiscordEmulator } from './discord/discord.emulator.ts';
import { buttonIds, discordDriver } from './discord/discord.harness.ts';
import { startLineEmulator, type LineEmulator } from './line/line.emulator.ts';
import * as line from './line/line.webhook.sender.ts';
import { seedHeads, type SeededHead } from './support/heads.seed.ts';
import { sendNotice } from './support/broadcast.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

const SECRET = 'line-channel-secret-for-tests';
const TOKEN = 'line-access-token-for-tests';
const GUILD = '200000000000000001';
const DISCORD_GOSEONG1 = '300000000000000001'; // a second village room of 고성1리, on Discord
const DISCORD_VILLAGE = '300000000000000002'; // the village room of a head who uses Discord
const CHATTER = '300000000000000003';
const HEAD_DM = '510000000000000009';
const LINE_GROUP = `C${'a'.repeat(32)}`;

let lineEmulator: LineEmulator;
let discordEmulator: DiscordEmulator;
let t: TestApp;
let sim: ReturnType<typeof simClient>;
let discord: ReturnType<typeof discordDriver>;
let heads: SeededHead[];
let lineHead: SeededHead;
let discordHead: SeededHead;

beforeAll(async () => {
  lineEmulator = await startLineEmulator({ channelAccessToken: TOKEN, now: () => t.clock.now().getTime() });
  discordEmulator = await startDiscordEmulator({
    guilds: [
      {
        id: GUILD,
        name: '고성 마을',
        channels: [
          { id: DISCORD_GOSEONG1, name: '고성1리' },
          { id: DISCORD_VILLAGE, name: '새마을3리' },
          { id: CHATTER, name: '잡담' },
        ],
      },
    ],
  });
  t = await startTestApp({
    env: {
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
      LINE_API_BASE_URL: lineEmulator.baseUrl,
      DISCORD_TOKEN: 'discord-bot-token-for-tests',
      DISCORD_API_BASE_URL: discordEmulator.apiBase,
    },
    channels: [websimChannel, lineChannel, createDiscordChannel({ leaseMs: 5000, renewMs: 200 })],
  });
  sim = simClient(t.app.url);
  discord = discordDriver(discordEmulator, () => t);
  // 42 demo heads on the simulator + 221 more in turn on the simulator, LINE and Discord: 263 heads over 14 districts.
  heads = await seedHeads(t.database.db, t.app.deps.cipher, {
    count: 221,
    platforms: ['websim', 'line', 'discord'],
    now: t.clock.now(),
  });
  lineHead = heads.find((h) => h.platform === 'line') as SeededHead;
  discordHead = heads.find((h) => h.platform === 'discord') as SeededHead;
  await t.database.db.insert(groupChats).values([
    { platform: 'discord', chatId: DISCORD_GOSEONG1, title: '고성1리', villageId: 1 },
    { platform: 'discord', chatId: DISCORD_VILLAGE, title: discordHead.villageName, villageId: discordHead.villageId },
    { platform: 'line', chatId: LINE_GROUP, title: lineHead.villageName, villageId: lineHead.villageId },
  ]);
  // Discord knows a user once they have written somewhere; one head writes to the bot first, the others chat in the server.
  await discord.dm(discordHead.platformUserId, HEAD_DM, '안녕하세요');
  for (const h of heads.filter((x) => x.platform === 'discord' && x !== discordHead))
    discordEmulator.userMessage({
      userId: h.platformUserId,
      channelId: CHATTER,
      guildId: GUILD,
      content: '안녕하세요',
    });
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await lineEmulator?.close();
  await discordEmulator?.close();
});

const settle = async () => {
  await t.app.inbound.idle();
  await t.app.delivery.flush();
};
const inChannel = (channelId: string) => discordEmulator.messages.filter((m) => m.channelId === channelId);
const lineTo = (to: string) => lineEmulator.delivered.filter((d) => d.to === to);

describe('a county-wide notice to 263 village heads on the simulator, LINE and Discord', () => {
  test('every head gets it once on their platform, and every delivery is recorded with the notice', async () => {
    await t.app.inbound.idle();
    const reply = (
      await sendNotice(sim, 'staff-county', '공지 [기한 11.25 18:00] 김장 나눔 행사에 참여할 마을을 알려 주세요.')
    ).join();
    expect(reply).toContain('공지 #1을 마을 263곳의 이장님 263명께 보냈습니다');
    await settle();
    const rows = await t.database.db
      .select({ platform: outbox.platform, status: outbox.status, n: count() })
      .from(outbox)
      .where(and(eq(outbox.subjectKind, 'notice'), eq(outbox.subjectId, 1), eq(outbox.purpose, 'notice')))
      .groupBy(outbox.platform, outbox.status);
    expect(rows.sort((a, b) => a.platform.localeCompare(b.platform))).toEqual([
      { platform: 'discord', status: 'sent', n: 73 },
      { platform: 'line', status: 'sent', n: 74 },
      { platform: 'websim', status: 'sent', n: 116 },
    ]);
    // What the platforms saw: one push per LINE head, one DM per Discord head, with the buttons.
    const linePushes = lineEmulator.delivered.filter(
      (d) => d.via === 'push' && d.message.text?.includes('[고성군 공지 #1]'),
    );
    expect(new Set(linePushes.map((d) => d.to)).size).toBe(74);
    expect(linePushes.length).toBe(74);
    const discordCards = discordEmulator.messages.filter((m) => m.content.includes('[고성군 공지 #1]'));
    expect(discordCards.length).toBe(73);
    expect(buttonIds(discordCards.find((m) => m.channelId === HEAD_DM))).toEqual(['공지 확인 1', '공지 전달 1']);
  });

  test('relays land in every chat of the right village on every platform, with attribution', async () => {
    // The simulator head of 고성1리: its simulator room and its Discord channel.
    await sim.press('head-goseong-eup-1', '공지 전달 1');
    await settle();
    const expected = '[고성군 공지]\n김장 나눔 행사에 참여할 마을을 알려 주세요.\n— 고성군청 발신 · 이장 김*자 전달';
    expect((await sim.chat('group', 'village-1')).at(-1)?.text).toBe(expected);
    expect(inChannel(DISCORD_GOSEONG1).at(-1)?.content).toBe(expected);
    // A LINE head presses the postback button; their LINE group gets it.
    const res = await line.sendLineWebhook(
      `${t.app.url}/webhooks/line`,
      SECRET,
      line.lineWebhookBody('Ubot', [line.linePostbackEvent({ userId: lineHead.platformUserId, data: '공지 전달 1' })]),
    );
    expect(res.status).toBe(200);
    await settle();
    const masked = (name: string) => `${[...name][0]}*${[...name][2]}`;
    expect(lineTo(LINE_GROUP).at(-1)?.message.text).toBe(
      `[고성군 공지]\n김장 나눔 행사에 참여할 마을을 알려 주세요.\n— 고성군청 발신 · 이장 ${masked(lineHead.realName)} 전달`,
    );
    // A Discord head clicks the button on their card; their village channel gets it.
    const card = discordEmulator.messages.find(
      (m) => m.channelId === HEAD_DM && m.content.includes('[고성군 공지 #1]'),
    );
    await discord.click({
      userId: discordHead.platformUserId,
      customId: '공지 전달 1',
      channelId: HEAD_DM,
      messageId: card?.id ?? '',
    });
    expect(inChannel(DISCORD_VILLAGE).at(-1)?.content).toContain(
      `— 고성군청 발신 · 이장 ${masked(discordHead.realName)} 전달`,
    );
    // Nothing went into a chat of another village.
    expect(inChannel(CHATTER)).toEqual([]);
    expect(await sim.chat('group', 'village-2')).toEqual([]);
    const relays = await t.database.db.select().from(noticeRelays).where(eq(noticeRelays.noticeId, 1));
    expect(relays.map((r) => `${r.platform}:${r.villageId}`).sort()).toEqual(
      [`discord:1`, `discord:${discordHead.villageId}`, `line:${lineHead.villageId}`, 'websim:1'].sort(),
    );
  });

  test('현황 1 counts deliveries, acknowledgements and relays over all platforms', async () => {
    await sim.press('head-goseong-eup-2', '공지 확인 1');
    const status = (await sim.say('staff-county', '현황 1'))[0] ?? '';
    expect(status).toContain('이장 263명: 받음 263 · 확인 4');
    expect(status).toContain('마을 263곳: 마을방 전달 3곳 (Discord 2, LINE 1, 시뮬레이터 1)');
    expect(status).toContain('아직 빠진 곳 260건:');
    expect(status).toContain('… 외 220건');
  });

  test('a correction edits the Discord copies in place and follows the LINE and simulator copies', async () => {
    const withIds = await t.database.db
      .select({ id: outbox.platformMessageId })
      .from(outbox)
      .where(
        and(eq(outbox.purpose, 'notice.relay'), eq(outbox.platform, 'discord'), isNotNull(outbox.platformMessageId)),
      );
    expect(withIds).toHaveLength(2);
    const reply = (
      await sim.say('staff-county', '공지 정정 1 김장 나눔 행사 참여 마을은 11.27.(금)까지 알려 주세요.')
    ).join();
    expect(reply).toContain(
      '이장님 263명께 알립니다. 마을방에 전해진 4곳 중 2곳은 글을 고쳤고, 2곳에는 정정 안내를 올립니다.',
    );
    const audited = await t.database.db
      .select({ action: auditLog.action, subject: auditLog.subject, via: auditLog.via })
      .from(auditLog)
      .where(eq(auditLog.action, 'notice.correct'));
    expect(audited).toEqual([{ action: 'notice.correct', subject: 'notice:1', via: 'chat' }]);
    await settle();
    for (const channel of [DISCORD_GOSEONG1, DISCORD_VILLAGE]) {
      const copies = inChannel(channel);
      expect(copies).toHaveLength(1);
      expect(copies[0]?.edits).toBe(1);
      expect(copies[0]?.content).toContain(
        '[고성군 공지] (정정됨)\n김장 나눔 행사 참여 마을은 11.27.(금)까지 알려 주세요.',
      );
    }
    const correction =
      '[정정] 앞서 전해 드린 고성군 공지를 다음과 같이 바로잡습니다.\n김장 나눔 행사 참여 마을은 11.27.(금)까지 알려 주세요.\n— 고성군청 발신';
    expect(lineTo(LINE_GROUP).at(-1)?.message.text).toBe(correction);
    expect((await sim.chat('group', 'village-1')).at(-1)?.text).toBe(correction);
    const told = await t.database.db
      .select({ n: count() })
      .from(outbox)
      .where(
        and(
          eq(outbox.subjectKind, 'notice'),
          eq(outbox.subjectId, 1),
          eq(outbox.purpose, 'notice.revision'),
          eq(outbox.status, 'sent'),
        ),
      );
    expect(told[0]?.n).toBe(263);
  });
});
