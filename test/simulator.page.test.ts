import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from './support/test.app.ts';

/**
 * The page in a real browser (Debian's chromium, which .ci/run installs). Skipped where it is not installed, except
 * in CI, where a missing browser is a failure rather than a silent skip.
 */
const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'page-token-0123456789-abcdef';

let t: TestApp;
let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  t = await startTestApp({ env: { SIMULATOR_TOKEN: TOKEN } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** Opens the page, answering the token prompt once; returns the page and how often it asked. */
async function open(): Promise<{ page: Page; asked: () => number }> {
  const page = await browser.newPage();
  let asked = 0;
  page.on('dialog', (dialog) => {
    asked++;
    void (dialog.type() === 'prompt' ? dialog.accept(TOKEN) : dialog.dismiss());
  });
  await page.goto(`${t.app.url}/`);
  return { page, asked: () => asked };
}

async function addPersona(page: Page, nickname: string): Promise<void> {
  await page.fill('#nickname', nickname);
  await page.click('#newPersona button');
  await page.waitForFunction(
    `document.querySelector('#directTitle')?.textContent?.includes(${JSON.stringify(nickname)})`,
  );
}

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('the simulator page', () => {
  test('asks for the token once and keeps it for the tab', async () => {
    const { page, asked } = await open();
    await page.waitForSelector('#personas li');
    await addPersona(page, '토큰손님');
    await page.reload();
    await page.waitForSelector('#personas li');
    expect(asked()).toBe(1);
    await page.close();
  });

  test('shows each message once, though the poll after sending races the periodic poll', async () => {
    const { page } = await open();
    await addPersona(page, '중복손님');
    for (const text of ['도움말', '도움말', '도움말']) {
      await page.fill('#directText', text);
      await page.press('#directText', 'Enter');
      await page.waitForTimeout(700);
    }
    // Several periodic polls later.
    await page.waitForTimeout(3_500);
    const seqs = await page.$$eval('#direct .msg', (els) => els.map((e) => e.getAttribute('data-seq')));
    expect(seqs.length).toBeGreaterThanOrEqual(7); // the welcome, then three times a message and its answer
    expect(new Set(seqs).size).toBe(seqs.length);
    const mine = await page.$$eval('#direct .msg.me', (els) => els.map((e) => e.textContent));
    // Each shown with the sender's nickname above it.
    expect(mine).toEqual(['중복손님도움말', '중복손님도움말', '중복손님도움말']);
    await page.close();
  });

  test('shows a refusal in Korean, never the validator’s English', async () => {
    const { page } = await open();
    await addPersona(page, '긴글손님');
    await page.fill('#directText', '가'.repeat(5001));
    await page.press('#directText', 'Enter');
    await page.waitForSelector('#error:not([hidden])');
    const error = await page.textContent('#error');
    expect(error).toContain('메시지는 5,000자까지 보낼 수 있습니다');
    expect(error).not.toMatch(/Too big|expected/);
    await page.close();
  });
});
