import type { Clock } from '../../core/clock.port.ts';

/** A clock the test moves by hand. */
export function createTestClock(
  start: Date | string = '2026-11-24T01:00:00Z',
): Clock & { set(at: Date | string): void; advance(ms: number): void } {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set: (at) => {
      now = new Date(at).getTime();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}
