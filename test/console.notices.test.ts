import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditLog, notices } from '../db/schema/index.ts';
import { simClient } from './support/sim.client.ts';
import { consoleSignIn, hasChromium, launchChromium, shoot } from './support/console.browser.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

/**
 * 공지 in the console, in Debian's chromium: a district official sends a notice to the village heads of 고성읍 after
 * its preview, one head acknowledges it in chat, the page shows acknowledgement and relay per village (table and
 * chart), and "지금 다시 알리기" reminds the heads who have not. Screenshots at 412 px and 1280 px.
 */
const STAFF = '고성읍사무소 담당자';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let browser: Browser;
let signIn: ReturnType<typeof consoleSignIn>;

beforeAll(async () => {
  if (!hasChromium()) return;
  t = await startTestApp();
  sim = simClient(t.app.url);
  browser = await launchChromium();
  signIn = consoleSignIn(browser, () => t.app.url);
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe.skipIf(!hasChromium() && !process.env.CI)('공지 in the staff console', () => {
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
