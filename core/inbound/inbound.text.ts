import type { InboundEvent } from '../channel/channel.types.ts';

/**
 * C0 controls except tab and line feed, DEL, and C1 controls. PostgreSQL cannot store NUL in text at all, and the
 * others only hide text from the people who read it (staff rooms, .ics files, digests).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_LINE_BREAK = /[\u0000-\u001F\u007F-\u009F]/;

/** What a person typed, safe to store and show: control characters removed, CR and CRLF as line feeds. */
export function cleanText(text: string): string {
  return text.toWellFormed().replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/** A one-line name (a nickname, a display name): control characters and line breaks removed, then trimmed. */
export function cleanName(name: string): string {
  return cleanText(name)
    .replace(/[\t\n]+/g, ' ')
    .trim();
}

/** Ids come from the platform: one with a control character is not a platform's id, and the event is refused. */
export function isCleanId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= 256 && !CONTROL_OR_LINE_BREAK.test(id);
}

/**
 * Every adapter's output passes here (and the pipeline checks again before storing): text, commands and names
 * cleaned; an event whose ids are not clean is malformed, and null (the caller logs and skips it).
 */
export function cleanInboundEvent(event: InboundEvent): InboundEvent | null {
  if (!isCleanId(event.eventId) || !isCleanId(event.platform) || !isCleanId(event.chat?.id)) return null;
  if (event.chat.type !== 'direct' && event.chat.type !== 'group') return null;
  if (event.sender && !isCleanId(event.sender.platformUserId)) return null;
  const nickname = event.sender?.nickname === undefined ? undefined : cleanName(event.sender.nickname) || undefined;
  const cleaned = event.sender ? { ...event, sender: { ...event.sender, nickname } } : event;
  switch (cleaned.kind) {
    case 'text':
      return { ...cleaned, text: cleanText(cleaned.text) };
    case 'action': {
      const command = cleanText(cleaned.command).trim();
      return command ? { ...cleaned, command } : null;
    }
    case 'media':
      return cleaned.location?.address === undefined
        ? cleaned
        : { ...cleaned, location: { ...cleaned.location, address: cleanName(cleaned.location.address) } };
    default:
      return cleaned;
  }
}
