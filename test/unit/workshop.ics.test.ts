import ICAL from 'ical.js';
import { describe, expect, test } from 'vitest';
import { workshopIcs } from '../../core/workshops/workshop.ics.ts';
import type { Workshop } from '../../core/workshops/workshop.usecases.ts';

const workshop = (over: Partial<Workshop>): Workshop => ({
  id: 7,
  seriesId: null,
  title: '마을 기록 교실',
  districtCode: 'goseong-eup',
  place: '고성읍 주민자치센터',
  startsAt: new Date('2026-12-10T05:00:00Z'),
  endsAt: new Date('2026-12-10T07:00:00Z'),
  capacity: 20,
  closesDaysBefore: 3,
  requiredMinutes: 120,
  checkInCode: '1234',
  contact: '고성읍사무소',
  status: 'scheduled',
  version: 1,
  createdBy: null,
  createdAt: new Date('2026-11-24T01:00:00Z'),
  updatedAt: new Date('2026-11-24T01:00:00Z'),
  announcedAt: null,
  completedAt: null,
  meta: null,
  ...over,
});

/** How a lenient calendar reads the file: any CR, LF or CRLF ends a line. */
const asLenientClient = (body: string) => new ICAL.Component(ICAL.parse(body.replace(/\r\n|\r|\n/g, '\r\n')));

describe('the calendar file of a workshop', () => {
  const title = '마을 교실\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:가짜; 일정, 끝\\';
  const place = '회의실\nBEGIN:VEVENT\r\nDTSTART:20300101T000000Z';

  test('a title or place with a bare CR, LF, ; , or BEGIN:VEVENT stays one event with its text intact', () => {
    const body = workshopIcs(workshop({ title, place }), { host: 'maeul.local', districtName: '고성읍' });
    // Every line break in the file is a CRLF that the file itself wrote: nothing from the text ends a line.
    const lines = body.split('\r\n');
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    for (const calendar of [new ICAL.Component(ICAL.parse(body)), asLenientClient(body)]) {
      const events = calendar.getAllSubcomponents('vevent');
      expect(events).toHaveLength(1);
      const event = new ICAL.Event(events[0]);
      expect(event.summary).toBe(title.replace(/\r\n|\r/g, '\n'));
      expect(event.location).toBe(place.replace(/\r\n|\r/g, '\n'));
      expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-10T05:00:00.000Z');
    }
  });

  test('long Korean lines fold at 75 octets; a reschedule raises SEQUENCE and a cancellation says CANCELLED', () => {
    const long = '주민참여형 자치교육 워크숍 '.repeat(6).trim();
    const body = workshopIcs(workshop({ title: long, version: 3, status: 'cancelled' }), { host: 'maeul.local' });
    expect(body.endsWith('\r\n')).toBe(true);
    for (const line of body.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const event = new ICAL.Component(ICAL.parse(body)).getFirstSubcomponent('vevent');
    expect(event?.getFirstPropertyValue('summary')).toBe(long);
    expect(event?.getFirstPropertyValue('sequence')).toBe(2);
    expect(event?.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event?.getFirstPropertyValue('uid')).toBe('workshop-7@maeul.local');
  });
});
