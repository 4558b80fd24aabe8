import { countyParts } from '../time/county.time.ts';

/**
 * Quiet hours: a non-urgent message to a person is held, never dropped, until their quiet window ends (default
 * 21:00–07:00 county time). Windows may cross midnight. A pure function of now, the window and the time zone.
 */
export type QuietWindow = { start: string; end: string };

export const DEFAULT_QUIET_WINDOW: QuietWindow = { start: '21:00', end: '07:00' };

/** When the message may go: null for "now", else the end of the window in which `now` falls. */
export function quietUntil(now: Date, window: QuietWindow, timeZone: string): Date | null {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === end) return null;
  const local = countyParts(now, timeZone);
  const minute = local.hour * 60 + local.minute;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  // Minutes from now until `end`, forwards across midnight if needed.
  const wait = (end - minute + 24 * 60) % (24 * 60);
  const at = new Date(now.getTime() + wait * 60_000);
  at.setUTCSeconds(0, 0);
  return at;
}

function minutesOf(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`not a HH:MM time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}
