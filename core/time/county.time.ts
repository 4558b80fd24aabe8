/**
 * County-time arithmetic: the county's calendar day and wall-clock time of an instant, and the instant of a wall-clock
 * time, with Intl only (COUNTY_TIMEZONE is configurable, so no fixed +09:00). Pure functions of the instant and the
 * time zone (no `new Date()` of "now").
 */
export type CountyParts = { year: number; month: number; day: number; hour: number; minute: number; weekday: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function countyParts(date: Date, timeZone: string): CountyParts {
  const p = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    weekday: WEEKDAYS.indexOf(p.weekday ?? ''),
  };
}

/** 'YYYY-MM-DD' of the county's calendar day: the date part of dedupe keys ("once a day"). */
export function countyDateKey(date: Date, timeZone: string): string {
  const p = countyParts(date, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The instant at which the county's clocks show this wall-clock time (seconds zero). */
export function countyTime(
  wall: { year: number; month: number; day: number; hour: number; minute: number },
  timeZone: string,
): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // The zone's offset at the guess, then again at the result: right across a DST change too.
  let at = asUtc - offsetAt(new Date(asUtc), timeZone);
  at = asUtc - offsetAt(new Date(at), timeZone);
  return new Date(at);
}

function offsetAt(date: Date, timeZone: string): number {
  const p = countyParts(date, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return wall - Math.floor(date.getTime() / 60_000) * 60_000;
}

/** Midnight of the county day `date` falls in, `daysBack` days earlier. */
export function startOfCountyDay(date: Date, timeZone: string, daysBack = 0): Date {
  const p = countyParts(date, timeZone);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day - daysBack));
  return countyTime(
    { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0, minute: 0 },
    timeZone,
  );
}

/** The most recent instant at or before `at` at which county clocks showed HH:MM (today's, else yesterday's). */
export function lastOccurrence(hhmm: string, at: Date, timeZone: string): Date {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`not a HH:MM time: ${hhmm}`);
  for (const daysBack of [0, 1]) {
    const day = startOfCountyDay(at, timeZone, daysBack);
    const p = countyParts(day, timeZone);
    const candidate = countyTime(
      { year: p.year, month: p.month, day: p.day, hour: Number(m[1]), minute: Number(m[2]) },
      timeZone,
    );
    if (candidate.getTime() <= at.getTime()) return candidate;
  }
  throw new Error('unreachable: yesterday is always before now');
}

const KO_WEEKDAYS = ['일', '월', '화', '수', '목', '금', '토'];

/** 11.24.(화): the Korean way, in the county's time zone. */
export function formatKoreanDate(date: Date, timeZone: string): string {
  const p = countyParts(date, timeZone);
  return `${p.month}.${p.day}.(${KO_WEEKDAYS[p.weekday]})`;
}
