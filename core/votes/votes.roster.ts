import { readCsv } from '../admin/admin.import.ts';
import type { Cipher } from '../privacy/cipher.ts';
import { checkMobile } from '../registration/registration.validate.ts';

export type RosterResult = { ok: true; hashes: string[] } | { ok: false; errors: string[] };

/**
 * A named electorate (the 읍장 추천 committee) as a CSV with a `mobile` column, or one number a line: read whole or
 * not at all, each bad line named. Numbers are kept only as the registrations' blind index (as the village-head
 * roster is), so a committee member votes once their registration is approved, on whichever platform.
 */
export function readRoster(text: string, cipher: Cipher): RosterResult {
  const firstLine = text.trimStart().split(/\r?\n/, 1)[0] ?? '';
  const rows = /mobile/i.test(firstLine)
    ? readCsv(text, ['mobile'])
    : {
        rows: text
          .split(/\r?\n/)
          .map((line, i) => ({ line: i + 1, values: { mobile: line.trim() } }))
          .filter((r) => r.values.mobile),
        errors: [],
      };
  if (rows.errors.length) return { ok: false, errors: rows.errors };
  if (rows.rows.length === 0) return { ok: false, errors: ['명단에 휴대전화 번호가 없습니다.'] };
  const errors: string[] = [];
  const hashes = new Set<string>();
  for (const row of rows.rows) {
    const mobile = checkMobile(row.values.mobile ?? '');
    if (!mobile.ok) errors.push(`${row.line}행: ${mobile.message}`);
    else hashes.add(cipher.blindIndex(mobile.value));
  }
  return errors.length ? { ok: false, errors } : { ok: true, hashes: [...hashes] };
}
