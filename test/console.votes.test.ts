import { and, eq, inArray } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RoleGrant } from '../core/auth/authz.policy.ts';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import { castBallot, createPoll } from '../core/votes/poll.usecases.ts';
import { auditLog, budgetProposals, identities, villages } from '../db/schema/index.ts';
import { voteClockJob } from '../jobs/votes.clock.job.ts';
import { seedResidents } from './support/residents.seed.ts';
import { simClient } from './support/sim.client.ts';
import { consoleSignIn, hasChromium, launchChromium, shoot } from './support/console.browser.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';
import { testCipher } from './support/test.keys.ts';

/**
 * 투표 in the console, in Debian's chromium: 고성읍's official sees an open poll's turnout and no results, rejects a
 * budget proposal with a reason (the proposer reads it in chat, the audit log has the console's line), and the
 * assembly's attendance against its quorum. Screenshots at 412 px and 1280 px.
 */
const STAFF = '고성읍사무소 담당자';
const STAFF_ID = 'staff-goseong-eup';

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let browser: Browser;
let signIn: ReturnType<typeof consoleSignIn>;
let residents: string[] = [];
let pollId = 0;
let proposalId = 0;

const say = async (who: string, text: string) => (await sim.say(who, text)).join('\n');

beforeAll(async () => {
  if (!hasChromium()) return;
  t = await startTestApp(); // 11.24.(화) 10:00 KST
  sim = simClient(t.app.url);
  const db = t.database.db;
  const eup = (await db.select({ id: villages.id }).from(villages).where(eq(villages.districtCode, 'goseong-eup'))).map(
    (v) => v.id,
  );
  residents = await seedResidents(db, testCipher(), {
    count: 4,
    platform: 'websim',
    villageIds: eup,
    now: t.clock.now(),
  });
  const rows = await db
    .select({ userId: identities.platformUserId, memberId: identities.memberId })
    .from(identities)
    .where(inArray(identities.platformUserId, [STAFF_ID, ...residents]));
  const memberOf = new Map(rows.map((r) => [r.userId, r.memberId]));

  // An open poll with one ballot in it.
  const now = t.clock.now();
  const staff = {
    memberId: memberOf.get(STAFF_ID) ?? 0,
    grants: [{ role: 'district_staff', districtCode: 'goseong-eup', villageId: null }] as RoleGrant[],
  };
  const created = await db.transaction((tx) =>
    createPoll({
      tx,
      deps: t.app.deps,
      staff,
      poll: {
        question: '고성읍 경로당 이름 정하기',
        options: ['해오름정', '솔바람정'],
        maxChoices: 1,
        allowChange: false,
        districtCode: 'goseong-eup',
        electorate: { kind: 'residents' },
        opensAt: now,
        closesAt: new Date(now.getTime() + 24 * 3600_000),
      },
    }),
  );
  if (created.kind !== 'created') throw new Error(created.kind);
  pollId = created.poll.id;
  const cast = await db.transaction((tx) =>
    castBallot({ tx, deps: t.app.deps, memberId: memberOf.get(residents[0] ?? '') ?? -1, pollId, choices: [1] }),
  );
  expect(cast.kind).toBe('cast');

  // A budget round taking proposals, one proposal from a resident in chat, and an assembly.
  expect(
    await say(STAFF_ID, '예산 만들기 2027 고성읍 주민참여예산 / 고성읍 / 11.27 18:00 / 11.28 09:00 / 11.30 18:00'),
  ).toContain('열었습니다');
  const proposer = residents[1] ?? '';
  await say(proposer, '예산 제안');
  await say(proposer, '드론 축제');
  await say(proposer, '하늘을 수놓는 드론 축제가 필요합니다.');
  await say(proposer, '9000만원');
  proposalId = Number(/제안 #(\d+)/.exec(await say(proposer, '1'))?.[1]);
  expect(proposalId).toBeGreaterThan(0);
  expect(
    await say(
      STAFF_ID,
      '총회 만들기 고성읍 주민총회 / 고성읍 / 고성읍 주민자치센터 / 11.28 14:00 / 2시간 / 마을 축제 예산',
    ),
  ).toContain('만들었습니다');
  await t.app.delivery.flush();

  browser = await launchChromium();
  signIn = consoleSignIn(browser, () => t.app.url);
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe.skipIf(!hasChromium() && !process.env.CI)('투표 in the staff console', () => {
  test('turnout without results while open; a proposal rejected with a reason the proposer is told', async () => {
    const { context, page } = await signIn(STAFF);
    await page.click('nav a:has-text("투표")');
    await page.waitForURL(/\/console\/votes/);

    const poll = page.locator(`#polls li[data-poll="${pollId}"]`);
    expect(await poll.textContent()).toContain('고성읍 경로당 이름 정하기');
    expect(await poll.locator('.turnout').textContent()).toMatch(/1명 \/ 선거인 \d+명/);
    const results = (await poll.locator('.results').textContent()) ?? '';
    expect(results).toContain('마감 뒤에 볼 수 있습니다');
    expect(await poll.textContent()).not.toMatch(/해오름정|솔바람정|\d+표/);

    const assembly = page.locator('#assemblies li').first();
    expect(await assembly.textContent()).toMatch(/출석 0명 \/ 등록 주민 \d+명 \(0%\)/);
    expect(await assembly.textContent()).toContain('미달');

    const proposal = page.locator(`#budget li[data-proposal="${proposalId}"]`);
    expect(await proposal.textContent()).toContain('「드론 축제」 90,000천원');
    await shoot(page, 'votes');

    // The browser's own check stops an empty reason; the usecase refuses one made of spaces.
    await proposal.locator('input[name="reason"]').fill('   ');
    await proposal.locator('button:has-text("반려")').click();
    await page.waitForSelector('text=사유를 함께 적어 주세요');
    const again = page.locator(`#budget li[data-proposal="${proposalId}"]`);
    await again.locator('input[name="reason"]').fill('일회성 행사는 대상이 아닙니다');
    await again.locator('button:has-text("반려")').click();
    await page.waitForSelector(`text=제안 #${proposalId}을 반려했습니다. 제안하신 분께 알렸습니다.`);
    expect(await page.locator(`#budget li[data-proposal="${proposalId}"]`).textContent()).toContain(
      '(사유: 일회성 행사는 대상이 아닙니다)',
    );
    expect(await page.locator(`#budget li[data-proposal="${proposalId}"] form`).count()).toBe(0);

    await t.app.delivery.flush();
    const told = (await sim.chat('direct', residents[1] ?? '')).map((m) => m.text).join('\n');
    expect(told).toContain('「드론 축제」 사업은 투표에 오르지 못했습니다.\n사유: 일회성 행사는 대상이 아닙니다');
    const [row] = await t.database.db.select().from(budgetProposals).where(eq(budgetProposals.id, proposalId));
    expect(row?.status).toBe('rejected');
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'proposal.reject'), eq(auditLog.via, 'console')));
    expect(audit.map((a) => a.subject)).toEqual([`proposal:${proposalId}`]);
    await context.close();
  });

  test('after the close the results show, with the count of voters against ballots', async () => {
    t.clock.set('2026-11-25T01:01:00Z'); // the poll closed at 10:00 KST
    await voteClockJob().run({ ...t.app.deps, summary: noSummaryWriter }, t.clock.now());
    const { context, page } = await signIn(STAFF);
    await page.goto(`${t.app.url}/console/votes`);
    const poll = page.locator(`#polls li[data-poll="${pollId}"]`);
    expect(await poll.locator('.meta').textContent()).toContain('마감');
    const results = (await poll.locator('.results').textContent()) ?? '';
    expect(results).toContain('1위 해오름정 — 1표');
    expect(results).toContain('확인: 투표자 1명 = 투표지 1장 (일치)');
    await context.close();
  });
});
