import { describe, expect, test } from 'vitest';
import { DEFAULT_QUIET_WINDOW, quietUntil } from '../../core/delivery/quiet.hours.ts';

// Korea is UTC+9 all year: 21:00 KST = 12:00 UTC, 07:00 KST = 22:00 UTC the day before.
describe('quiet hours in the county time zone (21:00–07:00 by default)', () => {
  test.each([
    ['20:59 KST is not quiet', '2026-11-24T11:59:00Z', null],
    ['21:00 KST is held until 07:00', '2026-11-24T12:00:00Z', '2026-11-24T22:00:00.000Z'],
    ['23:30 KST is held until 07:00 the next morning', '2026-11-24T14:30:00Z', '2026-11-24T22:00:00.000Z'],
    ['03:15 KST is held until 07:00 that morning', '2026-11-24T18:15:00Z', '2026-11-24T22:00:00.000Z'],
    ['06:59 KST is held one minute', '2026-11-24T21:59:00Z', '2026-11-24T22:00:00.000Z'],
    ['07:00 KST is not quiet', '2026-11-24T22:00:00Z', null],
    ['noon KST is not quiet', '2026-11-25T03:00:00Z', null],
  ])('%s', (_name, now, until) => {
    expect(quietUntil(new Date(now), DEFAULT_QUIET_WINDOW, 'Asia/Seoul')?.toISOString() ?? null).toBe(until);
  });

  test('a window that does not cross midnight (13:00–14:00 nap)', () => {
    expect(
      quietUntil(new Date('2026-11-24T04:30:00Z'), { start: '13:00', end: '14:00' }, 'Asia/Seoul')?.toISOString(),
    ).toBe('2026-11-24T05:00:00.000Z');
    expect(quietUntil(new Date('2026-11-24T05:30:00Z'), { start: '13:00', end: '14:00' }, 'Asia/Seoul')).toBeNull();
  });

  test('an empty window never holds', () => {
    expect(quietUntil(new Date('2026-11-24T14:30:00Z'), { start: '00:00', end: '00:00' }, 'Asia/Seoul')).toBeNull();
  });
});
