import { and, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import { noticesSection } from '../core/notices/notice.digest.ts';
import { noticeRecipients, noticeRelays, notices, outbox, reports, villages } from '../db/schema/index.ts';
import { noticeFollowUpJob } from '../jobs/notice.followup.job.ts';
import { sendNotice } from './support/broadcast.flow.ts';
import { setUpStaffRooms } from './support/feedback.setup.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

// The clock starts at 11.24.(화) 10:00 KST. Deadline 18:00 KST: reminder at 16:00 (two hours before), escalation at 18:00.
const KST = (hhmm: string) => new Date(`2026-11-24T${hhmm}:00+09:00`);

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let samsanStaff: string;
let stranger: string;

beforeAll(async () => {
  t = await startTestApp();
  sim = simClient(t.app.url);
  ({ samsanStaff } = await setUpStaffRooms(t, sim));
  stranger = (await sim.newPersona('지나가는 주민')).id;
});
afterAll(() => t.stop());

const say = async (who: string, text: string) => (await sim.say(who, text)).join('\n');
/** A notice typed and confirmed (보내기); a refusal comes back as it is. */
const send = async (who: string, text: string) => (await sendNotice(sim, who, text)).join('\n');
const press = async (who: string, command: string) => (await sim.press(who, command)).join('\n');
const last = async (kind: 'direct' | 'group', id: string) => (await sim.chat(kind, id)).at(-1);
const texts = async (kind: 'direct' | 'group', id: string) => (await sim.chat(kind, id)).map((m) => m.text);
const followUp = async (at: Date) => {
  t.clock.set(at);
  const result = await noticeFollowUpJob().run({ ...t.app.deps, summary: noSummaryWriter }, at);
  await t.app.delivery.flush();
  return result;
};

describe('who may send a notice', () => {
  test('a resident and a village head are refused; nothing is created', async () => {
    expect(await say(stranger, '공지 내일 회의가 있습니다')).toContain('담당 공무원만 보낼 수 있습니다');
    expect(await say('head-goseong-eup-1', '공지 내일 회의가 있습니다')).toContain('담당 공무원만 보낼 수 있습니다');
    expect(await t.database.db.$count(notices)).toBe(0);
  });

  test('district staff cannot send outside their district, by district or by village', async () => {
    expect(await say('staff-goseong-eup', '공지 [삼산면] 회의가 있습니다')).toContain(
      '삼산면에는 공지를 보낼 권한이 없습니다',
    );
    expect(await say('staff-goseong-eup', '공지 [고성1리, 삼산1리] 회의가 있습니다')).toContain('권한이 없습니다');
    expect(await t.database.db.$count(notices)).toBe(0);
  });
});

describe('a notice from the district office to its village heads', () => {
  test('each head of the district gets it with 확인 and 마을방에 전달 buttons; every delivery is recorded', async () => {
    const reply = await send(
      'staff-goseong-eup',
      '공지 [기한 11.24 18:00] 내일 아침 마을 안길 제설 작업이 있습니다. 주민들께 알려 주세요.',
    );
    expect(reply).toContain('공지 #1을 마을 3곳의 이장님 3명께 보냈습니다. 확인 기한은 11.24.(화) 18:00입니다.');
    const card = await last('direct', 'head-goseong-eup-1');
    expect(card?.text).toContain('[고성군 공지 #1]\n내일 아침 마을 안길 제설 작업이 있습니다.');
    expect(card?.text).toContain('— 고성읍사무소 · 11.24.(화) 10:00\n확인 기한: 11.24.(화) 18:00');
    expect(card?.buttons).toEqual([
      { label: '확인', command: '공지 확인 1' },
      { label: '마을방에 전달', command: '공지 전달 1' },
    ]);
    expect((await last('direct', 'head-samsan-1'))?.text ?? '').not.toContain('제설');
    const rows = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.subjectKind, 'notice'), eq(outbox.subjectId, 1), eq(outbox.purpose, 'notice')));
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(await t.database.db.$count(noticeRecipients, eq(noticeRecipients.noticeId, 1))).toBe(3);
  });

  test('확인 records the acknowledgement; 전달 posts into the village chat with attribution and counts as acknowledged', async () => {
    expect(await press('head-goseong-eup-1', '공지 확인 1')).toContain('확인하셨다고 전했습니다');
    expect(await press('head-goseong-eup-1', '공지 확인 1')).toContain('이미 확인하셨습니다');
    expect(await press('head-goseong-eup-2', '공지 전달 1')).toContain('고성2리: 마을방 1곳에 전했습니다');
    expect((await last('group', 'village-2'))?.text).toBe(
      '[고성군 공지]\n내일 아침 마을 안길 제설 작업이 있습니다. 주민들께 알려 주세요.\n— 고성읍사무소 발신 · 이장 김*호 전달',
    );
    expect(await texts('group', 'village-1')).toEqual([]);
    expect(await press('head-goseong-eup-2', '공지 전달 1')).toContain('이미 마을방 1곳에 전해졌습니다');
    expect(await t.database.db.$count(noticeRelays)).toBe(1);
    const acked = await t.database.db
      .select({ villageId: noticeRecipients.villageId })
      .from(noticeRecipients)
      .where(isNotNull(noticeRecipients.acknowledgedAt));
    expect(acked.map((r) => r.villageId).sort()).toEqual([1, 2]);
  });

  test("a head cannot relay into another village's chat, nor a notice their village did not get", async () => {
    const typedInOtherRoom = await sim.post('/api/sim/messages', {
      from: 'head-goseong-eup-1',
      chat: 'village-2',
      command: '공지 전달 1',
    });
    expect(typedInOtherRoom.json.messages.map((m: { text: string }) => m.text).join()).toContain(
      '이 방은 고성2리 마을방이라 전할 수 없습니다',
    );
    expect(await texts('group', 'village-1')).toEqual([]);
    expect(await press('head-samsan-1', '공지 전달 1')).toContain('이장님 마을에 온 공지가 아니어서');
    expect(await texts('group', 'village-4')).toEqual([]);
    expect(await t.database.db.$count(noticeRelays)).toBe(1);
  });

  test('현황 N shows the counts and exactly which heads and villages are missing a hop, to staff of that scope only', async () => {
    const status = await say('staff-goseong-eup', '현황 1');
    expect(status).toContain('이장 3명: 받음 3 · 확인 2');
    expect(status).toContain('마을 3곳: 마을방 전달 1곳 (시뮬레이터 1)');
    expect(status).toContain('· 고성읍 고성1리 (이장 김순자): 마을방 전달 안 됨');
    expect(status).toContain('· 고성읍 고성3리 (이장 김말순): 확인 안 함 · 마을방 전달 안 됨');
    expect(status).not.toContain('고성2리 (');
    expect(await say(samsanStaff, '현황 1')).toContain('맡으신 곳에 보낸 공지가 아닙니다');
    expect(await say('head-goseong-eup-1', '현황 1')).toContain('담당 공무원이 볼 수 있습니다');
    const bare = await sim.say('staff-goseong-eup', '현황');
    expect(bare[1]).toContain('공지 현황');
    expect(bare[1]).toContain(
      '#1 "내일 아침 마을 안길 제설 작업이 있습니다.…" — 이장 3명 중 확인 2 · 마을방 전달 1/3곳',
    );
  });

  test('before the deadline the head who has not acknowledged is reminded once; after it the district staff room is told who is missing', async () => {
    expect(await followUp(KST('15:50'))).toEqual({ reminded: 0, escalated: 0 });
    expect(await followUp(KST('16:00'))).toEqual({ reminded: 1, escalated: 0 });
    const reminder = await last('direct', 'head-goseong-eup-3');
    expect(reminder?.text).toContain('[고성군 공지 #1 확인 요청]');
    expect(reminder?.buttons?.map((b) => b.command)).toEqual(['공지 확인 1', '공지 전달 1']);
    expect((await last('direct', 'head-goseong-eup-1'))?.text).not.toContain('확인 요청');
    expect(await followUp(KST('16:10'))).toEqual({ reminded: 0, escalated: 0 });

    expect(await followUp(KST('18:00'))).toEqual({ reminded: 0, escalated: 1 });
    const escalation = (await last('group', 'office-goseong'))?.text ?? '';
    expect(escalation).toContain('[고성군 공지 #1 기한 지남] 고성읍');
    expect(escalation).toContain('아직 빠진 곳이 2건');
    expect(escalation).toContain('· 고성3리 (이장 김*순): 확인 안 함 · 마을방 전달 안 됨');
    expect(escalation).toContain('· 고성1리 (이장 김*자): 마을방 전달 안 됨');
    expect(escalation).not.toContain('김말순');
    expect((await last('group', 'office-hq'))?.text ?? '').not.toContain('기한 지남');
    expect(await followUp(KST('18:10'))).toEqual({ reminded: 0, escalated: 0 });
  });

  test('the staff digest shows the villages where the notice stopped', async () => {
    const section = await noticesSection('확인·전달이 멈춘 이장 공지')({
      tx: t.database.db,
      scope: { kind: 'district', districtCode: 'goseong-eup' },
      since: KST('00:00'),
      until: KST('23:00'),
      timezone: 'Asia/Seoul',
    });
    expect(section.headline).toBe('마을 2곳 (확인 안 됨 1 · 마을방 전달 안 됨 2)');
    expect(section.lines).toEqual([
      '· 고성읍 고성1리: 전달 안 됨 1건',
      '· 고성읍 고성3리: 확인 안 됨 1건 · 전달 안 됨 1건',
    ]);
    const samsan = await noticesSection('x')({
      tx: t.database.db,
      scope: { kind: 'district', districtCode: 'samsan' },
      since: KST('00:00'),
      until: KST('23:00'),
      timezone: 'Asia/Seoul',
    });
    expect(samsan.headline).toBe('없음');
  });
});

describe('correction and withdrawal', () => {
  test('only the sender or staff of the scope may correct; a correction follows the relayed copy and reaches the heads', async () => {
    expect(await say(samsanStaff, '공지 정정 1 다른 내용')).toContain('정정할 권한이 없습니다');
    const reply = await say('staff-goseong-eup', '공지 정정 1 제설 작업은 모레 오전으로 미뤄졌습니다.');
    expect(reply).toContain('#1번 공지를 정정했습니다. 이장님 3명께 알립니다.');
    expect(reply).toContain('마을방에 전해진 1곳 중 0곳은 글을 고쳤고, 1곳에는 정정 안내를 올립니다.');
    expect((await last('group', 'village-2'))?.text).toBe(
      '[정정] 앞서 전해 드린 고성군 공지를 다음과 같이 바로잡습니다.\n제설 작업은 모레 오전으로 미뤄졌습니다.\n— 고성읍사무소 발신',
    );
    const head = await last('direct', 'head-goseong-eup-3');
    expect(head?.text).toContain('[정정] [고성군 공지 #1]\n제설 작업은 모레 오전으로 미뤄졌습니다.');
    // Relayed after the correction: the corrected text.
    await press('head-goseong-eup-1', '공지 전달 1');
    expect((await last('group', 'village-1'))?.text).toContain(
      '[고성군 공지] (정정됨)\n제설 작업은 모레 오전으로 미뤄졌습니다.\n— 고성읍사무소 발신 · 이장 김*자 전달',
    );
  });

  test('a withdrawn notice is announced in every relayed copy and to the heads, and can no longer be acknowledged', async () => {
    expect(await say('staff-goseong-eup', '공지 철회 1')).toContain('#1번 공지를 철회했습니다');
    expect((await last('group', 'village-1'))?.text).toContain('[철회] 앞서 전해 드린 고성군 공지는 철회되었습니다');
    expect((await last('group', 'village-2'))?.text).toContain('[철회]');
    expect((await last('direct', 'head-goseong-eup-3'))?.text).toContain('[고성군 공지 #1 철회]');
    expect(await press('head-goseong-eup-3', '공지 확인 1')).toContain('철회되었습니다');
    expect(await say('staff-goseong-eup', '공지 철회 1')).toContain('이미 철회되었습니다');
  });

  test('a village that opted in gets the notice in its chat at once, marked as an automatic relay', async () => {
    await t.database.db.update(villages).set({ autoRelay: true }).where(eq(villages.id, 3));
    t.clock.set(KST('19:00'));
    const reply = await send('staff-county', '공지 중요 [고성3리, 삼산면] 한파 특보입니다. 어르신들을 살펴 주세요.');
    expect(reply).toMatch(
      /중요 공지 #2를 마을 4곳의 이장님 4명께 보냈습니다\..*자동 전달을 고른 마을방 1곳에는 바로 올렸습니다/,
    );
    expect((await last('group', 'village-3'))?.text).toBe(
      '[고성군 공지 · 중요]\n한파 특보입니다. 어르신들을 살펴 주세요.\n— 고성군청 발신 · 자동 전달',
    );
    const [relay] = await t.database.db.select().from(noticeRelays).where(eq(noticeRelays.noticeId, 2));
    expect(relay?.relayedBy).toBeNull();
  });
});

describe('보고: a village head reports up, the district answers', () => {
  test('the report reaches the district staff room, the answer reaches the head; bodies are stored encrypted', async () => {
    expect(await say(stranger, '보고 길이 막혔어요')).toContain('이장님이 읍·면사무소에 마을 일을 알리실 때');
    expect(await say('head-goseong-eup-1', '보고 마을회관 지붕이 새고 있습니다')).toContain(
      '보고 #1을 고성읍사무소에 올렸습니다',
    );
    const card = (await last('group', 'office-goseong'))?.text ?? '';
    expect(card).toContain('[이장 보고 #1] 고성읍 고성1리 · 이장 김*자\n마을회관 지붕이 새고 있습니다');
    expect(card).toContain('답변: "보고답변 1 내용"');
    expect(await say(samsanStaff, '보고답변 1 제가 보겠습니다')).toContain('답할 권한이 없습니다');
    const answered = await sim.sayInGroup(
      'staff-goseong-eup',
      'office-goseong',
      '보고답변 1 내일 오전에 살펴보겠습니다.',
    );
    expect(answered.join()).toContain('보고 #1에 답변을 보냈습니다');
    expect((await last('direct', 'head-goseong-eup-1'))?.text).toBe(
      '[보고 #1 답변]\n내일 오전에 살펴보겠습니다.\n— 고성읍사무소',
    );
    const [row] = await t.database.db.select().from(reports).where(eq(reports.id, 1));
    expect(row?.bodyEnc).not.toContain('지붕');
    expect(row?.answerEnc).not.toContain('살펴');
    expect(t.app.deps.cipher.decrypt(row?.bodyEnc ?? '')).toBe('마을회관 지붕이 새고 있습니다');
  });

  test('no real name of a head reaches the logs', () => {
    expect(t.logs.join('')).not.toMatch(/김순자|김정호|김말순/);
  });
});
