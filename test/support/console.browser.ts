import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium, which `.ci/run` installs with apt when missing (never a browser download). */
export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = 'test-results/console';
export const hasChromium = () => existsSync(CHROMIUM);

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Signs a persona in as a person would: 콘솔 typed in the simulator page, the link it answers opened and confirmed.
 * One per test file: it remembers the links used, since the transcript still shows them.
 */
export function consoleSignIn(browser: Browser, baseUrl: () => string) {
  const usedLinks = new Set<string>();
  return async (persona: string): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // A step that does not come fails in seconds, naming what it waited for, well within the test's timeout.
    page.setDefaultTimeout(8_000);
    await page.goto(`${baseUrl()}/`);
    await page.click(`#personas button:has-text("${persona}")`);
    await page.waitForFunction(
      `document.querySelector('#directTitle')?.textContent?.includes(${JSON.stringify(persona)})`,
    );
    await page.fill('#directText', '콘솔');
    await page.press('#directText', 'Enter');
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
  };
}

/** Screenshots at a phone's 412 px and a desktop's 1280 px; neither may scroll sideways. */
export async function shoot(page: Page, name: string): Promise<void> {
  for (const width of [412, 1280]) {
    await page.setViewportSize({ width, height: width === 412 ? 915 : 900 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    expect(overflow, `${name} at ${width}px`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}
