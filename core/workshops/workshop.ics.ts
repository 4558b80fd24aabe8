import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { Workshop } from './workshop.repository.ts';

/**
 * A workshop as an RFC 5545 calendar file: one VEVENT, times in UTC (no VTIMEZONE needed). The text comes from staff
 * (title, place, contact), so it is never written by hand: ical-generator escapes every line break (a bare CR too),
 * backslash, semicolon and comma, and folds lines at 75 octets. SEQUENCE follows the workshop's version, so a calendar
 * that imported the file before a reschedule takes the new time; a cancelled workshop says CANCELLED.
 */
export function workshopIcs(w: Workshop, input: { host: string; districtName?: string | undefined }): string {
  const calendar = ical({ prodId: { company: 'maeul', product: 'workshops', language: 'KO' } });
  calendar.method(ICalCalendarMethod.PUBLISH);
  calendar.createEvent({
    id: `workshop-${w.id}@${input.host}`,
    sequence: w.version - 1,
    stamp: w.updatedAt,
    start: w.startsAt,
    end: w.endsAt,
    summary: w.title,
    location: w.place,
    description: `${input.districtName ? `${input.districtName} · ` : ''}정원 ${w.capacity}명. 신청·취소는 채팅에서 "교육"을 보내 주세요.${w.contact ? ` 문의: ${w.contact}` : ''}`,
    status: w.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  // RFC 5545 ends every content line, the last one too, with CRLF.
  return `${calendar.toString()}\r\n`;
}
