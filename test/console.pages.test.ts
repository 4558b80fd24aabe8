import { existsSync, mkdirSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditLog, feedbackItems } from '../db/schema/index.ts';
import { settleFeedback } from './support/feedback.setup.ts';
import { registerApproved, registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

/**
 * The console in a real browser (Debian's chromium, which .ci/run installs), as a district official uses it: the
 * link asked for in the simulator, the 의견 inbox and a thread answered, 등록 decided, 기록 read by county staff.
 * Screenshots of each page at 412 px (a phone) and 1280 px land in test-results/console/.
 */
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'test-results/console';
const STAFF = '고성읍사무소 담당자';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let browser: Browser;
let resident = '';
let receipt = '';
let otherReceipt = '';
let applicant = '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestApp();
  sim = simClient(t.app.url);
  resident = await registerApproved(sim, {
    nickname: '길동이',
    name: '홍길동',
    mobile: '010-3100-0001',
    head: 'head-goseong-eup-1',
  });
  receipt =
    /접수번호 (\d{4}-\d{6})/.exec(
      (await sim.say(resident, '의견 마을 앞 도로에 구멍이 생겨 위험합니다')).join('\n'),
    )?.[1] ?? '';
  // A resident of another district (waiting for approval may already write): their item is not 고성읍's.
  const other = await registerResident(sim, {
    nickname: '다른면',
    name: '김철수',
    mobile: '010-3100-0002',
    district: '2',
  });
  const otherReply = (await sim.say(other.id, '의견 버스 정류장 지붕이 새요')).join('\n');
  otherReceipt = /접수번호 (\d{4}-\d{6})/.exec(otherReply)?.[1] ?? '';
  // One waiting for 고성읍's decision, for 등록.
  applicant = (await registerResident(sim, { nickname: '새주민', name: '이영희', mobile: '010-3100-0003' })).id;
  await settleFeedback(t);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** Asks for the link in the simulator page as the persona, and returns it as the transcript shows it. */
async function linkFromSimulator(page: Page, persona: string): Promise<string> {
  await page.goto(`${t.app.url}/`);
  await page.click(`#personas button:has-text("${persona}")`);
  await page.waitForFunction(
    `document.querySelector('#directTitle')?.textContent?.includes(${JSON.stringify(persona)})`,
  );
  // Links asked for before are in the transcript too: wait for one more than the chat already holds.
  const links = page.locator('#direct .msg', { hasText: '/console/login?token=' });
  const before = (await sim.chat('direct', await personaId(persona))).filter((m) =>
    m.text.includes('/console/login?token='),
  ).length;
  await page.fill('#directText', '콘솔');
  await page.press('#directText', 'Enter');
  await expect.poll(() => links.count()).toBe(before + 1);
  const url = /(http:\/\/\S+\/console\/login\?token=[\w-]+)/.exec((await links.last().textContent()) ?? '')?.[1];
  if (!url) throw new Error('no console link in the simulator');
  return url;
}

async function personaId(nickname: string): Promise<string> {
  const res = await fetch(`${t.app.url}/api/sim/personas`);
  const { personas } = (await res.json()) as { personas: { platformUserId: string; nickname: string | null }[] };
  const found = personas.find((p) => p.nickname === nickname);
  if (!found) throw new Error(`no persona ${nickname}`);
  return found.platformUserId;
}

async function signIn(persona: string, shot?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(await linkFromSimulator(page, persona));
  if (shot) await shoot(page, shot);
  await page.click('button:has-text("콘솔 열기")');
  await page.waitForURL(/\/console\/\w+/);
  return { context, page };
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of [412, 1280]) {
    await page.setViewportSize({ width, height: width === 412 ? 915 : 900 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
    // Usable on a phone: nothing forces the page wider than the screen.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow, `${name} at ${width}px`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('the staff console in a browser', () => {
  let staff: { context: BrowserContext; page: Page };

  test('a district official signs in through the link received in the simulator and sees their inbox', async () => {
    staff = await signIn(STAFF, 'login');
    const { page } = staff;
    expect(page.url()).toMatch(/\/console\/feedback$/);
    const row = page.locator(`#feedback-list tr[data-receipt="${receipt}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('고성1리 홍길동');
    expect(await row.textContent()).toContain('도로·교통');
    await shoot(page, 'feedback-list');
  });

  test("another district's item is neither listed nor opened", async () => {
    const { page } = staff;
    expect(await page.locator(`#feedback-list tr[data-receipt="${otherReceipt}"]`).count()).toBe(0);
    const res = await page.goto(`${t.app.url}/console/feedback/${otherReceipt}`);
    expect(res?.status()).toBe(403);
    expect(await page.textContent('main')).toContain('다른 읍·면의 의견이라 볼 수 없습니다');
  });

  test('filters: category and status', async () => {
    const { page } = staff;
    await page.goto(`${t.app.url}/console/feedback?category=welfare`);
    expect(await page.locator(`tr[data-receipt="${receipt}"]`).count()).toBe(0);
    await page.goto(`${t.app.url}/console/feedback?category=road&status=received`);
    expect(await page.locator(`tr[data-receipt="${receipt}"]`).count()).toBe(1);
    await page.goto(`${t.app.url}/console/feedback?status=closed`);
    expect(await page.locator(`tr[data-receipt="${receipt}"]`).count()).toBe(0);
    await page.goto(`${t.app.url}/console/feedback?overdue=1`);
    expect(await page.locator(`tr[data-receipt="${receipt}"]`).count()).toBe(0);
  });

  test('a form posted without its CSRF token is refused', async () => {
    const { page } = staff;
    await page.goto(`${t.app.url}/console/feedback/${receipt}`);
    await page.evaluate(`document.querySelectorAll('input[name="_csrf"]').forEach((i) => i.remove())`);
    await page.click('button:has-text("내가 맡기")');
    await page.waitForSelector('text=보안 확인값이 없거나 맞지 않아');
    const [item] = await t.database.db.select().from(feedbackItems).where(eq(feedbackItems.receiptNo, receipt));
    expect(item?.status).toBe('received');
  });

  test('answering in the thread reaches the resident in the simulator', async () => {
    const { page } = staff;
    await page.goto(`${t.app.url}/console/feedback/${receipt}`);
    // What the resident wrote, once, then the form.
    expect(await page.locator('.thread li.resident').allTextContents()).toEqual([
      expect.stringContaining('마을 앞 도로에 구멍이 생겨 위험합니다'),
    ]);
    await shoot(page, 'feedback-thread');
    await page.fill('#answer-text', '내일 오전에 보수하겠습니다. <b>불편</b>을 드려 죄송합니다.');
    await page.click('button:has-text("답변 보내기")');
    await page.waitForSelector('text=답변을 보냈습니다');
    expect(await page.textContent('#status')).toBe('답변 완료');
    // Escaped, as typed: the thread shows the text, not markup.
    expect(await page.locator('.thread li.staff .body').last().textContent()).toContain('<b>불편</b>');
    await t.app.delivery.flush();
    // The resident's side, in the simulator page.
    const simPage = await staff.context.newPage();
    await simPage.goto(`${t.app.url}/`);
    await simPage.click('#personas button:has-text("길동이")');
    await simPage.locator('#direct .msg', { hasText: `[의견 ${receipt} 답변]` }).waitFor();
    await simPage.close();
    const answer = (await sim.chat('direct', resident)).at(-1);
    expect(answer?.text).toBe(
      `[의견 ${receipt} 답변]\n내일 오전에 보수하겠습니다. <b>불편</b>을 드려 죄송합니다.\n— 고성읍사무소`,
    );
  });

  test("closing asks the resident; the resident's rating shows in the thread", async () => {
    const { page } = staff;
    await page.click('button:has-text("종결")');
    await page.waitForSelector('text=의견을 종결했습니다');
    await t.app.delivery.flush();
    await sim.press(resident, `의견 평가 ${receipt} 해결`);
    await sim.press(resident, `의견 만족 ${receipt} 4`);
    await page.reload();
    expect(await page.textContent('#satisfaction')).toBe('해결됨 · 만족도 4/5');
    await page.goto(`${t.app.url}/console/feedback?status=closed`);
    expect(await page.textContent(`tr[data-receipt="${receipt}"]`)).toContain('만족도 4/5');
  });

  test('등록: the waiting registration is approved and the applicant told', async () => {
    const { page } = staff;
    await page.click('nav a:has-text("등록")');
    const row = page.locator('#registration-list tr', { hasText: '이영희' });
    await row.waitFor();
    expect(await row.textContent()).toContain('010-****-0003');
    await shoot(page, 'registrations');
    await row.locator('button:has-text("승인")').click();
    await page.waitForSelector('text=이영희님 등록을 승인했습니다');
    await t.app.delivery.flush();
    expect((await sim.chat('direct', applicant)).at(-1)?.text).toContain('승인');
  });

  test('기록 is not in the district official’s menu, and refused if typed', async () => {
    const { page } = staff;
    expect(await page.locator('nav a:has-text("기록")').count()).toBe(0);
    const res = await page.goto(`${t.app.url}/console/audit`);
    expect(res?.status()).toBe(403);
  });

  test('county staff read 기록: every action with its author, from chat and console, filterable', async () => {
    // One action from chat too: 고성읍 takes the other... no: county staff take it from chat.
    await sim.say('staff-county', `의견 맡기 ${otherReceipt}`);
    const county = await signIn('군청 자치행정과 담당자');
    const { page } = county;
    await page.goto(`${t.app.url}/console/audit`);
    const rows = page.locator('#audit-list tbody tr');
    const texts = await rows.allTextContents();
    expect(
      texts.some((r) => r.includes('의견 답변') && r.includes(STAFF) && r.includes('콘솔') && r.includes(receipt)),
    ).toBe(true);
    expect(texts.some((r) => r.includes('의견 종결') && r.includes('콘솔'))).toBe(true);
    expect(texts.some((r) => r.includes('등록 승인') && r.includes(STAFF))).toBe(true);
    expect(
      texts.some((r) => r.includes('의견 맡기') && r.includes('군청 자치행정과 담당자') && r.includes('채팅')),
    ).toBe(true);
    // The refused take (no CSRF token) left no row.
    expect(texts.filter((r) => r.includes('의견 맡기'))).toHaveLength(1);
    await shoot(page, 'audit');
    await page.selectOption('select[name="action"]', 'registration.approve');
    await page.click('button:has-text("보기")');
    // The head approved the first resident in chat; 고성읍 the second in the console.
    await expect.poll(() => rows.count()).toBe(2);
    const approvals = await rows.allTextContents();
    expect(approvals.every((r) => r.includes('등록 승인'))).toBe(true);
    expect(approvals.some((r) => r.includes('이장') && r.includes('채팅'))).toBe(true);
    expect(approvals.some((r) => r.includes(STAFF) && r.includes('콘솔'))).toBe(true);
    const stored = await t.database.db.select().from(auditLog);
    expect(stored.every((r) => r.actorMemberId > 0)).toBe(true);
    await county.context.close();
  });

  test('an expired link is refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const link = await linkFromSimulator(page, STAFF);
    t.clock.advance(5 * 60_000 + 1);
    const res = await page.goto(link);
    expect(res?.status()).toBe(410);
    expect(await page.textContent('main')).toContain('로그인 링크가 만료되었습니다');
    await context.close();
  });

  test('an idle session ends after 30 minutes by the clock', async () => {
    const { page } = staff;
    await page.goto(`${t.app.url}/console/feedback`);
    t.clock.advance(30 * 60_000);
    const res = await page.reload();
    expect(res?.status()).toBe(401);
    expect(await page.textContent('main')).toContain('30분 동안 사용하지 않아 로그아웃되었습니다');
    await staff.context.close();
  });

  test('the overdue filter shows what is past its due time, marked in words, not colour alone', async () => {
    const late = /접수번호 (\d{4}-\d{6})/.exec(
      (await sim.say(resident, '의견 가로등이 꺼져 있습니다')).join('\n'),
    )?.[1];
    await settleFeedback(t);
    t.clock.advance(5 * 24 * 3600_000);
    const again = await signIn(STAFF);
    await again.page.goto(`${t.app.url}/console/feedback?overdue=1`);
    const row = again.page.locator(`#feedback-list tr[data-receipt="${late}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('기한 지남');
    await again.context.close();
  });
});
