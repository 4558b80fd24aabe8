import { readCsv } from '../admin/admin.import.ts';
import type { CoreDeps } from '../core.deps.ts';
import { countyTime } from '../time/county.time.ts';
import { announceWorkshop, countySender } from './workshop.announce.usecases.ts';
import { listDistricts, sameWorkshopExists, seriesFor } from './workshop.repository.ts';
import { createWorkshop, type NewWorkshop } from './workshop.usecases.ts';
import { josa } from '../text/korean.text.ts';

/**
 * The admin's CSV of workshops (../shared/data/goseong-workshops-2019.csv is the shape):
 *   date,weekday_ko,district_code,title_ko,hours,capacity,registration_closes_days_before,note
 * and optionally start_time (default 10:00), place (default "<읍·면> 주민자치센터", county-wide "군청 대회의실"),
 * contact (default the district office), and series + series_hours (sessions of one series: completion counts the
 * hours attended across them). district_code "all" is county-wide. Rows without a date (the seed gives only
 * a month) are skipped and named. `shiftTo` moves the schedule so that its first workshop falls on the first day on or
 * after that date with the same weekday: every workshop keeps its weekday and its distance from the others.
 * Imported whole or not at all; a workshop already imported (same title, district and start) is skipped.
 */
export type WorkshopImportResult =
  { ok: true; imported: number; skipped: string[]; announced: number } | { ok: false; errors: string[] };

const WEEKDAYS_KO = ['일', '월', '화', '수', '목', '금', '토'];
export const DEFAULT_START_TIME = '10:00';

type Dated = { line: number; date: { year: number; month: number; day: number }; values: Record<string, string> };

export async function importWorkshops(input: {
  deps: CoreDeps;
  text: string;
  shiftTo?: string | undefined;
}): Promise<WorkshopImportResult> {
  const { deps, text } = input;
  const options = { shiftTo: input.shiftTo };
  const { rows, errors } = readCsv(text, ['date', 'district_code', 'title_ko', 'hours', 'capacity']);
  if (errors.length) return { ok: false, errors };
  const now = deps.clock.now();
  const known = new Map((await listDistricts(deps.db)).map((d) => [d.code, d.nameKo]));
  const skipped: string[] = [];
  const bad: string[] = [];
  const dated: Dated[] = [];
  for (const { line, values } of rows) {
    if (!values.date) {
      skipped.push(`${line}행: 날짜가 없어 건너뜁니다${values.note ? ` (${values.note})` : ''}`);
      continue;
    }
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(values.date);
    const date = m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : null;
    if (!date || new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDate() !== date.day) {
      bad.push(`${line}행: 날짜 ${josa(`"${values.date}"`, '은/는')} YYYY-MM-DD로 써 주세요.`);
      continue;
    }
    const weekday = WEEKDAYS_KO[new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()];
    if (values.weekday_ko && values.weekday_ko !== weekday)
      bad.push(`${line}행: ${josa(values.date, '은/는')} ${weekday}요일입니다 (weekday_ko "${values.weekday_ko}").`);
    else dated.push({ line, date, values });
  }
  const shift = shiftDays(dated, options.shiftTo);
  if (shift === null)
    return { ok: false, errors: [`--shift-to ${josa(`"${options.shiftTo}"`, '은/는')} YYYY-MM-DD로 써 주세요.`] };
  const planned: { line: number; workshop: NewWorkshop }[] = [];
  for (const { line, date, values } of dated) {
    const checked = checkRow(values, known);
    if ('error' in checked) {
      bad.push(`${line}행: ${checked.error}`);
      continue;
    }
    const day = new Date(Date.UTC(date.year, date.month - 1, date.day + shift));
    const startsAt = countyTime(
      { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), ...checked.start },
      deps.timezone,
    );
    if (startsAt <= now) {
      bad.push(
        `${line}행: ${josa(values.date ?? '', '은/는')} 이미 지났습니다. 일정을 앞으로 옮기려면 --shift-to YYYY-MM-DD를 붙여 주세요.`,
      );
      continue;
    }
    planned.push({ line, workshop: { ...checked.workshop, startsAt } });
  }
  if (bad.length) return { ok: false, errors: bad };
  let imported = 0;
  let announced = 0;
  await deps.db.transaction(async (tx) => {
    const county = await countySender({ tx });
    for (const { line, workshop } of planned) {
      if (await sameWorkshopExists(tx, workshop)) {
        skipped.push(`${line}행: 이미 가져온 교육입니다`);
        continue;
      }
      const seriesId = workshop.meta?.series
        ? await seriesFor(tx, {
            title: String(workshop.meta.series),
            districtCode: workshop.districtCode,
            requiredMinutes: Number(workshop.meta.seriesMinutes),
            now: deps.clock.now(),
          })
        : null;
      const result = await createWorkshop({ tx, deps, creator: null, workshop: { ...workshop, seriesId } });
      if (result.kind !== 'created') throw new Error(`${line}행: ${result.kind}`);
      imported++;
      if (
        county &&
        (await announceWorkshop({ tx, deps, workshop: result.workshop, sender: county })).kind === 'announced'
      )
        announced++;
    }
  });
  return { ok: true, imported, skipped, announced };
}

/** Whole weeks, so that each workshop keeps its weekday. */
function shiftDays(dated: Dated[], shiftTo: string | undefined): number | null {
  if (!shiftTo) return 0;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(shiftTo);
  if (!m) return null;
  const first = Math.min(...dated.map((d) => Date.UTC(d.date.year, d.date.month - 1, d.date.day)));
  if (!Number.isFinite(first)) return 0;
  const days = Math.round((Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - first) / 86_400_000);
  return Math.ceil(days / 7) * 7;
}

function checkRow(
  values: Record<string, string>,
  known: Map<string, string>,
): { workshop: Omit<NewWorkshop, 'startsAt'>; start: { hour: number; minute: number } } | { error: string } {
  const code = values.district_code ?? '';
  const districtName = code === 'all' ? null : known.get(code);
  if (districtName === undefined)
    return { error: `읍면 코드 ${josa(`"${code}"`, '을/를')} 찾을 수 없습니다 (군 전체는 all).` };
  const title = (values.title_ko ?? '').trim();
  if (!title || title.length > 100) return { error: '교육 이름(title_ko)을 1~100자로 써 주세요.' };
  const hours = Number(values.hours);
  if (!(hours > 0 && hours <= 24))
    return { error: `교육 시간(hours) ${josa(`"${values.hours}"`, '을/를')} 0보다 크고 24 이하인 숫자로 써 주세요.` };
  const capacity = Number(values.capacity);
  if (!(Number.isInteger(capacity) && capacity > 0))
    return { error: `정원(capacity) ${josa(`"${values.capacity ?? ''}"`, '을/를')} 1 이상의 정수로 써 주세요.` };
  const closes = values.registration_closes_days_before ? Number(values.registration_closes_days_before) : 3;
  if (!(Number.isInteger(closes) && closes >= 0 && closes <= 60))
    return {
      error: `신청 마감(registration_closes_days_before) ${josa(`"${values.registration_closes_days_before}"`, '을/를')} 0~60으로 써 주세요.`,
    };
  const time = /^(\d{1,2}):(\d{2})$/.exec(values.start_time || DEFAULT_START_TIME);
  if (!time || Number(time[1]) > 23 || Number(time[2]) > 59)
    return { error: `시작 시각(start_time) ${josa(`"${values.start_time}"`, '을/를')} HH:MM으로 써 주세요.` };
  if (values.series && !(Number(values.series_hours) > 0))
    return { error: `연속 교육(series) "${values.series}"에는 수료에 필요한 시간(series_hours)을 적어 주세요.` };
  const place = values.place || (districtName ? `${districtName} 주민자치센터` : '군청 대회의실');
  return {
    workshop: {
      title,
      districtCode: districtName ? code : null,
      place,
      minutes: Math.round(hours * 60),
      capacity,
      closesDaysBefore: closes,
      contact: values.contact || (districtName ? `${districtName}사무소` : null),
      meta:
        values.note || values.series
          ? {
              ...(values.note ? { note: values.note } : {}),
              ...(values.series
                ? { series: values.series, seriesMinutes: Math.round(Number(values.series_hours) * 60) }
                : {}),
            }
          : undefined,
    },
    start: { hour: Number(time[1]), minute: Number(time[2]) },
  };
}
