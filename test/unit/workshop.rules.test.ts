import { describe, expect, test } from 'vitest';
import { cell } from '../../core/workshops/workshop.export.ts';
import {
  attendedMinutes,
  certificateNumber,
  certificatePrefix,
  certificateValidUntil,
  checkInWindow,
  creditedMinutes,
  dueReminder,
  expiryReminderDue,
  mayManage,
  pickAttendee,
  pickDistrict,
  placeFor,
  promotions,
  reminderTimes,
  signupClosesAt,
} from '../../core/workshops/workshop.rules.ts';
import { parseDuration } from '../../core/workshops/workshop.staff.commands.ts';

const TZ = 'Asia/Seoul';
// Korea is UTC+9 all year: 10:00 KST = 01:00 UTC.
const START = new Date('2026-12-10T01:00:00Z'); // Thu 12.10 10:00 KST
const END = new Date('2026-12-10T07:00:00Z'); // 16:00 KST

describe('places and the waitlist', () => {
  test.each([
    [
      'the first sign-up gets a place',
      { capacity: 30, confirmed: 0, waitlisted: 0 },
      { status: 'confirmed', position: 1 },
    ],
    [
      'the 30th gets the last place',
      { capacity: 30, confirmed: 29, waitlisted: 0 },
      { status: 'confirmed', position: 30 },
    ],
    [
      'the 31st is first on the waitlist',
      { capacity: 30, confirmed: 30, waitlisted: 0 },
      { status: 'waitlisted', position: 1 },
    ],
    [
      'the 33rd is third on the waitlist',
      { capacity: 30, confirmed: 30, waitlisted: 2 },
      { status: 'waitlisted', position: 3 },
    ],
  ] as const)('%s', (_name, fill, expected) => {
    expect(placeFor(fill)).toEqual(expected);
  });

  test.each([
    ['one cancellation frees one place for the first waiting', { capacity: 30, confirmed: 29, waitlisted: 2 }, 1],
    ['nobody waiting, nobody promoted', { capacity: 30, confirmed: 29, waitlisted: 0 }, 0],
    ['a full workshop promotes nobody', { capacity: 30, confirmed: 30, waitlisted: 4 }, 0],
    ['a larger capacity promotes as many as fit', { capacity: 35, confirmed: 30, waitlisted: 3 }, 3],
  ] as const)('%s', (_name, fill, expected) => {
    expect(promotions(fill)).toBe(expected);
  });
});

describe('sign-up closes at the start of the county day after the last day ("3일 전까지")', () => {
  test.each([
    ['3 days before a Thursday: open through Monday, closed from Tuesday 00:00 KST', 3, '2026-12-07T15:00:00.000Z'],
    ['1 day before: open through the day before', 1, '2026-12-09T15:00:00.000Z'],
    ['0: open until the start', 0, '2026-12-10T01:00:00.000Z'],
  ])('%s', (_name, days, closes) => {
    expect(signupClosesAt(START, days, TZ).toISOString()).toBe(closes);
  });

  test('an early-morning start closes on the county date, not the UTC one', () => {
    // 12.10 08:00 KST is 12.09 23:00 UTC: closing still counts from 12.10.
    expect(signupClosesAt(new Date('2026-12-09T23:00:00Z'), 3, TZ).toISOString()).toBe('2026-12-07T15:00:00.000Z');
  });
});

describe('reminders: 18:00 the day before and two hours before, computed from the current time', () => {
  test('the two times of a 10:00 workshop', () => {
    const times = reminderTimes(START, TZ);
    expect(times.day_before.toISOString()).toBe('2026-12-09T09:00:00.000Z'); // 12.09 18:00 KST
    expect(times.two_hours.toISOString()).toBe('2026-12-09T23:00:00.000Z'); // 12.10 08:00 KST
  });

  test.each([
    ['17:55 the day before: nothing yet', '2026-12-09T08:55:00Z', null],
    ['18:00 the day before: the day-before one', '2026-12-09T09:00:00Z', 'day_before'],
    ['late evening: still the day-before one (once, by its key)', '2026-12-09T13:00:00Z', 'day_before'],
    ['08:00 on the day: the two-hour one', '2026-12-09T23:00:00Z', 'two_hours'],
    ['09:59: still the two-hour one', '2026-12-10T00:59:00Z', 'two_hours'],
    ['from the start: none', '2026-12-10T01:00:00Z', null],
  ])('%s', (_name, now, expected) => {
    expect(dueReminder(START, new Date(now), TZ)).toBe(expected);
  });

  test('a workshop at 19:00: the two-hour reminder (17:00) comes before the day-before one would matter', () => {
    const evening = new Date('2026-12-10T10:00:00Z'); // 19:00 KST
    expect(dueReminder(evening, new Date('2026-12-09T09:30:00Z'), TZ)).toBe('day_before');
    expect(dueReminder(evening, new Date('2026-12-10T08:00:00Z'), TZ)).toBe('two_hours');
  });
});

describe('attendance', () => {
  test.each([
    ['31 minutes early is too early', '2026-12-10T00:29:00Z', 'early'],
    ['30 minutes early is open', '2026-12-10T00:30:00Z', 'open'],
    ['at the end is open', '2026-12-10T07:00:00Z', 'open'],
    ['after the end is over', '2026-12-10T07:01:00Z', 'over'],
  ] as const)('%s', (_name, now, expected) => {
    expect(checkInWindow(START, END, new Date(now))).toBe(expected);
  });

  test.each([
    ['on time: the whole six hours', '2026-12-10T00:45:00Z', 360],
    ['ten minutes late: still the whole', '2026-12-10T01:10:00Z', 360],
    ['an hour late: five hours', '2026-12-10T02:00:00Z', 300],
  ])('%s', (_name, at, minutes) => {
    expect(attendedMinutes(START, END, new Date(at))).toBe(minutes);
  });
});

describe('minutes credited as the workshop passes', () => {
  test.each([
    ['said 17 minutes before the start: nothing yet', '2026-12-10T00:43:00Z', '2026-12-10T00:43:00Z', false, 0],
    ['on time, an hour in: 60', '2026-12-10T00:50:00Z', '2026-12-10T02:00:00Z', false, 60],
    ['on time, after the end: the whole six hours', '2026-12-10T00:50:00Z', '2026-12-10T09:00:00Z', false, 360],
    ['an hour late, at the end: five hours', '2026-12-10T02:00:00Z', '2026-12-10T07:00:00Z', false, 300],
    ['marked by staff two hours in: from the start', '2026-12-10T03:00:00Z', '2026-12-10T03:00:00Z', true, 120],
  ] as const)('%s', (_name, arrivedAt, at, fromStart, minutes) => {
    expect(
      creditedMinutes({ startsAt: START, endsAt: END, arrivedAt: new Date(arrivedAt), at: new Date(at), fromStart }),
    ).toBe(minutes);
  });
});

describe('certificates', () => {
  test('valid through the same county date three years later', () => {
    const until = certificateValidUntil(new Date('2026-12-10T07:00:00Z'), TZ);
    expect(until.toISOString()).toBe('2029-12-10T14:59:00.000Z'); // 2029.12.10 23:59 KST
  });

  test.each([
    ['31 days before expiry: not yet', 31, false],
    ['30 days before: due', 30, true],
    ['a day before: due', 1, true],
    ['after expiry: no longer', -1, false],
  ])('%s', (_name, daysBefore, due) => {
    const until = new Date('2029-12-10T14:59:00Z');
    expect(expiryReminderDue(until, new Date(until.getTime() - daysBefore * 86_400_000))).toBe(due);
  });

  test('numbers read GS-2026-0001', () => {
    expect(certificateNumber(certificatePrefix('goseong'), 2026, 1)).toBe('GS-2026-0001');
    expect(certificatePrefix('jeungpyeong')).toBe('JP');
  });
});

describe('what staff type and what files carry', () => {
  test.each([
    ['6시간', 360],
    ['1.5시간', 90],
    ['90분', 90],
    ['2', 120],
    ['두 시간', null],
  ])('duration "%s"', (text, minutes) => {
    expect(parseDuration(text)).toBe(minutes);
  });

  test('CSV cells are quoted when needed and never start a formula', () => {
    expect(cell('홍길동')).toBe('홍길동');
    expect(cell('a,b')).toBe('"a,b"');
    expect(cell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
  });
});

describe('who manages a workshop, and what staff name in chat', () => {
  const grant = (role: 'district_staff' | 'county_staff' | 'village_head', districtCode: string | null) => ({
    role,
    districtCode,
    villageId: role === 'village_head' ? 1 : null,
  });
  test.each([
    ['district staff manage their own district', [grant('district_staff', 'goseong-eup')], 'goseong-eup', true],
    ["district staff do not manage another district's", [grant('district_staff', 'goseong-eup')], 'samsan', false],
    ['district staff do not manage a county-wide one', [grant('district_staff', 'goseong-eup')], null, false],
    ['county staff manage a county-wide one', [grant('county_staff', null)], null, true],
    ["county staff manage a district's", [grant('county_staff', null)], 'samsan', true],
    ['a village head manages none', [grant('village_head', 'goseong-eup')], 'goseong-eup', false],
  ])('%s', (_, grants, districtCode, expected) => {
    expect(mayManage(grants, districtCode)).toBe(expected);
  });

  const districts = [
    { code: 'goseong-eup', nameKo: '고성읍' },
    { code: 'samsan', nameKo: '삼산면' },
  ];
  test.each([
    ['고성읍', 'goseong-eup'],
    ['samsan', 'samsan'],
    [' 삼산면 ', 'samsan'],
    ['전체', null],
    ['군 전체', null],
    ['하일면', undefined],
  ])('"%s" is the district %s', (where, code) => {
    const picked = pickDistrict(districts, where);
    expect(picked === null || picked === undefined ? picked : picked.code).toBe(code);
  });

  const list = [{ name: '김하나' }, { name: '이둘' }, { name: '이둘' }, { name: '박셋' }];
  test.each([
    ['1', '김하나'],
    ['4', '박셋'],
    ['5', undefined],
    ['박셋', '박셋'],
    // Two people of one name: the number decides, never a guess.
    ['이둘', undefined],
    ['최넷', undefined],
  ])('pick "%s" in the list is %s', (pick, name) => {
    expect(pickAttendee(list, pick)?.name).toBe(name);
  });
});
