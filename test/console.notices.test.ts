import { existsSync, mkdirSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditLog, notices } from '../db/schema/index.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

/**
 * 공지 in the console, in Debian's chromium: a district official sends a notice to the village heads of 고성읍 after
 * its preview, one head acknowledges it in chat, the page shows acknowledgement and relay per village (table and
 * chart), and "지금 다시 알리기" reminds the heads who have not. Screenshots at 412 px and 1280 px.
 */
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'test-results/console';
const STAFF = '고성읍사무소 담당자';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestApp();
  sim = simClient(t.app.url);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const usedLinks = new Set<string>();

async function signIn(persona: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // A step that does not come fails in seconds, naming what it waited for, well within the test's timeout.
  page.setDefaultTimeout(8_000);
  await page.goto(`${t.app.url}/`);
  await page.click(`#personas button:has-text("${persona}")`);
  await page.waitForFunction(
    `document.querySelector('#directTitle')?.textContent?.includes(${JSON.stringify(persona)})`,
  );
  await page.fill('#directText', '콘솔');
  await page.press('#directText', 'Enter');
  // The transcript may hold an earlier link, already used: wait for a new one.
  const links = page.locator('#direct .msg', { hasText: '/console/login?token=' });
  const newest = async () =>
    /(http:\/\/\S+\/console\/login\?token=[\w-]+)/.exec((await links.last().textContent()) ?? '')?.[1] ?? '';
  await expect.poll(async () => ((await links.count()) > 0 ? !usedLinks.has(await newest()) : false)).toBe(true);
  const url = await newest();
  usedLinks.add(url);
  if (!url) throw new Error('no console link in the simulator');
  await page.goto(url);
  await page.click('button:has-text("콘솔 열기")');
  await page.waitForURL(/\/console\/\w+/);
  return { context, page };
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of [412, 1280]) {
    await page.setViewportSize({ width, height: width === 412 ? 915 : 900 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    expect(overflow, `${name} at ${width}px`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('공지 in the staff console', () => {
  test('a notice is confirmed, acknowledged per village, and the rest reminded at once', async () => {
    const { context, page } = await signIn(STAFF);
    await page.click('nav a:has-text("공지")');
    await page.fill('textarea[name="body"]', '주민 설명회 참석 인원을 금요일까지 알려 주세요.');
    await page.click('button:has-text("미리보기")');
    const card = page.locator('[data-testid="head-view"]');
    await card.waitFor();
    expect(await card.textContent()).toContain('주민 설명회 참석 인원을 금요일까지 알려 주세요.');
    expect(await page.textContent('pre.chat-text')).toContain('고성읍');
    expect(await t.database.db.select().from(notices)).toHaveLength(0);
    await shoot(page, 'notice-preview');

    await page.click('button:has-text("보내기")');
    await page.waitForSelector('text=공지를 보냈습니다');
    const id = Number(/\/console\/notices\/(\d+)/.exec(page.url())?.[1]);
    await t.app.delivery.flush();
    const card1 = (await sim.chat('direct', 'head-goseong-eup-1')).at(-1)?.text ?? '';
    expect(card1).toContain('주민 설명회 참석 인원을');
    await sim.press('head-goseong-eup-1', `공지 확인 ${id}`);

    await page.reload();
    await page.waitForSelector('#notice-by-district canvas[data-drawn="true"]');
    const rows = await page.locator('#by-village tbody tr').allTextContents();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.find((r) => r.includes('고성1리'))).toContain('확인 ');
    expect(rows.filter((r) => r.includes('확인 안 함')).length).toBe(rows.length - 1);
    // The chart's table: 고성읍's villages by state, in numbers.
    const chartRow = page.locator('#notice-by-district tbody tr', { hasText: '고성읍' });
    expect((await chartRow.locator('td').allTextContents()).join(' ')).toBe(
      `0곳 1곳 0곳 ${rows.length - 1}곳 ${rows.length}곳`,
    );
    await shoot(page, 'notice-status');

    await page.click('button:has-text("지금 다시 알리기")');
    await page.waitForSelector(`text=확인하지 않은 이장님 ${rows.length - 1}명께 다시 알렸습니다`);
    await t.app.delivery.flush();
    expect((await sim.chat('direct', 'head-goseong-eup-2')).at(-1)?.text).toContain(`공지 #${id} 확인 요청`);
    expect((await sim.chat('direct', 'head-goseong-eup-1')).at(-1)?.text).not.toContain('확인 요청');
    // Pressed again at once, nobody is reminded twice.
    await page.click('button:has-text("지금 다시 알리기")');
    await page.waitForSelector('text=다시 알릴 이장님이 없습니다');

    const actions = (await t.database.db.select().from(auditLog).where(eq(auditLog.via, 'console'))).map(
      (r) => r.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['notice.send', 'notice.remind']));
    await context.close();
  });
});
