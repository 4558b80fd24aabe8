import { countyParts } from '../time/county.time.ts';

/**
 * Quiet hours: a non-urgent message to a person is held, never dropped, until their quiet window ends (default
 * 21:00–07:00 county time). Windows may cross midnight. A pure function of now, the window and the time zone.
 */
export type QuietWindow = { start: string; end: string };

export const DEFAULT_QUIET_WINDOW: QuietWindow = { start: '21:00', end: '07:00' };

/**
 * A phone rings or buzzes in the room (issue 17): non-urgent messages by SMS and calls wait out 21:00–08:00 as well as
 * the person's own window; urgent ones (긴급) go at once. The one place that decides it for the phone platform.
 */
export const PHONE_QUIET_WINDOW: QuietWindow = { start: '21:00', end: '08:00' };

/** Platforms with a window of their own, besides the person's: the fan-out's SQL reads the same table. */
export const PLATFORM_QUIET_WINDOWS: Readonly<Record<string, QuietWindow>> = { phone: PHONE_QUIET_WINDOW };

/** When a non-urgent message on `platform` may go: the later of the person's window and, on the phone, the phone's. */
export function quietUntilOn(
  platform: string,
  input: { now: Date; window: QuietWindow; timeZone: string; urgent: boolean },
): Date | null {
  if (input.urgent) return null;
  const own = quietUntil(input.now, input.window, input.timeZone);
  // The phone's window is a default: someone who chose "쉬는 시간 없이 받기" (start = end) is taken at their word.
  const platformWindow = Object.hasOwn(PLATFORM_QUIET_WINDOWS, platform) ? PLATFORM_QUIET_WINDOWS[platform] : undefined;
  if (!platformWindow || input.window.start === input.window.end) return own;
  const theirs = quietUntil(input.now, platformWindow, input.timeZone);
  if (!own || !theirs) return own ?? theirs;
  return own > theirs ? own : theirs;
}

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
