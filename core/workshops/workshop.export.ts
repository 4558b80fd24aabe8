import type { DbOrTx } from '../../db/db.client.ts';
import { findWorkshop } from './workshop.repository.ts';
import { signupRows } from './workshop.signup.repository.ts';

/**
 * The sign-up list of one workshop as CSV, for staff (names are theirs to see; mobile numbers are left out). Written
 * to the file the admin names, never to a log. Confirmed first, then the waitlist in order.
 */
export async function signupsCsv(input: {
  tx: DbOrTx;
  workshopId: number;
  timeZone: string;
}): Promise<{ kind: 'csv'; csv: string; rows: number } | { kind: 'not_found' }> {
  const { tx, workshopId, timeZone } = input;
  if (!(await findWorkshop(tx, workshopId))) return { kind: 'not_found' };
  const rows = await signupRows(tx, workshopId);
  const at = (d: Date | null) => (d ? localIso(d, timeZone) : '');
  const header = [
    'no',
    'status',
    'name',
    'district',
    'village',
    'signed_up_at',
    'promoted_at',
    'cancelled_at',
    'attended_at',
    'attended_minutes',
  ];
  const lines = rows.map((r, i) =>
    [
      String(i + 1),
      r.status,
      r.name ?? '(탈퇴)',
      r.district ?? '',
      r.village ?? '',
      at(r.createdAt),
      at(r.promotedAt),
      at(r.cancelledAt),
      at(r.attendedAt),
      String(r.attendedMinutes),
    ].map(cell),
  );
  return { kind: 'csv', csv: `${[header, ...lines].map((l) => l.join(',')).join('\r\n')}\r\n`, rows: rows.length };
}

/** A CSV cell: quoted when needed; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
export function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** 2026-11-30 10:00 in county time. */
function localIso(date: Date, timeZone: string): string {
  const p = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
  return p.replace(',', '');
}
