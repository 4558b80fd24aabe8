import { readFileSync } from 'node:fs';
import { and, asc, eq, inArray, like } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSections } from '../core/digests/digest.sections.ts';
import { workshopSignupsSection } from '../core/workshops/workshop.digest.ts';
import { signupsCsv } from '../core/workshops/workshop.export.ts';
import { importWorkshops } from '../core/workshops/workshop.import.ts';
import { signUp } from '../core/workshops/workshop.signup.usecases.ts';
import { broadcasts, identities, outbox, villages, workshops, workshopSignups } from '../db/schema/index.ts';
import { registerResident } from './support/registration.flow.ts';
import { seedResidents } from './support/residents.seed.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

const CSV = readFileSync(new URL('../db/data/goseong-workshops-2019.csv', import.meta.url), 'utf8');

let t: TestApp;
let sim: ReturnType<typeof simClient>;
let resident: string; // the 31st: an approved resident of 개천면 on the simulator
let samsanResident: string;
let seeded: string[]; // 30 approved residents of 개천면
let gaecheon: typeof workshops.$inferSelect;

beforeAll(async () => {
  t = await startTestApp(); // the clock: 11.24.(화) 10:00 KST
  sim = simClient(t.app.url);
  const { db } = t.database;
  const gaecheonVillages = (
    await db.select({ id: villages.id }).from(villages).where(eq(villages.districtCode, 'gaecheon'))
  ).map((v) => v.id);
  seeded = await seedResidents(db, t.app.deps.cipher, {
    count: 30,
    platform: 'websim',
    villageIds: gaecheonVillages,
    now: t.clock.now(),
  });
  resident = (
    await registerResident(sim, {
      nickname: '서른하나',
      name: '박서른',
      mobile: '010-4000-0031',
      district: '개천면',
      village: '1',
    })
  ).id;
  const request = (await sim.chat('direct', 'head-gaecheon-1')).at(-1);
  await sim.press('head-gaecheon-1', `승인 ${/#(\d+)/.exec(request?.text ?? '')?.[1]}`);
  samsanResident = (
    await registerResident(sim, {
      nickname: '삼산',
      name: '최삼산',
      mobile: '010-4000-0099',
      district: '삼산면',
      village: '1',
    })
  ).id;
  const samsanRequest = (await sim.chat('direct', 'head-samsan-1')).at(-1);
  await sim.press('head-samsan-1', `승인 ${/#(\d+)/.exec(samsanRequest?.text ?? '')?.[1]}`);
});
afterAll(() => t.stop());

const say = async (who: string, text: string) => (await sim.say(who, text)).join('\n');
const texts = async (kind: 'direct' | 'group', id: string) =>
  (await sim.chat(kind, id)).map((m) => m.text).join('\n---\n');
const memberOf = async (userId: string) =>
  (
    await t.database.db
      .select({ id: identities.memberId })
      .from(identities)
      .where(eq(identities.platformUserId, userId))
  )[0]?.id ?? -1;

describe('the 2019 Goseong schedule, imported by the admin', () => {
  test('as it is, every dated row is in the past: nothing is written and each row is named', async () => {
    const result = await importWorkshops({ deps: t.app.deps, text: CSV });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(13);
      expect(result.errors[0]).toContain('2행: 2019-08-20은 이미 지났습니다. 일정을 앞으로 옮기려면 --shift-to');
    }
    expect(await t.database.db.$count(workshops)).toBe(0);
  });

  test('shifted into the future, each district gets its workshop on the same weekday, announced as a 행사 broadcast', async () => {
    const result = await importWorkshops({ deps: t.app.deps, text: CSV, shiftTo: '2026-12-01' });
    expect(result).toMatchObject({ ok: true, imported: 13, announced: 13 });
    await t.app.delivery.flush();
    if (result.ok)
      expect(result.skipped).toEqual([
        expect.stringMatching(/^15행: 날짜가 없어 건너뜁니다 \(seed says only '11월 중\(토\)'/),
        expect.stringMatching(/^16행: 날짜가 없어/),
      ]);
    const all = await t.database.db.select().from(workshops).orderBy(asc(workshops.startsAt));
    gaecheon = all[0] ?? gaecheon;
    expect(gaecheon).toMatchObject({
      districtCode: 'gaecheon',
      place: '개천면 주민자치센터',
      capacity: 30,
      closesDaysBefore: 3,
      requiredMinutes: 360,
      contact: '개천면사무소',
    });
    expect(gaecheon.startsAt.toISOString()).toBe('2026-12-01T01:00:00.000Z'); // 12.01.(화) 10:00 KST, a Tuesday as in 2019
    expect(gaecheon.endsAt.toISOString()).toBe('2026-12-01T07:00:00.000Z');
    expect(all[1]).toMatchObject({ districtCode: 'hoehwa' });
    expect(all[1]?.startsAt.toISOString()).toBe('2026-12-02T01:00:00.000Z'); // Wednesday
    expect(all.at(-1)).toMatchObject({ districtCode: 'guman' });
    expect(new Set(all.map((w) => w.checkInCode)).size).toBe(13);

    const [announcement] = await t.database.db
      .select()
      .from(broadcasts)
      .where(and(eq(broadcasts.category, 'event'), eq(broadcasts.scopeDistricts, ['gaecheon'])));
    expect(announcement?.senderLabel).toBe('고성군청');
    expect(await texts('direct', resident)).toContain('[마을방송·행사]\n[교육 안내] 주민참여형 자치교육 워크숍');
    expect(await texts('direct', resident)).toContain(`달력에 넣기: ${t.app.url}/workshops/${gaecheon.id}.ics`);
    expect(await texts('direct', 'head-gaecheon-1')).toContain('[교육 안내 · 이장님께] 개천1리 주민께도 알려 주세요');
    expect(await texts('direct', 'head-samsan-1')).not.toContain('[교육 안내 · 이장님께] 개천');
  });

  test('importing the same file again adds nothing', async () => {
    const again = await importWorkshops({ deps: t.app.deps, text: CSV, shiftTo: '2026-12-01' });
    expect(again).toMatchObject({ ok: true, imported: 0 });
    expect(await t.database.db.$count(workshops)).toBe(13);
  });
});

describe('sign-up with 30 places and a waitlist', () => {
  test('the 31st sign-up is waitlisted, and promoted (and told) when someone cancels', async () => {
    const ids = await Promise.all(seeded.map(memberOf));
    for (const memberId of ids) {
      const result = await t.database.db.transaction((tx) =>
        signUp({ tx, deps: t.app.deps, memberId, districtCode: 'gaecheon', workshopId: gaecheon.id }),
      );
      expect(result.kind).toBe('confirmed');
    }
    const list = await say(resident, '교육');
    expect(list).toContain(
      '1. 「주민참여형 자치교육 워크숍」\n   12.1.(화) 10:00 · 개천면 주민자치센터\n   정원 마감 · 대기 0명',
    );
    expect(await say(resident, '1')).toContain('신청할까요?');
    expect(await say(resident, '1')).toContain('정원 30명이 다 찼습니다. 대기 1번째로 올려 드렸습니다');
    expect(await say(resident, '교육')).toContain('대기 1번째');

    expect(await say(seeded[4] ?? '', `교육 신청 취소 ${gaecheon.id}`)).toContain('신청을 취소했습니다');
    expect(await texts('direct', resident)).toContain(
      '[교육] 자리가 나서 대기하시던 「주민참여형 자치교육 워크숍」 신청이 확정되었습니다.',
    );
    const [mine] = await t.database.db
      .select()
      .from(workshopSignups)
      .where(eq(workshopSignups.memberId, await memberOf(resident)));
    expect(mine).toMatchObject({ status: 'confirmed' });
    expect(mine?.promotedAt).not.toBeNull();
    expect(
      await t.database.db.$count(
        workshopSignups,
        and(eq(workshopSignups.workshopId, gaecheon.id), eq(workshopSignups.status, 'confirmed')),
      ),
    ).toBe(30);
  });

  test('staff see the list with names and counts; the admin exports it as CSV', async () => {
    const status = await say('staff-county', `교육 현황 ${gaecheon.id}`);
    expect(status).toContain('확정 30/30 · 대기 0');
    expect(status).toContain('박서른');
    expect(await say('staff-goseong-eup', `교육 현황 ${gaecheon.id}`)).toContain('맡으신 곳의 교육이 아닙니다');
    expect(await say(resident, '교육 현황')).toContain('담당자만 볼 수 있습니다');
    const csv = await signupsCsv({ tx: t.database.db, workshopId: gaecheon.id, timeZone: 'Asia/Seoul' });
    expect(csv.kind).toBe('csv');
    if (csv.kind === 'csv') {
      const lines = csv.csv.trim().split('\r\n');
      expect(lines[0]).toBe(
        'no,status,name,district,village,signed_up_at,promoted_at,cancelled_at,attended_at,attended_minutes',
      );
      expect(lines.filter((l) => l.includes(',confirmed,'))).toHaveLength(30);
      expect(lines.find((l) => l.includes('박서른'))).toMatch(
        /,confirmed,박서른,개천면,개천1리,2026-11-24 10:00,2026-11-24 10:00,,,0$/,
      );
    }
  });

  test('the staff digest counts the sign-ups and shows how full the workshops are', async () => {
    const until = new Date('2026-11-24T23:30:00Z');
    const [section] = await buildSections(
      {
        tx: t.database.db,
        scope: { kind: 'district', districtCode: 'gaecheon' },
        since: new Date(until.getTime() - 86_400_000),
        until,
        timezone: 'Asia/Seoul',
      },
      [workshopSignupsSection('교육 신청')],
    );
    expect(section?.headline).toBe('새로 30명 · 다가오는 교육 1건');
    expect(section?.lines).toEqual(['· 12.1.(화) 10:00 「주민참여형 자치교육 워크숍」 — 확정 30/30']);
    expect(section?.figures.map((f) => f.value)).toEqual([30, 1, 0]);
  });
});

describe('after sign-up closes', () => {
  test('a sign-up is refused with the last day and whom to call', async () => {
    t.clock.set('2026-11-28T14:59:00Z'); // 11.28.(토) 23:59 KST: the last minute
    expect(await say(resident, `교육 신청 취소 ${gaecheon.id}`)).toContain('신청을 취소했습니다');
    t.clock.set('2026-11-28T15:00:00Z'); // 11.29 00:00 KST
    const refused = await say(resident, `교육 신청 ${gaecheon.id}`);
    expect(refused).toBe(
      '「주민참여형 자치교육 워크숍」 신청은 11.28.(토)까지였습니다. 지금은 채팅으로 신청하실 수 없습니다. 꼭 참석하고 싶으시면 개천면사무소에 전화해 주세요.',
    );
    expect(await say(resident, '교육')).toContain('신청 마감');
    expect(await say(resident, '1')).toContain('신청은 11.28.(토)까지였습니다');
    expect(
      await t.database.db.$count(
        workshopSignups,
        and(
          eq(workshopSignups.memberId, await memberOf(resident)),
          inArray(workshopSignups.status, ['confirmed', 'waitlisted']),
        ),
      ),
    ).toBe(0);
  });

  test('a resident of another district cannot sign up for it', async () => {
    expect(await say(samsanResident, `교육 신청 ${gaecheon.id}`)).toContain('다른 읍·면 주민을 위한 교육입니다');
  });
});

describe('the calendar file', () => {
  test('is served over HTTP as text/calendar and parses as RFC 5545', async () => {
    const res = await fetch(`${t.app.url}/workshops/${gaecheon.id}.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    const body = await res.text();
    expect(body.endsWith('\r\n')).toBe(true);
    for (const line of body.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const calendar = new ICAL.Component(ICAL.parse(body));
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent') ?? undefined);
    expect(event.summary).toBe('주민참여형 자치교육 워크숍');
    expect(event.location).toBe('개천면 주민자치센터');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-01T01:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-12-01T07:00:00.000Z');
    expect(event.uid).toMatch(new RegExp(`^workshop-${gaecheon.id}@`));
    expect(calendar.getFirstSubcomponent('vevent')?.getFirstPropertyValue('dtstamp')).toBeTruthy();
    expect(event.description).toContain('문의: 개천면사무소');
    expect((await fetch(`${t.app.url}/workshops/99999.ics`)).status).toBe(404);
  });

  test('messages link it, and nothing personal went to the logs', async () => {
    expect(await t.database.db.$count(outbox, like(outbox.dedupeKey, `workshop:${gaecheon.id}:promoted:%`))).toBe(1);
    expect(t.logs.join('\n')).not.toContain('박서른');
  });
});
