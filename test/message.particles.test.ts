import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import type { OutboundMessage } from '../core/channel/channel.types.ts';
import { sendHeadWeeklyDigests } from '../core/digests/head.digest.ts';
import { sendStaffDigests } from '../core/digests/staff.digest.ts';
import { findTextProblems, josa, type Particle } from '../core/text/korean.text.ts';
import { outbox, workshops } from '../db/schema/index.ts';
import { feedbackSlaJob } from '../jobs/feedback.sla.job.ts';
import { noticeFollowUpJob } from '../jobs/notice.followup.job.ts';
import { workshopCompletionJob } from '../jobs/workshop.completion.job.ts';
import { workshopReminderJob } from '../jobs/workshop.reminder.job.ts';
import { setUpStaffRooms, settleFeedback } from './support/feedback.setup.ts';
import { registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/** Everything the bot says, as a person reads it: the text, the numbered choices and the button labels. */
function readable(message: OutboundMessage): string[] {
  return [message.text, ...(message.choices ?? []), ...(message.buttons ?? []).map((b) => b.label)];
}

describe('the resident and staff tour', () => {
  let t: TestApp;
  let sim: ReturnType<typeof simClient>;
  let a: string; // 고성1리
  let b: string; // 고성2리
  const STAFF = 'staff-goseong-eup';
  const HEAD = 'head-goseong-eup-1';
  const say = async (who: string, text: string) => (await sim.say(who, text)).join('\n');
  /** Staff's 방송 보내기 and 공지 answer with a preview to confirm (1). */
  const confirmed = async (text: string) => {
    const first = await say(STAFF, text);
    return first.includes('미리보기') ? say(STAFF, '1') : first;
  };
  const broadcast = (text: string) => confirmed(`방송 보내기 ${text}`);
  const pressInGroup = (from: string, chat: string, command: string) =>
    sim.post('/api/sim/messages', { from, chat, command });

  beforeAll(async () => {
    t = await startTestApp(); // 11.24.(화) 10:00 KST
    sim = simClient(t.app.url);
    a = await registerApproved(sim, { nickname: 'a', name: '김하나', mobile: '010-7000-0001', head: HEAD });
    b = await registerApproved(sim, {
      nickname: 'b',
      name: '이둘',
      mobile: '010-7000-0002',
      village: '2',
      head: 'head-goseong-eup-2',
    });
    await setUpStaffRooms(t, sim);
  });
  afterAll(() => t.stop());

  test('every message of the resident and staff tour has its particles right and no word repeated', async () => {
    // Broadcasts #1, #2, #4 and #10 (#3 a scheduled one, cancelled; #5–#8 the workshops' announcements).
    await broadcast('내일 오전 도로 보수가 있습니다');
    await broadcast('[행사] 토요일 마을 잔치에 오세요');
    await broadcast('[11.25 09:00] 내일 아침 제설 작업이 있습니다');
    await say(STAFF, '방송 취소 3');
    await broadcast('[긴급] 강풍 주의보입니다');
    await broadcast('[11.20 09:00] 지난 시각입니다');
    await broadcast('[12.31 09:00] 너무 먼 날입니다');

    // Workshops whose titles end without a final consonant, with one, with ㄹ, and in a Latin word.
    const made = await say(STAFF, '교육 만들기 스마트폰 기초 / 고성읍 / 마을회관 / 12.10 14:00 / 2시간 / 20명');
    expect(made).toContain('교육 #1 「스마트폰 기초」');
    await say(STAFF, '교육 만들기 한글 교실 / 고성읍 / 고성읍 주민자치센터 / 12.11 10:00 / 1시간 / 1명');
    await say(STAFF, '교육 만들기 생활 속 법률 / 고성읍 / 고성읍사무소 2층 / 12.12 10:00 / 1시간 / 10명');
    await say(STAFF, '교육 만들기 카카오톡과 LINE / 고성읍 / 마을회관 / 12.13 10:00 / 1시간 / 10명');
    await say(STAFF, '교육 만들기 잘못된 교육 / 고성읍 / 마을회관 / 어느 날 / 1시간 / 10명');
    await say(STAFF, '교육 만들기 잘못된 교육 / 고성읍 / 마을회관 / 12.13 10:00 / 한참 / 10명');
    await say(STAFF, '교육 만들기 잘못된 교육 / 고성읍 / 마을회관 / 12.13 10:00 / 1시간 / 많이');
    await say(STAFF, '교육 만들기 잘못된 교육 / 고성읍 / 마을회관 / 11.20 10:00 / 1시간 / 10명');
    await broadcast('[11.26 09:00] 모레 아침 청소가 있습니다');
    await broadcast('[11.26 10:00] 모레 점심 모임이 있습니다');
    await say(STAFF, '방송 취소 10');

    // Residents sign up, from the list and by number; the one-place workshop waitlists the second.
    await say(a, '교육');
    await say(a, '1');
    await say(a, '1');
    for (const id of [2, 3, 4]) await say(a, `교육 신청 ${id}`);
    await say(b, '교육 신청 2');
    await say(b, '교육 신청 취소 2');
    await say(b, '교육 신청 2');
    await say(b, '교육 신청 99');

    // Staff reschedule, look, cancel; and refusals with the workshop's number.
    await say(STAFF, '교육 변경 1 12.12 15:00');
    await say(STAFF, '교육 변경 1 12.12 15:00');
    await say(STAFF, '교육 변경 4 11.20 10:00');
    await say(STAFF, '교육 현황');
    await say(STAFF, '교육 현황 2');
    await say(STAFF, '교육 취소 2');
    await say(STAFF, '교육 취소 2');
    await say(STAFF, '교육 취소 10');
    await say(STAFF, '교육 현황 10');
    await say(STAFF, '출석 확인 10 1');
    await say(a, '교육 신청 2');

    // Feedback: two items, the second taken, answered and closed; a too long one.
    await say(a, '의견 마을 앞 도로에 구멍이 생겨 위험합니다');
    await say(b, '의견 가로등이 꺼져 있습니다');
    await settleFeedback(t);
    await pressInGroup(STAFF, 'office-goseong', '의견 맡기 2026-000002');
    await sim.sayInGroup(STAFF, 'office-goseong', '답변 2026-000002 내일 고치겠습니다.');
    await pressInGroup(STAFF, 'office-goseong', '의견 닫기 2026-000002');
    await say(b, '의견 답글 2026-000002 아직 꺼져 있어요');
    await say(b, '내 의견');
    await say(a, `의견 ${'가'.repeat(1001)}`);
    await say(a, '취소');

    // Notices #1, #2 and #4 to the village heads; a report (#1, #2) up from a head.
    for (const body of ['내일 회의가 있습니다', '모레 점검이 있습니다', '[기한 11.20 18:00] 지난 기한', '글피 행사'])
      await confirmed(`공지 ${body}`);
    await confirmed('공지 [기한 12.31 18:00] 너무 먼 기한');
    await confirmed('공지 [기한 11.26 18:00] 기한이 있는 공지');
    await say(HEAD, '공지 확인 1');
    await say(HEAD, '공지 전달 2');
    await say(STAFF, '현황 2');
    await say(STAFF, '현황');
    await say(STAFF, '공지 정정 2 점검은 글피로 미뤄졌습니다.');
    await say(STAFF, '공지 철회 4');
    await say(HEAD, '보고 마을회관 지붕이 새고 있습니다');
    await say(HEAD, '보고 경로당 보일러가 고장 났습니다');

    // Settings: the digest's time and quiet hours.
    await say(a, '설정');
    await say(a, '2');
    await say(a, '1');
    await say(a, '설정');
    await say(a, '3');
    await say(a, '1');
    await say(a, '취소');

    // The morning digest of the staff rooms, the heads' weekly digest, and the workshop reminders.
    await t.app.delivery.flush();
    t.clock.set('2026-11-24T23:30:00Z');
    await sendStaffDigests({ deps: t.app.deps, summary: noSummaryWriter, now: t.clock.now() });
    await sendHeadWeeklyDigests({ deps: t.app.deps, now: t.clock.now() });
    const jobDeps = { ...t.app.deps, summary: noSummaryWriter };
    for (const at of ['2026-11-26T10:00:00Z', '2026-11-27T10:00:00Z']) {
      t.clock.set(at);
      await noticeFollowUpJob().run(jobDeps, new Date(at));
      await feedbackSlaJob('0 * * * *').run(jobDeps, new Date(at));
    }
    for (const at of ['2026-12-11T09:00:00Z', '2026-12-12T04:00:00Z']) {
      t.clock.set(at);
      await workshopReminderJob().run(jobDeps, new Date(at));
    }
    // Attendance at the rescheduled workshop #1 (12.12 15:00), and the certificate it earns.
    const [first] = await t.database.db.select().from(workshops).orderBy(workshops.id).limit(1);
    t.clock.set('2026-12-12T05:40:00Z');
    await say(a, `출석 ${first?.checkInCode}`);
    t.clock.set('2026-12-12T08:05:00Z'); // 17:05, after the end: the certificate
    await workshopCompletionJob().run(jobDeps, t.clock.now());
    await t.app.delivery.flush();
    await say(a, '수료증');
    await say(STAFF, '교육 취소 1');
    await say(STAFF, '교육 취소 3');
    await t.app.delivery.flush();

    const rows = await t.database.db.select({ sealed: outbox.messagesEnc }).from(outbox).orderBy(outbox.id);
    const said = rows.flatMap((r) =>
      r.sealed ? (JSON.parse(t.app.deps.cipher.decrypt(r.sealed)) as OutboundMessage[]).flatMap(readable) : [],
    );
    expect(said.length).toBeGreaterThan(100);
    // The tour reached the messages whose particles follow a number, a title or a receipt, and the digests.
    const all = said.join('\n');
    for (const reached of [
      /마을방송 #4. 보냈습니다/,
      /마을방송 #10. 취소했습니다/,
      /교육 #1 「스마트폰 기초」. 만들었습니다/,
      /「카카오톡과 LINE」. 만들었습니다/,
      /교육 #10. 찾지 못했습니다/,
      /공지 #2. 마을/,
      /보고 #2. /,
      /의견 2026-000002. 맡으셨습니다/,
      /\[수료증\] 「스마트폰 기초」. 수료하셨습니다/,
      /2시간 뒤 「스마트폰 기초」. 시작합니다/,
      /■ 교육 신청 /,
      /■ 주민 의견 /,
    ])
      expect(all).toMatch(reached);
    const problems = [...new Set(said)].flatMap((text) =>
      findTextProblems(text).map((p) => `${p.kind}: …${p.at}… (${p.hint})`),
    );
    expect(problems).toEqual([]);
  }, 120_000); // a long tour: some sixty turns, four background jobs
});

/** A value as the sample; a template with its values as the sample; josa(…) as the wrapper would say it. */
function render(node: ts.Expression, sample: string): string {
  if (ts.isTemplateExpression(node))
    return node.head.text + node.templateSpans.map((s) => render(s.expression, sample) + s.literal.text).join('');
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  const [noun, particle] = ts.isCallExpression(node) && node.expression.getText() === 'josa' ? node.arguments : [];
  if (noun && particle && ts.isStringLiteral(particle)) return josa(render(noun, sample), particle.text as Particle);
  return sample;
}

/** Every Korean template in core/ and bots/, each `${…}` replaced by 1 (일: ㄹ), 2 (이: no final) and 3 (삼: ㅁ). */
function renderedTemplates(): { where: string; text: string }[] {
  const files = ['core', 'bots'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(ROOT, dir, f)),
  );
  const out: { where: string; text: string }[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node) =>
      `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
        out.push({ where: where(node), text: node.text });
      if (ts.isTemplateExpression(node))
        for (const sample of ['1', '2', '3']) out.push({ where: where(node), text: render(node, sample) });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out.filter((t) => /[가-힣]/.test(t.text));
}

describe('the message templates in the source', () => {
  test('no template has a hand-chosen particle after a value, an "을(를)" fallback or a word twice', () => {
    const problems = renderedTemplates().flatMap(({ where, text }) =>
      findTextProblems(text).map((p) => `${where} ${p.kind}: …${p.at}… (${p.hint})`),
    );
    expect([...new Set(problems)]).toEqual([]);
  });
});
