import { eq, inArray, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createOpenAiSummaryWriter } from '../core/ai/openai.summary.ts';
import { noSummaryWriter, type SummaryWriter } from '../core/ai/summary.port.ts';
import type { OutboundMessage } from '../core/channel/channel.types.ts';
import { sendStaffDigests } from '../core/digests/staff.digest.ts';
import { broadcasts, groupChats, identities, members, outbox, registrations, villages } from '../db/schema/index.ts';
import { startOpenAiStub, type OpenAiStub } from './openai/openai.stub.ts';
import { seedResidents } from './support/residents.seed.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

// 11.27.(금) 08:30 KST: the digest covers 11.26 08:30 – 11.27 08:30 KST (well after the demo seed's approvals).
const SLOT = new Date('2026-11-26T23:30:00Z');
const hoursBefore = (h: number) => new Date(SLOT.getTime() - h * 3_600_000);

let t: TestApp;
let stub: OpenAiStub;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function memberIdsOf(userIds: string[]): Promise<number[]> {
  const rows = await t.database.db
    .select({ id: identities.memberId, user: identities.platformUserId })
    .from(identities)
    .where(inArray(identities.platformUserId, userIds));
  return userIds.map((u) => rows.find((r) => r.user === u)?.id ?? -1);
}

/** A day in Goseong, straight into the database: broadcasts with their deliveries, registrations old and new. */
async function seedDay(): Promise<void> {
  const { db } = t.database;
  const cipher = t.app.deps.cipher;
  const villagesOf = async (code: string) =>
    (await db.select({ id: villages.id }).from(villages).where(eq(villages.districtCode, code))).map((v) => v.id);
  const goseongVillages = await villagesOf('goseong-eup');
  const samsanVillages = await villagesOf('samsan');
  const g = await memberIdsOf(
    await seedResidents(db, cipher, {
      count: 8,
      platform: 'websim',
      villageIds: goseongVillages,
      now: hoursBefore(24 * 10),
    }),
  );
  const s = await memberIdsOf(
    await seedResidents(db, cipher, {
      count: 4,
      platform: 'line',
      villageIds: samsanVillages,
      now: hoursBefore(24 * 10),
    }),
  );
  const [sender] = await db.select({ id: members.id }).from(members).limit(1);
  const broadcast = async (values: {
    scopeKind: 'county' | 'districts';
    scopeDistricts?: string[];
    category?: 'general' | 'event';
    body: string;
    at: Date;
    sent?: boolean;
  }) => {
    const [row] = await db
      .insert(broadcasts)
      .values({
        scopeKind: values.scopeKind,
        scopeDistricts: values.scopeDistricts ?? [],
        category: values.category ?? 'general',
        body: values.body,
        senderLabel: '고성읍사무소',
        createdBy: sender?.id ?? 1,
        createdAt: values.at,
        sendAt: values.at,
        fannedOutAt: values.sent === false ? null : values.at,
      })
      .returning({ id: broadcasts.id });
    return row?.id ?? -1;
  };
  let n = 0;
  const deliveries = async (
    broadcastId: number,
    status: 'sent' | 'failed' | 'queued',
    memberIds: number[],
    chatType: 'direct' | 'group' = 'direct',
  ) => {
    for (const memberId of memberIds)
      await db.insert(outbox).values({
        dedupeKey: `seed:${broadcastId}:${n++}`,
        platform: 'websim',
        chatType,
        chatId: `seed-${n}`,
        memberId: chatType === 'direct' ? memberId : null,
        purpose: 'broadcast',
        subjectKind: 'broadcast',
        subjectId: broadcastId,
        status,
        nextAttemptAt: SLOT,
        createdAt: SLOT,
      });
  };
  const at = (i: number) => g[i] ?? -1;
  // 고성읍's broadcast yesterday 14:00 KST: 5 sent, 1 failed, 2 waiting, and one village chat (not a resident).
  const roadworks = await broadcast({
    scopeKind: 'districts',
    scopeDistricts: ['goseong-eup'],
    body: '도로 보수 설명회가 내일 오전 9시 마을회관에서 열립니다',
    at: hoursBefore(18.5),
  });
  await deliveries(roadworks, 'sent', [at(0), at(1), at(2), at(3), at(4)]);
  await deliveries(roadworks, 'failed', [at(5)]);
  await deliveries(roadworks, 'queued', [at(6), at(7)]);
  await deliveries(roadworks, 'sent', [0], 'group');
  // A county-wide one at 20:00 KST: two residents of 고성읍 and one of 삼산면.
  const sports = await broadcast({
    scopeKind: 'county',
    category: 'event',
    body: '군민 체육대회에 초대합니다',
    at: hoursBefore(12.5),
  });
  await deliveries(sports, 'sent', [at(0), at(1), s[0] ?? -1]);
  // Two days ago: not in this digest. Scheduled for later: not gone out yet.
  const old = await broadcast({ scopeKind: 'county', body: '지난 소식', at: hoursBefore(48) });
  await deliveries(old, 'failed', [at(0)]);
  await broadcast({ scopeKind: 'county', body: '예약된 소식', at: hoursBefore(1), sent: false });

  // Registrations waiting: two in 고성1리 and one in 삼산면 for more than a day, one of 고성읍 from last night.
  const waiting = async (villageId: number, hours: number, i: number) => {
    const [m] = await db.insert(members).values({}).returning({ id: members.id });
    const mobile = `+82109999880${i}`;
    await db.insert(registrations).values({
      memberId: m?.id ?? -1,
      consentVersion: 'test',
      consentedAt: hoursBefore(hours),
      realName: `김비밀${i}`,
      mobileEnc: cipher.encrypt(mobile),
      mobileHash: cipher.blindIndex(mobile),
      villageId,
      createdAt: hoursBefore(hours),
    });
  };
  await waiting(goseongVillages[0] ?? -1, 40, 1);
  await waiting(goseongVillages[0] ?? -1, 30, 2);
  await waiting(samsanVillages[0] ?? -1, 60, 3);
  await waiting(goseongVillages[1] ?? -1, 10, 4);
  // Approved in the last day: three of 고성읍, one of 삼산면.
  await db
    .update(registrations)
    .set({ decidedAt: hoursBefore(6) })
    .where(inArray(registrations.memberId, [at(0), at(1), at(2), s[0] ?? -1]));
}

async function digestOf(chatId: string): Promise<string> {
  const [row] = await t.database.db
    .select()
    .from(outbox)
    .where(eq(outbox.dedupeKey, `digest:staff:${chatId.startsWith('C') ? 'line' : 'websim'}:${chatId}:2026-11-27`));
  if (!row?.messagesEnc) throw new Error(`no digest for ${chatId}`);
  return (JSON.parse(t.app.deps.cipher.decrypt(row.messagesEnc)) as OutboundMessage[]).map((m) => m.text).join('\n');
}

const run = (summary: SummaryWriter) => sendStaffDigests({ deps: t.app.deps, summary, now: SLOT });
const model = (timeoutMs = 2000) =>
  createOpenAiSummaryWriter({ model: 'stub-model', baseURL: stub.baseURL, apiKey: 'test', timeoutMs, logger: silent });

beforeAll(async () => {
  t = await startTestApp();
  stub = await startOpenAiStub();
  t.clock.set(SLOT);
  await t.database.db.insert(groupChats).values([
    { platform: 'websim', chatId: 'staff-hq', title: '본청 담당자방', isHqStaffRoom: true },
    { platform: 'line', chatId: 'Cstaffgoseong', title: '고성읍 담당자방', staffDistrictCode: 'goseong-eup' },
  ]);
  await seedDay();
}, 60_000);
afterAll(async () => {
  await stub.close();
  await t.stop();
});
beforeEach(async () => {
  await t.database.db.delete(outbox).where(eq(outbox.purpose, 'digest.staff'));
  stub.requests.length = 0;
});

describe('the staff daily digest', () => {
  test('HQ reads the county day with the right counts: broadcasts with reach and failures, registrations waiting over a day, new residents', async () => {
    expect(await run(noSummaryWriter)).toEqual({ rooms: 2, queued: 2, scopes: 2, modelSummaries: 0 });
    const hq = await digestOf('staff-hq');
    expect(hq).toContain('[아침 소식] 11.27.(금) · 군 전체');
    expect(hq).toContain('■ 지난 하루 마을방송 2건 (보냄 8 · 대기 2 · 실패 1)');
    expect(hq).toContain('· 11.26.(목) 14:00 "도로 보수 설명회가 내일 오전 9시 마을회관…" — 보냄 5 · 대기 2 · 실패 1');
    expect(hq).toContain('· 11.26.(목) 20:00 [행사] "군민 체육대회에 초대합니다" — 보냄 3 · 대기 0 · 실패 0');
    expect(hq).not.toContain('지난 소식');
    expect(hq).not.toContain('예약된 소식');
    expect(hq).toContain('■ 하루 넘게 기다리는 등록 신청 3건');
    expect(hq).toContain('· 고성읍 고성1리 2건');
    expect(hq).toContain('· 삼산면 삼산1리 1건');
    expect(hq).toContain('■ 지난 하루 새로 승인된 주민 4명');
    expect(hq).not.toContain('김비밀');
  });

  test("a district's staff room reads its district only, on its own platform", async () => {
    await run(noSummaryWriter);
    const district = await digestOf('Cstaffgoseong');
    expect(district).toContain('· 고성읍');
    expect(district).toContain('■ 지난 하루 마을방송 2건 (보냄 7 · 대기 2 · 실패 1)');
    expect(district).toContain('■ 하루 넘게 기다리는 등록 신청 2건');
    expect(district).not.toContain('삼산면');
    expect(district).toContain('■ 지난 하루 새로 승인된 주민 3명');
  });

  test('a second run the same day adds nothing and does not ask the model again', async () => {
    await run(noSummaryWriter);
    stub.answer({ kind: 'json', content: { summary: '조용한 하루였습니다.' } });
    expect((await run(model())).queued).toBe(0);
    expect(stub.requests).toHaveLength(0);
    expect(await t.database.db.select().from(outbox).where(eq(outbox.purpose, 'digest.staff'))).toHaveLength(2);
  });

  test('without a model the summary is the plain template', async () => {
    await run(noSummaryWriter);
    expect(await digestOf('staff-hq')).toContain(
      '지난 하루 살펴보실 일: 지난 하루 마을방송 2건, 하루 넘게 기다리는 등록 신청 3건, 지난 하루 새로 승인된 주민 4명입니다.',
    );
  });

  test("the model's paragraph is used when it only repeats the database's numbers, and it never receives names, numbers or broadcast text", async () => {
    stub.answer({
      kind: 'json',
      content: { summary: '어제 마을방송 2건 중 실패가 1건 있었고, 등록 신청 3건이 하루 넘게 기다립니다.' },
    });
    expect((await run(model())).modelSummaries).toBe(2);
    expect(await digestOf('staff-hq')).toContain(
      '어제 마을방송 2건 중 실패가 1건 있었고, 등록 신청 3건이 하루 넘게 기다립니다.',
    );
    expect(stub.requests).toHaveLength(2);
    const sent = stub.sentText();
    expect(sent).toContain('하루 넘게 기다리는 등록 신청');
    expect(sent).not.toContain('도로 보수');
    expect(sent).not.toContain('체육대회');
    expect(sent).not.toContain('고성1리');
    const people = await t.database.db
      .select({ name: registrations.realName, mobileEnc: registrations.mobileEnc })
      .from(registrations)
      .where(isNotNull(registrations.realName));
    expect(people.length).toBeGreaterThan(50);
    for (const person of people) {
      expect(sent).not.toContain(person.name);
      const mobile = t.app.deps.cipher.decrypt(person.mobileEnc ?? '');
      expect(sent).not.toContain(mobile);
      expect(sent).not.toContain(`0${mobile.slice(3)}`);
    }
  });

  test.each([
    ['a 500', { kind: 'status', status: 500 } as const],
    ['a 429', { kind: 'status', status: 429, retryAfterSeconds: 30 } as const],
    ['no answer within the timeout', { kind: 'hang' } as const],
    [
      'a paragraph with a number the database did not give',
      { kind: 'json', content: { summary: '마을방송 12건이 나갔습니다.' } } as const,
    ],
    ['an empty answer', { kind: 'json', content: { summary: null } } as const],
  ])('the digest still goes, with the template, when the model gives %s', async (_name, answer) => {
    stub.answer(answer);
    const started = Date.now();
    const result = await run(model(300));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ queued: 2, modelSummaries: 0 });
    expect(await digestOf('staff-hq')).toContain('지난 하루 살펴보실 일: 지난 하루 마을방송 2건');
    expect(stub.requests.length).toBeGreaterThan(0);
  });

  test('the digest arrives in the HQ staff room of the simulator', async () => {
    await run(noSummaryWriter);
    await t.app.delivery.flush();
    const room = await simClient(t.app.url).chat('group', 'staff-hq');
    expect(room.at(-1)?.text).toContain('[아침 소식] 11.27.(금) · 군 전체');
  });
});
