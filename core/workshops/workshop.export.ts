import { stringify } from 'csv-stringify/sync';
import type { DbOrTx } from '../../db/db.client.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import { findWorkshop } from './workshop.repository.ts';
import { mayManage } from './workshop.rules.ts';
import { signupRows } from './workshop.signup.repository.ts';

/**
 * The sign-up list of one workshop as CSV, for staff (names are theirs to see; mobile numbers are left out). Written
 * to the file the admin names, or downloaded by staff from the console (staffSignupsCsv), never to a log. Confirmed
 * first, then the waitlist in order.
 */
export async function signupsCsv(input: {
  tx: DbOrTx;
  workshopId: number;
  timeZone: string;
}): Promise<{ kind: 'csv'; csv: string; rows: number; title: string } | { kind: 'not_found' }> {
  const { tx, workshopId, timeZone } = input;
  const workshop = await findWorkshop(tx, workshopId);
  if (!workshop) return { kind: 'not_found' };
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
    ].map(defused),
  );
  // csv-stringify quotes what needs quoting (RFC 4180); CRLF as spreadsheets expect.
  const csv = stringify([header, ...lines], CSV_OPTIONS);
  return { kind: 'csv', csv, rows: rows.length, title: workshop.title };
}

/** The same list for a staff member, who must manage the workshop (a pending one is its creator's, not listed). */
export async function staffSignupsCsv(input: {
  tx: DbOrTx;
  staff: { grants: readonly RoleGrant[] };
  workshopId: number;
  timeZone: string;
}): Promise<Awaited<ReturnType<typeof signupsCsv>> | { kind: 'forbidden' }> {
  const workshop = await findWorkshop(input.tx, input.workshopId);
  if (!workshop || workshop.status === 'pending') return { kind: 'not_found' };
  if (!mayManage(input.staff.grants, workshop.districtCode)) return { kind: 'forbidden' };
  return signupsCsv(input);
}

/** A line break inside a cell (a bare CR or LF too) is quoted, so no reader takes it for the end of a record. */
const CSV_OPTIONS = { record_delimiter: 'windows', quoted_match: /[\r\n]/ } as const;

/** A leading = + - @ is defused so a spreadsheet never runs a cell as a formula (OWASP CSV injection). */
export function defused(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One CSV cell as the export writes it: defused, then quoted when needed. */
export function cell(value: string): string {
  return stringify([[defused(value)]], CSV_OPTIONS).replace(/\r\n$/, '');
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
