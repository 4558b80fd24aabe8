import { describe, expect, test } from 'vitest';
import { countyDateKey, formatKoreanDate, lastOccurrence, startOfCountyDay } from '../../core/time/county.time.ts';
import { isDigestDue } from '../../core/digests/resident.digest.ts';

const TZ = 'Asia/Seoul';

describe('county days and times', () => {
  test('the county date of 23:30 UTC is the next day in Korea', () => {
    expect(countyDateKey(new Date('2026-11-23T23:30:00Z'), TZ)).toBe('2026-11-24');
    expect(formatKoreanDate(new Date('2026-11-23T23:30:00Z'), TZ)).toBe('11.24.(화)');
  });

  test('midnight of the county day, and of the day before', () => {
    expect(startOfCountyDay(new Date('2026-11-24T01:00:00Z'), TZ).toISOString()).toBe('2026-11-23T15:00:00.000Z');
    expect(startOfCountyDay(new Date('2026-12-01T01:00:00Z'), TZ, 1).toISOString()).toBe('2026-11-29T15:00:00.000Z');
  });

  test.each([
    ['18:00 at 18:00 KST is now', '18:00', '2026-11-24T09:00:00Z', '2026-11-24T09:00:00.000Z'],
    ['18:00 at 17:59 KST is yesterday', '18:00', '2026-11-24T08:59:00Z', '2026-11-23T09:00:00.000Z'],
    ['07:00 at 06:00 KST is yesterday morning', '07:00', '2026-11-23T21:00:00Z', '2026-11-22T22:00:00.000Z'],
  ])('last occurrence: %s', (_name, hhmm, at, expected) => {
    expect(lastOccurrence(hhmm, new Date(at), TZ).toISOString()).toBe(expected);
  });
});

// A run every 30 minutes: slot S covers chosen times in (S − 30 min, S].
describe('whose digest a run sends', () => {
  const run = (slot: string) => ({
    windowStart: new Date(new Date(slot).getTime() - 30 * 60_000),
    slot: new Date(slot),
  });
  test.each([
    ['18:00 is due in the 18:00 KST run', '18:00', '2026-11-24T09:00:00Z', true],
    ['18:00 is not due again in the 18:30 run', '18:00', '2026-11-24T09:30:00Z', false],
    ['18:00 is not due in the 17:30 run', '18:00', '2026-11-24T08:30:00Z', false],
    ['07:00 is due in the 07:00 run', '07:00', '2026-11-23T22:00:00Z', true],
    ['20:15 is due in the 20:30 run', '20:15', '2026-11-24T11:30:00Z', true],
    ['00:00 is due in the midnight run', '00:00', '2026-11-24T15:00:00Z', true],
  ])('%s', (_name, time, slot, due) => {
    const { windowStart, slot: s } = run(slot);
    expect(isDigestDue(time, windowStart, s, TZ)).toBe(due);
  });
});
