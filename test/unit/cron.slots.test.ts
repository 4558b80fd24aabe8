import { describe, expect, test } from 'vitest';
import { cronMatcher, isValidSchedule, nextSlot, previousSlot, slotOf } from '../../jobs/cron.slots.ts';

const TZ = 'Asia/Seoul';
const iso = (d: Date | null) => d?.toISOString() ?? null;

// Korea is UTC+9 all year: 08:30 KST is 23:30 UTC of the day before.
describe('schedule slots in county time', () => {
  test.each([
    [
      'a 08:30 KST job is due at 23:30 UTC the day before',
      '30 8 * * *',
      '2026-11-23T12:00:00Z',
      '2026-11-23T23:30:00.000Z',
    ],
    ['from just before, the same slot', '30 8 * * *', '2026-11-23T23:29:59Z', '2026-11-23T23:30:00.000Z'],
    ['from the slot itself, the next day', '30 8 * * *', '2026-11-23T23:30:00Z', '2026-11-24T23:30:00.000Z'],
    [
      'Monday 08:00 KST from Monday evening is next Monday (Sunday 23:00 UTC)',
      '0 8 * * 1',
      '2026-11-23T12:00:00Z',
      '2026-11-29T23:00:00.000Z',
    ],
    ['every 30 minutes', '*/30 * * * *', '2026-11-23T12:07:00Z', '2026-11-23T12:30:00.000Z'],
    ['midnight KST is 15:00 UTC', '0 0 * * *', '2026-11-23T12:00:00Z', '2026-11-23T15:00:00.000Z'],
    ['the 1st of a month at 09:00 KST', '0 9 1 * *', '2026-11-23T12:00:00Z', '2026-12-01T00:00:00.000Z'],
  ])('next: %s', (_name, schedule, after, expected) => {
    expect(iso(nextSlot(schedule, new Date(after), TZ))).toBe(expected);
  });

  test.each([
    [
      'the slot an hour ago is within a 120-minute grace',
      '30 8 * * *',
      '2026-11-24T00:30:00Z',
      120,
      '2026-11-23T23:30:00.000Z',
    ],
    [
      'the current minute counts (started at 08:30:20)',
      '30 8 * * *',
      '2026-11-23T23:30:20Z',
      120,
      '2026-11-23T23:30:00.000Z',
    ],
    ['three hours ago is beyond a 120-minute grace', '30 8 * * *', '2026-11-24T02:30:00Z', 120, null],
    ['exactly at the edge of the grace', '30 8 * * *', '2026-11-24T01:30:00Z', 120, '2026-11-23T23:30:00.000Z'],
    ['the latest of several slots', '*/30 * * * *', '2026-11-23T12:47:00Z', 120, '2026-11-23T12:30:00.000Z'],
  ])('previous: %s', (_name, schedule, at, grace, expected) => {
    expect(iso(previousSlot(schedule, new Date(at), TZ, grace))).toBe(expected);
  });

  test('matching reads the expression in county time, not UTC', () => {
    const matches = cronMatcher('30 8 * * *', TZ);
    expect(matches(new Date('2026-11-23T23:30:00Z'))).toBe(true);
    expect(matches(new Date('2026-11-23T08:30:00Z'))).toBe(false);
    expect(cronMatcher('0 8 * * 1', TZ)(new Date('2026-11-29T23:00:00Z'))).toBe(true); // Monday in Korea, Sunday in UTC
  });

  test('a slot is the minute, seconds dropped', () => {
    expect(slotOf(new Date('2026-11-23T23:30:59.999Z')).toISOString()).toBe('2026-11-23T23:30:00.000Z');
  });

  test.each([
    ['30 8 * * *', true],
    ['*/30 * * * *', true],
    ['0 8 * * MON', true],
    ['*/10 * * * * *', false],
    ['not a schedule', false],
    ['61 8 * * *', false],
  ])('%s is a valid schedule: %s', (schedule, valid) => {
    expect(isValidSchedule(schedule)).toBe(valid);
  });
});
