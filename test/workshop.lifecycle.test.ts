import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import { importWorkshops } from '../core/workshops/workshop.import.ts';
import { certificates, identities, outbox, workshops, workshopSignups } from '../db/schema/index.ts';
import { certificateExpiryJob } from '../jobs/workshop.certificate.job.ts';
import { workshopCompletionJob } from '../jobs/workshop.completion.job.ts';
import { workshopReminderJob } from '../jobs/workshop.reminder.job.ts';
import { registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let a: string; // approved residents of 고성읍 (고성1리, 고성2리)
let b: string;
let workshopId = 0;

const STAFF = 'staff-goseong-eup';

beforeAll(async () => {
  t = await startTestApp(); // 11.24.(화) 10:00 KST
  sim = simClient(t.app.url);
  const approve = async (head: string) => {
    const request = (await sim.chat('direct', head)).at(-1);
    await sim.press(head, `승인 ${/#(\d+)/.exec(request?.text ?? '')?.[1]}`);
  };
  a = (await registerResident(sim, { nickname: 'a', name: '김교육', mobile: '010-5000-0001' })).id;
  await approve('head-goseong-eup-1');
  b = (await registerResident(sim, { nickname: 'b', name: '이대기', mobile: '010-5000-0002', village: '2' })).id;
  await approve('head-goseong-eup-2');
});
afterAll(() => t.stop());

const say = async (who: string, text: string) => (await sim.say(who, text)).join('\n');
const texts = async (id: string) => (await sim.chat('direct', id)).map((m) => m.text).join('\n---\n');
const jobDeps = () => ({ ...t.app.deps, summary: noSummaryWriter });
const reminderRows = async (id: number) =>
  t.database.db
    .select()
    .from(outbox)
    .where(and(like(outbox.dedupeKey, `workshop:${id}:v%`), eq(outbox.purpose, 'workshop.reminder')))
    .orderBy(outbox.id);
async function runCompletionAt(iso: string): Promise<void> {
  t.clock.set(iso);
  await workshopCompletionJob().run(jobDeps(), new Date(iso));
  await t.app.delivery.flush();
}
async function runRemindersAt(iso: string): Promise<void> {
  t.clock.set(iso);
  await workshopReminderJob().run(jobDeps(), new Date(iso));
  await t.app.delivery.flush();
}

describe('staff create a workshop in chat', () => {
  test('a one-line form creates it with a check-in code and announces it to residents and village heads', async () => {
    const reply = await say(
      STAFF,
      '교육 만들기 마을 기록 교실 / 고성읍 / 고성읍 주민자치센터 / 12.10 14:00 / 2시간 / 20명',
    );
    workshopId = Number(/교육 #(\d+)/.exec(reply)?.[1]);
    const [w] = await t.database.db.select().from(workshops).where(eq(workshops.id, workshopId));
    expect(reply).toContain(`출석 번호는 ${w?.checkInCode}입니다`);
    expect(reply).toMatch(/주민 \d+명과 이장 3명께 알렸습니다/);
    expect(w).toMatchObject({
      districtCode: 'goseong-eup',
      capacity: 20,
      requiredMinutes: 120,
      version: 1,
      contact: '고성읍사무소',
    });
    expect(w?.startsAt.toISOString()).toBe('2026-12-10T05:00:00.000Z');
    expect(await texts(a)).toContain('[마을방송·행사]\n[교육 안내] 마을 기록 교실');
    expect(await texts('head-goseong-eup-1')).toContain('[교육 안내 · 이장님께] 고성1리 주민께도 알려 주세요');
    expect(await say('head-goseong-eup-1', '교육 만들기 a / 고성읍 / b / 12.10 14:00 / 2시간 / 20명')).toContain(
      '담당자가 만들 수 있습니다',
    );
    expect(await say(STAFF, '교육 만들기 a / 삼산면 / b / 12.10 14:00 / 2시간 / 20명')).toContain(
      '삼산면 교육을 만들 권한이 없습니다',
    );
  });

  test('a resident signs up with the button under the announcement', async () => {
    expect(await sim.press(a, `교육 신청 ${workshopId}`).then((r) => r.join())).toContain(
      '「마을 기록 교실」 신청이 확정되었습니다',
    );
  });
});

describe('reminders follow a reschedule', () => {
  test('after 교육 변경, the old reminder times send nothing and the new ones send both', async () => {
    const reply = await say(STAFF, `교육 변경 ${workshopId} 12.12 15:00`);
    expect(reply).toContain(
      `교육 #${workshopId} 일정을 12.10.(목) 14:00에서 12.12.(토) 15:00로 바꿨습니다. 신청하신 1명께 알렸고`,
    );
    expect(await texts(a)).toContain('[교육 일정 변경] 「마을 기록 교실」의 일시가 12.10.(목) 14:00에서 바뀌었습니다');

    await runRemindersAt('2026-12-09T09:00:00Z'); // the old day-before time: 12.09 18:00 KST
    await runRemindersAt('2026-12-10T03:00:00Z'); // the old two-hour time: 12.10 12:00 KST
    expect(await reminderRows(workshopId)).toHaveLength(0);

    await runRemindersAt('2026-12-11T09:00:00Z'); // 12.11 18:00 KST
    await runRemindersAt('2026-12-11T09:05:00Z'); // the next slot: nothing twice
    const eve = await reminderRows(workshopId);
    expect(eve.map((r) => r.dedupeKey)).toEqual([
      expect.stringMatching(new RegExp(`^workshop:${workshopId}:v2:day_before:member:`)),
    ]);
    expect(await texts(a)).toContain(
      '[교육 안내] 내일 「마을 기록 교실」에 오시는 날입니다.\n일시: 12.12.(토) 15:00 ~ 17:00',
    );
    // Staff get who is coming the day before, once, with the code to announce (no staff room here: to them directly).
    const lists = (await texts(STAFF)).split('\n---\n').filter((m) => m.startsWith('[내일 교육 명단]'));
    expect(lists).toHaveLength(1);
    expect(lists[0]).toContain(
      '[내일 교육 명단] 「마을 기록 교실」 12.12.(토) 15:00 · 고성읍 주민자치센터\n확정 1명 / 정원 20명\n1. 김교육\n출석 번호: ',
    );

    await runRemindersAt('2026-12-12T04:00:00Z'); // 12.12 13:00 KST
    expect((await reminderRows(workshopId)).map((r) => r.dedupeKey.split(':')[3])).toEqual(['day_before', 'two_hours']);
    expect(await texts(a)).toContain('[교육 안내] 2시간 뒤 「마을 기록 교실」이 시작합니다.');
    expect((await texts(a)).match(/\[교육 안내\]/g)).toHaveLength(3); // announcement + two reminders
  });
});

describe('a cancelled workshop', () => {
  test('tells everyone signed up, confirmed and waitlisted, and reminds nobody', async () => {
    t.clock.set('2026-11-25T01:00:00Z');
    const id = Number(
      /교육 #(\d+)/.exec(
        await say(STAFF, '교육 만들기 한 자리 교실 / 고성읍 / 고성읍사무소 2층 / 12.15 10:00 / 1시간 / 1명'),
      )?.[1],
    );
    expect(await say(a, `교육 신청 ${id}`)).toContain('신청이 확정되었습니다');
    expect(await say(b, `교육 신청 ${id}`)).toContain('대기 1번째로 올려 드렸습니다');
    expect(await say(b, `교육 취소 ${id}`)).toContain('대기를 취소했습니다'); // a resident's 교육 취소 is their own sign-up
    expect(await say(b, `교육 신청 ${id}`)).toContain('대기 1번째');
    expect(await say(STAFF, `교육 취소 ${id}`)).toContain('신청하신 2명(대기 포함)께 알렸습니다');
    for (const who of [a, b])
      expect(await texts(who)).toContain('[교육 취소] 12.15.(화) 10:00 「한 자리 교실」이 취소되었습니다');
    await runRemindersAt('2026-12-14T09:00:00Z');
    expect(await reminderRows(id)).toHaveLength(0);
  });
});

describe('attendance and certificates', () => {
  let code = '';

  test('출석 <code> is refused before the door opens and from someone not signed up, then accepted; certified at the end', async () => {
    const [w] = await t.database.db.select().from(workshops).where(eq(workshops.id, workshopId));
    code = w?.checkInCode ?? '';
    t.clock.set('2026-12-12T05:20:00Z'); // 14:20 KST, the start is 15:00
    expect(await say(a, `출석 ${code}`)).toBe('「마을 기록 교실」 출석은 12.12.(토) 14:30부터 받습니다.');
    t.clock.set('2026-12-12T05:40:00Z');
    const wrong = await say(a, '출석 0000');
    expect(wrong).toContain('출석 번호가 맞지 않습니다');
    expect(wrong).not.toContain('0000');
    // Someone not signed up hears what a wrong code gets: nothing of the workshop.
    expect(await say(b, `출석 ${code}`)).toBe(wrong);
    expect(await say(a, `출석 ${code}`)).toBe(
      '「마을 기록 교실」 출석을 확인했습니다. 고맙습니다.\n수료증은 수료 시간이 지나는 17:00 이후에 보내 드립니다.',
    );
    expect(await say(a, `출석 ${code}`)).toContain('출석은 이미 확인되었습니다');
    expect(await say(a, '수료증')).toContain('아직 받으신 수료증이 없습니다');
    await runCompletionAt('2026-12-12T08:00:00Z'); // 17:00 KST, the end
    expect(await texts(a)).toContain(
      '[수료증] 「마을 기록 교실」을 수료하셨습니다. 축하드립니다.\n수료증 번호 GS-2026-0001\n발급일 2026.12.12. · 유효기간 2029.12.12.까지',
    );
    expect(await say(a, '수료증')).toContain('수료증 1건입니다.\n\n「마을 기록 교실」\n수료증 번호 GS-2026-0001');
    expect(await say(STAFF, `교육 현황 ${workshopId}`)).toContain('1. 김교육 (출석 2시간)');
  });

  test('staff mark attendance by list number; an unknown number marks nothing', async () => {
    expect(await say(STAFF, `출석 확인 ${workshopId} 1 7`)).toContain('명단에서 찾지 못했습니다: 7');
    expect(await say(STAFF, `출석 확인 ${workshopId} 1`)).toContain('출석을 표시했습니다: 1명');
    const memberId =
      (
        await t.database.db.select({ id: identities.memberId }).from(identities).where(eq(identities.platformUserId, a))
      )[0]?.id ?? -1;
    expect(await t.database.db.$count(certificates, eq(certificates.memberId, memberId))).toBe(1); // issued once
    const [signup] = await t.database.db
      .select()
      .from(workshopSignups)
      .where(and(eq(workshopSignups.workshopId, workshopId), eq(workshopSignups.memberId, memberId)));
    expect(signup?.attendedMinutes).toBe(120);
  });

  test('30 days before the certificate lapses its holder is reminded, once', async () => {
    const job = certificateExpiryJob();
    // Valid through 2029.12.12: the 10:00 run of 11.11 is 31 days before, that of 11.12 is 30.
    expect(await job.run(jobDeps(), new Date('2029-11-11T01:00:00Z'))).toEqual({ reminded: 0 });
    t.clock.set('2029-11-12T01:00:00Z');
    expect(await job.run(jobDeps(), new Date('2029-11-12T01:00:00Z'))).toEqual({ reminded: 1 });
    expect(await job.run(jobDeps(), new Date('2029-11-13T01:00:00Z'))).toEqual({ reminded: 0 });
    await t.app.delivery.flush();
    expect(await texts(a)).toContain(
      '[수료증 안내] 「마을 기록 교실」 수료증(GS-2026-0001)이 2029.12.12.에 만료됩니다.',
    );
    expect(await say(a, '수료증')).toContain('GS-2026-0001');
  });
});

describe('a series of sessions (a living-lab panel)', () => {
  test('completion counts the hours attended across its sessions: one certificate, for the series', async () => {
    t.clock.set('2026-12-13T01:00:00Z');
    const csv = [
      'date,district_code,title_ko,hours,capacity,registration_closes_days_before,start_time,place,series,series_hours',
      '2026-12-20,goseong-eup,리빙랩 1회,2,10,1,14:00,고성읍 회의실,고성 리빙랩 패널,4',
      '2026-12-27,goseong-eup,리빙랩 2회,2,10,1,14:00,고성읍 회의실,고성 리빙랩 패널,4',
    ].join('\n');
    expect(await importWorkshops({ deps: t.app.deps, text: csv })).toMatchObject({ ok: true, imported: 2 });
    const sessions = await t.database.db
      .select()
      .from(workshops)
      .where(like(workshops.title, '리빙랩%'))
      .orderBy(workshops.startsAt);
    expect(new Set(sessions.map((s) => s.seriesId)).size).toBe(1);
    for (const s of sessions) expect(await say(a, `교육 신청 ${s.id}`)).toContain('신청이 확정되었습니다');

    t.clock.set('2026-12-20T05:00:00Z');
    expect(await say(a, `출석 ${sessions[0]?.checkInCode}`)).toBe('「리빙랩 1회」 출석을 확인했습니다. 고맙습니다.');
    await runCompletionAt('2026-12-20T07:00:00Z'); // the end of the first: 2 of 4 hours
    t.clock.set('2026-12-27T05:05:00Z');
    expect(await say(a, `출석 ${sessions[1]?.checkInCode}`)).toBe('「리빙랩 2회」 출석을 확인했습니다. 고맙습니다.');
    await runCompletionAt('2026-12-27T06:00:00Z'); // an hour into the second: 3 of 4
    expect(await t.database.db.$count(certificates, eq(certificates.seriesId, sessions[0]?.seriesId ?? -1))).toBe(0);
    await runCompletionAt('2026-12-27T07:00:00Z'); // the end of the second: 4 of 4
    const [series] = await t.database.db
      .select()
      .from(certificates)
      .where(eq(certificates.seriesId, sessions[0]?.seriesId ?? -1));
    expect(series).toMatchObject({ number: 'GS-2026-0002', workshopId: null });
    expect(await texts(a)).toContain('[수료증] 「고성 리빙랩 패널」을 수료하셨습니다.');
  });
});
