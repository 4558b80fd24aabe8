import cron from 'node-cron';
import { countyParts } from '../core/time/county.time.ts';

/**
 * Slots of a cron expression in the county's time zone: the minute a job was due. node-cron 4 parses the expression
 * (its own `parse`, so the scheduler and these functions read it the same way) but only finds next runs from the
 * real wall clock; here the search starts from any instant, so that catch-up, the CLI and tests use the injected
 * clock. Like node-cron, all fields must match (day-of-month AND day-of-week).
 */
export type CronMatcher = (date: Date) => boolean;

const MINUTE = 60_000;

export function slotOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / MINUTE) * MINUTE);
}

export function isValidSchedule(expression: string): boolean {
  if (!cron.validate(expression)) return false;
  const fields = cron.parse(expression);
  // Seconds would make a "slot" finer than a minute, and L/#-style day fields are not supported here.
  return (
    fields.second.length === 1 &&
    fields.second[0] === 0 &&
    [...fields.dayOfMonth, ...fields.dayOfWeek].every((v) => typeof v === 'number')
  );
}

export function cronMatcher(expression: string, timeZone: string): CronMatcher {
  if (!isValidSchedule(expression)) throw new Error(`not a supported schedule: ${expression}`);
  const f = cron.parse(expression);
  const sets = {
    minute: new Set(f.minute),
    hour: new Set(f.hour),
    day: new Set(f.dayOfMonth as number[]),
    month: new Set(f.month),
    weekday: new Set((f.dayOfWeek as number[]).map((d) => d % 7)),
  };
  return (date) => {
    const p = countyParts(date, timeZone);
    return (
      sets.minute.has(p.minute) &&
      sets.hour.has(p.hour) &&
      sets.day.has(p.day) &&
      sets.month.has(p.month) &&
      sets.weekday.has(p.weekday)
    );
  };
}

/** The latest slot at or before `at` (its minute included), looking back at most `withinMinutes`; null if none. */
export function previousSlot(expression: string, at: Date, timeZone: string, withinMinutes: number): Date | null {
  const matches = cronMatcher(expression, timeZone);
  const start = slotOf(at).getTime();
  for (let back = 0; back <= withinMinutes; back++) {
    const candidate = new Date(start - back * MINUTE);
    if (matches(candidate)) return candidate;
  }
  return null;
}

/** The first slot strictly after `after`, within `withinDays` (default 32); null if none. */
export function nextSlot(expression: string, after: Date, timeZone: string, withinDays = 32): Date | null {
  const matches = cronMatcher(expression, timeZone);
  const hours = new Set(cron.parse(expression).hour);
  const end = after.getTime() + withinDays * 24 * 60 * MINUTE;
  let t = slotOf(after).getTime() + MINUTE;
  while (t <= end) {
    const candidate = new Date(t);
    if (matches(candidate)) return candidate;
    // Skip the rest of a county hour that cannot match: ~800 checks for a month instead of ~46,000.
    const p = countyParts(candidate, timeZone);
    t += hours.has(p.hour) ? MINUTE : (60 - p.minute) * MINUTE;
  }
  return null;
}
