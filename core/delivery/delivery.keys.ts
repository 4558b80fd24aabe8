/**
 * Dedupe keys that delivery reads back (by prefix, or to find a delivery's fallbacks) are built here and nowhere
 * else, so that the text written and the pattern that finds it cannot drift apart. Other keys are opaque to delivery:
 * any text unique to one message.
 */

/** A message caused by one inbound event (a reply, a failure notice, a message to someone else): `part` tells which. */
export function eventKey(input: { platform: string; eventId: string; part: string }): string {
  return `${eventKeyPrefix(input)}${input.part}`;
}

export function eventKeyPrefix(input: { platform: string; eventId: string }): string {
  return `event:${input.platform}:${input.eventId}:`;
}

/** A message about one version of a workshop (its reminders, the staff list): withdrawn when the version changes. */
export function workshopVersionKey(input: { workshopId: number; version: number; part: string }): string {
  return `${workshopVersionPrefix(input)}${input.part}`;
}

export function workshopVersionPrefix(input: { workshopId: number; version: number }): string {
  return `workshop:${input.workshopId}:v${input.version}:`;
}

/** The staff digest of one room and county day. */
export function staffDigestKey(input: { platform: string; chatId: string; date: string }): string {
  return `digest:staff:${input.platform}:${input.chatId}:${input.date}`;
}

/** A message about one vote (a poll, a budget round, an assembly) to one person or room: once per `part`. */
export function voteKey(input: { subject: 'poll' | 'budget' | 'assembly'; id: number; part: string }): string {
  return `vote:${input.subject}:${input.id}:${input.part}`;
}

const VIA = ':via:';

/** The delivery that stands in for a failed one on another platform. */
export function fallbackKey(family: string, platform: string): string {
  return `${family}${VIA}${platform}`;
}

/** The original delivery's key of a delivery or of any of its fallbacks. */
export function familyOf(key: string): string {
  const at = key.lastIndexOf(VIA);
  return at >= 0 && !key.slice(at + VIA.length).includes(':') ? key.slice(0, at) : key;
}

/** The LIKE pattern of every fallback of a family. */
export function fallbacksPattern(family: string): string {
  return `${escapeLike(family)}${VIA}%`;
}

/** The LIKE pattern of every key that starts with `prefix`. */
export function startingWith(prefix: string): string {
  return `${escapeLike(prefix)}%`;
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
