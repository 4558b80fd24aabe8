import { and, eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditLog, broadcasts, identities } from '../db/schema/index.ts';
import { registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { consoleSignIn, hasChromium, launchChromium, shoot } from './support/console.browser.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

/**
 * 방송 in the console, in Debian's chromium: a district official composes a broadcast, sees the preview chat would
 * show, confirms it, and a resident receives it in the simulator; the reach by village and platform is a chart with
 * a table beside it, and the resident whose phone cannot be reached is on the non-receipt list. Screenshots at
 * 412 px and 1280 px in test-results/console/.
 */
const STAFF = '고성읍사무소 담당자';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let browser: Browser;
let signIn: ReturnType<typeof consoleSignIn>;
let reached = '';

beforeAll(async () => {
  if (!hasChromium()) return;
  t = await startTestApp();
  sim = simClient(t.app.url);
  const head = 'head-goseong-eup-1';
  reached = await registerApproved(sim, { nickname: '받는주민', name: '한받음', mobile: '010-3200-0001', head });
  // A resident whose only account cannot be reached (they blocked the bot): the broadcast cannot reach them.
  const unreachable = await registerApproved(sim, {
    nickname: '못받음',
    name: '오못받',
    mobile: '010-3200-0002',
    head,
  });
  await t.database.db
    .update(identities)
    .set({ reachable: false })
    .where(and(eq(identities.platform, 'websim'), eq(identities.platformUserId, unreachable)));
  browser = await launchChromium();
  signIn = consoleSignIn(browser, () => t.app.url);
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe.skipIf(!hasChromium() && !process.env.CI)('방송 in the staff console', () => {
  test('a district official previews, confirms and follows a broadcast; the resident receives it', async () => {
    const { context, page } = await signIn(STAFF);
    await page.click('nav a:has-text("방송")');
    await page.waitForSelector('text=새 마을방송');
    // Only places of 고성읍 are offered.
    expect(await page.locator('.places').textContent()).toContain('고성1리');
    expect(await page.locator('.places').textContent()).not.toContain('삼산');
    await shoot(page, 'broadcast-compose');

    await page.check('input[name="category"][value="event"]');
    await page.locator('label.check', { hasText: '고성1리' }).locator('input').check();
    await page.fill('textarea[name="body"]', '토요일 오전 9시 마을회관 대청소가 있습니다.');
    await page.click('button:has-text("미리보기")');
    const bubble = page.locator('[data-testid="resident-view"]');
    await bubble.waitFor();
    const expected = '[마을방송·행사]\n토요일 오전 9시 마을회관 대청소가 있습니다.\n— 고성읍사무소';
    expect(await bubble.textContent()).toContain(expected);
    // The chat's own confirmation text, from the same preview.
    expect(await page.textContent('pre.chat-text')).toContain('받는 곳: 고성읍 고성1리');
    expect(await page.textContent('pre.chat-text')).toContain('주민 1명');
    // Nothing is sent before 보내기.
    expect(await t.database.db.select().from(broadcasts)).toHaveLength(0);
    await shoot(page, 'broadcast-preview');

    await page.click('button:has-text("보내기")');
    await page.waitForSelector('text=보냈습니다');
    await t.app.delivery.flush();
    const got = (await sim.chat('direct', reached)).at(-1)?.text ?? '';
    expect(got).toContain(expected);

    await page.reload();
    await page.waitForSelector('#reach-by-village canvas[data-drawn="true"]');
    const row = page.locator('#reach-by-village tbody tr', { hasText: '고성1리' });
    // sent · waiting · failed · total, in the table beside the chart: the resident and the village's head.
    expect((await row.locator('td').allTextContents()).join(' ')).toBe('2명 0명 0명 2명');
    expect(await page.textContent('#reach-by-platform')).toContain('시뮬레이터');
    expect(await page.textContent('#nonreceipt')).toContain('오못받');
    expect(await page.textContent('#nonreceipt')).not.toContain('한받음');
    await shoot(page, 'broadcast-reach');

    const [audit] = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'broadcast.send'));
    expect(audit).toMatchObject({ via: 'console', districtCode: expect.any(String) });
    await context.close();
  });
});
