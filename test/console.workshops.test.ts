import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditLog, workshops } from '../db/schema/index.ts';
import { registerApproved } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { consoleSignIn, hasChromium, launchChromium, shoot } from './support/console.browser.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

/**
 * 교육 in the console, in Debian's chromium: a district official makes a workshop by form, residents sign up in chat
 * (one waits), a larger capacity promotes them, the workshop is moved, attendance is marked, the list is exported as
 * CSV, and the workshop cancelled — each told to those signed up. Screenshots at 412 px and 1280 px.
 */
const STAFF = '고성읍사무소 담당자';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let browser: Browser;
let signIn: ReturnType<typeof consoleSignIn>;
let first = '';
let second = '';

beforeAll(async () => {
  if (!hasChromium()) return;
  t = await startTestApp();
  sim = simClient(t.app.url);
  const head = 'head-goseong-eup-1';
  first = await registerApproved(sim, { nickname: '첫신청', name: '문첫째', mobile: '010-3300-0001', head });
  second = await registerApproved(sim, { nickname: '둘째신청', name: '박둘째', mobile: '010-3300-0002', head });
  browser = await launchChromium();
  signIn = consoleSignIn(browser, () => t.app.url);
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const last = async (who: string) => (await sim.chat('direct', who)).at(-1)?.text ?? '';

describe.skipIf(!hasChromium() && !process.env.CI)('교육 in the staff console', () => {
  test('made, filled, moved, marked, exported and cancelled by form', async () => {
    const { context, page } = await signIn(STAFF);
    await page.click('nav a:has-text("교육")');
    // The test clock is 2026-11-24 10:00 county time: a workshop five days on.
    await page.fill('input[name="title"]', '스마트폰 기초');
    await page.fill('input[name="place"]', '고성읍 주민자치센터');
    await page.fill('input[name="startsAt"]', '2026-11-29T14:00');
    await page.fill('input[name="minutes"]', '120');
    await page.fill('input[name="capacity"]', '1');
    await shoot(page, 'workshop-create');
    await page.click('button:has-text("만들고 알리기")');
    await page.waitForSelector('text=교육을 만들고 주민과 이장님께 알렸습니다');
    const id = Number(/\/console\/workshops\/(\d+)/.exec(page.url())?.[1]);
    const [made] = await t.database.db.select().from(workshops).where(eq(workshops.id, id));
    expect(made).toMatchObject({ title: '스마트폰 기초', districtCode: expect.any(String), capacity: 1 });

    expect((await sim.say(first, `교육 신청 ${id}`)).join('\n')).toContain('확정');
    expect((await sim.say(second, `교육 신청 ${id}`)).join('\n')).toContain('대기');
    await page.reload();
    expect(await page.textContent('#waitlist')).toContain('박둘째');

    await page.fill('input[name="capacity"]', '2');
    await page.click('button:has-text("저장")');
    await page.waitForSelector('text=고쳤습니다');
    await t.app.delivery.flush();
    expect(await last(second)).toContain('신청이 확정되었습니다');

    await page.fill('input[name="startsAt"] >> nth=0', '2026-11-30T10:00');
    await page.click('button:has-text("일정 바꾸기")');
    await page.waitForSelector('text=일정을 바꾸고 신청하신 분께 알렸습니다');
    await t.app.delivery.flush();
    expect(await last(first)).toContain('[교육 일정 변경]');

    // On the day, 10:05 county time, under way. Six idle days ended the session: the official signs in again.
    t.clock.set('2026-11-30T01:05:00Z');
    await context.close();
    const again = await signIn(STAFF);
    const page2 = again.page;
    await page2.goto(`${t.app.url}/console/workshops/${id}`);
    await page2.locator('#attendees tr', { hasText: '문첫째' }).locator('input[name="signup"]').check();
    await page2.click('button:has-text("고른 분 출석 표시")');
    await page2.waitForSelector('text=출석을 표시했습니다');
    expect(await page2.locator('#attendees tr', { hasText: '문첫째' }).textContent()).toContain('출석함');
    await page2.waitForSelector('#workshop-fill canvas[data-drawn="true"]');
    await shoot(page2, 'workshop-detail');

    const [download] = await Promise.all([page2.waitForEvent('download'), page2.click('text=명단 CSV 내려받기')]);
    const chunks: Buffer[] = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
    const csv = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(
      'no,status,name,district,village,signed_up_at,promoted_at,cancelled_at,attended_at,attended_minutes',
    );
    expect(lines.find((l) => l.includes('문첫째'))).toMatch(
      /,confirmed,문첫째,고성읍,고성1리,.*,2026-11-30 10:05,\d+$/,
    );
    expect(lines.find((l) => l.includes('박둘째'))).toContain(',confirmed,박둘째,');

    await page2.check('input[name="confirm"]');
    await page2.click('button:has-text("교육 취소")');
    await page2.waitForSelector('text=교육을 취소하고 신청하신 분께 알렸습니다');
    await t.app.delivery.flush();
    expect(await last(second)).toContain('[교육 취소]');

    const actions = (await t.database.db.select().from(auditLog).where(eq(auditLog.via, 'console'))).map(
      (r) => r.action,
    );
    expect(actions.sort()).toEqual([
      'workshop.attendance',
      'workshop.cancel',
      'workshop.create',
      'workshop.edit',
      'workshop.edit',
    ]);
    await again.context.close();
  });
});
