import { countyParts, countyTime } from '../time/county.time.ts';

/**
 * When a first answer is due: `days` working days later at the same county time. Saturdays and Sundays do not count
 * (public holidays are not known here: a holiday calendar would be configuration). Written on a weekend, the count
 * starts on Monday.
 */
export function dueAfterWorkingDays(createdAt: Date, days: number, timeZone: string): Date {
  const start = countyParts(createdAt, timeZone);
  const day = new Date(Date.UTC(start.year, start.month - 1, start.day));
  let left = days;
  while (left > 0) {
    day.setUTCDate(day.getUTCDate() + 1);
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return countyTime(
    {
      year: day.getUTCFullYear(),
      month: day.getUTCMonth() + 1,
      day: day.getUTCDate(),
      hour: start.hour,
      minute: start.minute,
    },
    timeZone,
  );
}
