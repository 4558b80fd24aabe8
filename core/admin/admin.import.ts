import { parse } from 'csv-parse/sync';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/db.client.ts';
import { counties, districts, villages } from '../../db/schema/index.ts';
import type { Cipher } from '../privacy/cipher.ts';
import { checkMobile } from '../registration/registration.validate.ts';
import { appoint } from './appointments.ts';
import { josa } from '../text/korean.text.ts';

/** A CSV row with its line number in the file, so that a bad row can be named. */
type Row = { line: number; values: Record<string, string> };
export type ImportResult = { ok: true; imported: number; waiting?: number } | { ok: false; errors: string[] };

export function readCsv(text: string, required: string[]): { rows: Row[]; errors: string[] } {
  let records: { info: { lines: number }; record: Record<string, string> }[];
  try {
    records = parse(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
    }) as typeof records;
  } catch (error) {
    return { rows: [], errors: [`CSV를 읽을 수 없습니다: ${(error as Error).message}`] };
  }
  const header = Object.keys(records[0]?.record ?? {});
  const missing = required.filter((c) => !header.includes(c));
  if (records.length === 0) return { rows: [], errors: ['CSV에 데이터 행이 없습니다.'] };
  if (missing.length) return { rows: [], errors: [`1행: 필요한 열이 없습니다: ${missing.join(', ')}`] };
  return { rows: records.map((r) => ({ line: r.info.lines, values: r.record })), errors: [] };
}

/** Every row is checked first; if any is bad nothing is written, and each bad row is reported with its line. */
async function importAll<T>(
  db: Db,
  text: string,
  required: string[],
  check: (row: Row, known: Known) => { value: T } | { error: string },
  write: (tx: Parameters<Parameters<Db['transaction']>[0]>[0], value: T) => Promise<'granted' | 'waiting' | void>,
): Promise<ImportResult> {
  const { rows, errors } = readCsv(text, required);
  if (errors.length) return { ok: false, errors };
  const known = await loadKnown(db);
  const checked = rows.map((row) => ({ row, result: check(row, known) }));
  const bad = checked.flatMap(({ row, result }) => ('error' in result ? [`${row.line}행: ${result.error}`] : []));
  if (bad.length) return { ok: false, errors: bad };
  let waiting = 0;
  await db.transaction(async (tx) => {
    for (const { result } of checked) if ('value' in result && (await write(tx, result.value)) === 'waiting') waiting++;
  });
  return { ok: true, imported: rows.length, waiting };
}

type Known = { county: string | undefined; districts: Map<string, string>; villages: Map<string, number> };

async function loadKnown(db: Db): Promise<Known> {
  const [county] = await db.select({ code: counties.code }).from(counties).limit(1);
  const ds = await db.select({ code: districts.code, nameKo: districts.nameKo }).from(districts);
  const vs = await db
    .select({ id: villages.id, districtCode: villages.districtCode, nameKo: villages.nameKo })
    .from(villages);
  return {
    county: county?.code,
    districts: new Map(ds.map((d) => [d.code, d.nameKo])),
    villages: new Map(vs.map((v) => [`${v.districtCode}/${v.nameKo}`, v.id])),
  };
}

type DistrictRow = { code: string; nameKo: string; nameEn: string; kind: 'eup' | 'myeon' | 'dong' };

export function importDistricts(db: Db, text: string, county: { code: string; nameKo: string }): Promise<ImportResult> {
  return importAll<DistrictRow>(
    db,
    text,
    ['code', 'name_ko'],
    ({ values }) => {
      if (!/^[a-z0-9-]{2,40}$/.test(values.code ?? ''))
        return { error: `code ${josa(`"${values.code}"`, '은/는')} 영문 소문자·숫자·-로 써 주세요.` };
      const kind =
        values.kind ||
        ({ 읍: 'eup', 면: 'myeon', 동: 'dong' } as Record<string, string>)[(values.name_ko ?? '').slice(-1)];
      if (kind !== 'eup' && kind !== 'myeon' && kind !== 'dong')
        return {
          error: `${josa(`"${values.name_ko}"`, '이/가')} 읍·면·동인지 알 수 없습니다 (kind 열: eup/myeon/dong).`,
        };
      const value: DistrictRow = {
        code: values.code ?? '',
        nameKo: values.name_ko ?? '',
        nameEn: values.name_en || (values.code ?? ''),
        kind,
      };
      return { value };
    },
    async (tx, d) => {
      await tx.insert(counties).values({ code: county.code, nameKo: county.nameKo }).onConflictDoNothing();
      await tx
        .insert(districts)
        .values({ ...d, countyCode: county.code })
        .onConflictDoUpdate({ target: districts.code, set: { nameKo: d.nameKo, nameEn: d.nameEn, kind: d.kind } });
    },
  );
}

export function importVillages(db: Db, text: string): Promise<ImportResult> {
  return importAll<{ districtCode: string; nameKo: string }>(
    db,
    text,
    ['district_code', 'name_ko'],
    ({ values }, known) => {
      if (!known.districts.has(values.district_code ?? ''))
        return { error: `읍면 코드 ${josa(`"${values.district_code}"`, '을/를')} 찾을 수 없습니다.` };
      if (!values.name_ko || values.name_ko.length > 30) return { error: '마을 이름(name_ko)을 1~30자로 써 주세요.' };
      return { value: { districtCode: values.district_code ?? '', nameKo: values.name_ko } };
    },
    async (tx, v) => {
      await tx.insert(villages).values(v).onConflictDoNothing();
    },
  );
}

/** The village-head roster: district_code, village, mobile. Heads get their role when their registration is approved. */
export function importHeads(db: Db, cipher: Cipher, text: string, now: Date): Promise<ImportResult> {
  return importAll<{ villageId: number; mobileHash: string }>(
    db,
    text,
    ['district_code', 'village', 'mobile'],
    ({ values }, known) => {
      const villageId = known.villages.get(`${values.district_code}/${values.village}`);
      if (villageId === undefined)
        return { error: `마을 ${josa(`"${values.district_code} ${values.village}"`, '을/를')} 찾을 수 없습니다.` };
      const mobile = checkMobile(values.mobile ?? '');
      if (!mobile.ok) return { error: mobile.message };
      return { value: { villageId, mobileHash: cipher.blindIndex(mobile.value) } };
    },
    (tx, h) =>
      appoint(tx, { mobileHash: h.mobileHash, role: 'village_head', villageId: h.villageId, districtCode: null, now }),
  );
}

export async function findVillage(db: Db, districtCode: string, nameKo: string): Promise<number | undefined> {
  const [v] = await db
    .select({ id: villages.id })
    .from(villages)
    .where(and(eq(villages.districtCode, districtCode), eq(villages.nameKo, nameKo)));
  return v?.id;
}
