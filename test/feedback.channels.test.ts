import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDiscordChannel } from '../bots/discord/discord.channel.ts';
import { lineChannel } from '../bots/line/line.channel.ts';
import { websimChannel } from '../bots/websim/websim.channel.ts';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import { feedbackItems, groupChats, identities, outbox } from '../db/schema/index.ts';
import { staffDigestJob } from '../jobs/staff.digest.job.ts';
import { startDiscordEmulator, type DiscordEmulator } from './discord/discord.emulator.ts';
import { buttonIds, discordDriver } from './discord/discord.harness.ts';
import { startLineEmulator, type LineEmulator } from './line/line.emulator.ts';
import * as line from './line/line.webhook.sender.ts';
import { settleFeedback } from './support/feedback.setup.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

// A resident on LINE (and later on Discord too), the 고성읍 staff room in a Discord channel of the county's server.
const SECRET = 'line-channel-secret-for-tests';
const TOKEN = 'line-access-token-for-tests';
const GUILD = '200000000000000001';
const STAFF_CHANNEL = '300000000000000009';
const STAFF = '420000000000000001'; // the demo staff member of 고성읍, on Discord
const RESIDENT_DISCORD = '420000000000000002';
const RESIDENT_DM = '520000000000000002';
const RESIDENT_LINE = 'U7000000000000000000000000000feedback';

let lineEmulator: LineEmulator;
let discordEmulator: DiscordEmulator;
let t: TestApp;
let sim: ReturnType<typeof simClient>;
let discord: ReturnType<typeof discordDriver>;

beforeAll(async () => {
  lineEmulator = await startLineEmulator({ channelAccessToken: TOKEN, now: () => t.clock.now().getTime() });
  discordEmulator = await startDiscordEmulator({
    guilds: [{ id: GUILD, name: '고성군청', channels: [{ id: STAFF_CHANNEL, name: '고성읍-직원방' }] }],
  });
  t = await startTestApp({
    env: {
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
      LINE_API_BASE_URL: lineEmulator.baseUrl,
      DISCORD_TOKEN: 'discord-token',
      DISCORD_API_BASE_URL: discordEmulator.apiBase,
    },
    channels: [websimChannel, lineChannel, createDiscordChannel({ leaseMs: 5000, renewMs: 200 })],
  });
  sim = simClient(t.app.url);
  discord = discordDriver(discordEmulator, () => t);
  const [staff] = await t.database.db
    .select()
    .from(identities)
    .where(eq(identities.platformUserId, 'staff-goseong-eup'));
  await t.database.db
    .insert(identities)
    .values({ memberId: staff?.memberId ?? -1, platform: 'discord', platformUserId: STAFF, lastSeenAt: t.clock.now() });
  await discord.inGuild(STAFF, GUILD, STAFF_CHANNEL, '직원방 연결');
}, 30_000);
afterAll(async () => {
  await t?.stop();
  await discordEmulator?.close();
  await lineEmulator?.close();
});

/** What reaches the LINE resident after they send `events` (a reply token each time, like LINE). */
async function onLine(build: (replyToken: string) => object): Promise<string[]> {
  const before = lineEmulator.delivered.length;
  const status = (
    await line.sendLineWebhook(
      `${t.app.url}/webhooks/line`,
      SECRET,
      line.lineWebhookBody('Ubot', [build(lineEmulator.issueReplyToken(RESIDENT_LINE))] as never),
    )
  ).status;
  expect(status).toBe(200);
  await t.app.inbound.idle();
  await settleFeedback(t);
  return lineEmulator.delivered
    .slice(before)
    .flatMap((d) => (d.to === RESIDENT_LINE && d.message.type === 'text' ? [d.message.text as string] : []));
}
const sayOnLine = (text: string) =>
  onLine((replyToken) => line.lineTextEvent({ userId: RESIDENT_LINE, text, replyToken }));
const staffRoom = () => discordEmulator.messages.filter((m) => m.channelId === STAFF_CHANNEL);

describe('feedback across channels: a LINE resident, a Discord staff room', () => {
  let receipt = '';

  test('the LINE resident registers and is approved, writes, attaches a location, and the Discord staff room gets the card', async () => {
    for (const answer of ['등록', '1', '이라인', '010-7000-0001', '1', '1', '1']) await sayOnLine(answer);
    const request = (await sim.chat('direct', 'head-goseong-eup-1')).at(-1);
    await sim.press('head-goseong-eup-1', `승인 ${/#(\d+)/.exec(request?.text ?? '')?.[1]}`);
    await t.app.delivery.flush();

    const reply = (await sayOnLine('의견 마을회관 앞 배수로가 막혀 물이 넘칩니다')).join('\n');
    receipt = /접수번호 (\d{4}-\d{6})/.exec(reply)?.[1] ?? '';
    expect(receipt).toMatch(/^2026-\d{6}$/);
    const attached = await onLine((replyToken) =>
      line.lineLocationEvent({
        userId: RESIDENT_LINE,
        replyToken,
        latitude: 34.97,
        longitude: 128.32,
        address: '고성읍 마을회관',
      }),
    );
    expect(attached.join()).toContain(`위치를 의견 ${receipt}에 함께 붙였습니다`);
    const card = staffRoom()
      .filter((m) => m.content.includes(`[주민 의견 ${receipt}]`))
      .at(-1);
    expect(card?.content).toContain('마을회관 앞 배수로가 막혀 물이 넘칩니다');
    expect(card?.content).toContain('https://map.kakao.com/link/map/의견,34.97,128.32');
    expect(card?.content).toContain('이*인 님');
    expect(buttonIds(card)).toEqual([`의견 맡기 ${receipt}`, `답변 ${receipt}`, `의견 닫기 ${receipt}`]);
  });

  test('staff take it with the Discord button and answer in the channel; the LINE resident gets both', async () => {
    const card = staffRoom()
      .filter((m) => m.content.includes(`[주민 의견 ${receipt}]`))
      .at(-1);
    const before = lineEmulator.delivered.length;
    await discord.click({
      userId: STAFF,
      customId: `의견 맡기 ${receipt}`,
      channelId: STAFF_CHANNEL,
      messageId: card?.id ?? '',
      guildId: GUILD,
    });
    await discord.inGuild(STAFF, GUILD, STAFF_CHANNEL, `답변 ${receipt} 오늘 오후에 배수로를 청소하겠습니다.`);
    const texts = lineEmulator.delivered
      .slice(before)
      .flatMap((d) => (d.to === RESIDENT_LINE && d.message.type === 'text' ? [d.message.text as string] : []));
    expect(texts).toEqual([
      `의견 ${receipt}을 담당자가 확인하고 있습니다.`,
      `[의견 ${receipt} 답변]\n오늘 오후에 배수로를 청소하겠습니다.\n— 고성읍사무소`,
    ]);
    expect(staffRoom().at(-1)?.content).toContain('답변이 나갔습니다');
  });

  test('written from Discord, the answer comes back on Discord; when LINE is blocked, an answer falls back to Discord', async () => {
    const [resident] = await t.database.db
      .select()
      .from(identities)
      .where(eq(identities.platformUserId, RESIDENT_LINE));
    await t.database.db
      .insert(identities)
      .values({ memberId: resident?.memberId ?? -1, platform: 'discord', platformUserId: RESIDENT_DISCORD });
    const receiptOnDiscord =
      /접수번호 (\S+)/.exec(
        (await discord.dm(RESIDENT_DISCORD, RESIDENT_DM, '의견 경로당 보일러가 고장났습니다')).join(),
      )?.[1] ?? '';
    await settleFeedback(t);
    await discord.inGuild(STAFF, GUILD, STAFF_CHANNEL, `답변 ${receiptOnDiscord} 내일 기사님이 방문합니다.`);
    expect(discordEmulator.messages.filter((m) => m.channelId === RESIDENT_DM).at(-1)?.content).toContain(
      `[의견 ${receiptOnDiscord} 답변]`,
    );

    lineEmulator.blockUser(RESIDENT_LINE);
    await discord.inGuild(STAFF, GUILD, STAFF_CHANNEL, `답변 ${receipt} 청소를 마쳤습니다.`);
    await t.app.delivery.flush();
    expect(discordEmulator.messages.filter((m) => m.channelId === RESIDENT_DM).at(-1)?.content).toContain(
      `[의견 ${receipt} 답변]\n청소를 마쳤습니다.`,
    );
    const [item] = await t.database.db.select().from(feedbackItems).where(eq(feedbackItems.receiptNo, receipt));
    const rows = await t.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.memberId, item?.memberId ?? -1));
    expect(
      rows.filter((r) => r.purpose === 'feedback.resident' && r.status === 'failed' && r.platform === 'line').length,
    ).toBeGreaterThan(0);
    expect(
      rows.some(
        (r) =>
          r.purpose === 'feedback.resident' && r.platform === 'discord' && r.fallbackOf !== null && r.status === 'sent',
      ),
    ).toBe(true);
  });
});

describe('the morning digest on every channel', () => {
  test('a Discord staff room and a LINE group staff room each receive one digest per morning', async () => {
    const LINE_HQ_GROUP = 'C1000000000000000000000000000000hq';
    await t.database.db
      .insert(groupChats)
      .values({ platform: 'line', chatId: LINE_HQ_GROUP, title: '본청 직원방', isHqStaffRoom: true });
    const morning = new Date('2026-11-24T23:30:00Z'); // 11.25.(수) 08:30 KST
    t.clock.set(morning);
    const job = staffDigestJob('30 8 * * *');
    const linePushes = () =>
      lineEmulator.delivered.filter((d) => d.to === LINE_HQ_GROUP && String(d.message.text).includes('아침 소식'))
        .length;
    const discordDigests = () => staffRoom().filter((m) => m.content.includes('아침 소식')).length;
    await job.run({ ...t.app.deps, summary: noSummaryWriter }, morning);
    await t.app.delivery.flush();
    expect(discordDigests()).toBe(1);
    expect(linePushes()).toBe(1);
    expect(
      staffRoom()
        .filter((m) => m.content.includes('아침 소식'))
        .at(-1)?.content,
    ).toContain('주민 의견');
    await job.run({ ...t.app.deps, summary: noSummaryWriter }, morning); // a second run of the same morning
    await t.app.delivery.flush();
    expect(discordDigests()).toBe(1);
    expect(linePushes()).toBe(1);
  });
});
