import type { Workshop } from './workshop.usecases.ts';

/**
 * A workshop as an RFC 5545 calendar file: one VEVENT, times in UTC (no VTIMEZONE needed), text escaped, lines folded
 * at 75 octets without splitting a UTF-8 character, CRLF line ends. SEQUENCE follows the workshop's version, so a
 * calendar that imported the file before a reschedule takes the new time; a cancelled workshop says CANCELLED.
 */
export function workshopIcs(w: Workshop, input: { host: string; districtName?: string | undefined }): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//maeul//workshops//KO',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:workshop-${w.id}@${input.host}`,
    `SEQUENCE:${w.version - 1}`,
    `DTSTAMP:${utc(w.updatedAt)}`,
    `DTSTART:${utc(w.startsAt)}`,
    `DTEND:${utc(w.endsAt)}`,
    `SUMMARY:${escapeText(w.title)}`,
    `LOCATION:${escapeText(w.place)}`,
    `DESCRIPTION:${escapeText(`${input.districtName ? `${input.districtName} · ` : ''}정원 ${w.capacity}명. 신청·취소는 채팅에서 "교육"을 보내 주세요.${w.contact ? ` 문의: ${w.contact}` : ''}`)}`,
    `STATUS:${w.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

/** 20261130T010000Z */
export function utc(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** TEXT values: backslash, semicolon, comma and line breaks are escaped (RFC 5545 §3.3.11). */
export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets continue on the next line after one space (RFC 5545 §3.1), whole characters only. */
export function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    const limit = parts.length === 0 ? 75 : 74; // a continuation line's leading space is one of its 75
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
