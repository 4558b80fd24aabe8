import type { Request } from 'express';
import { countyParts, countyTime } from '../../core/time/county.time.ts';

/**
 * Reading the console's forms (urlencoded, as the router parses them) and writing times for them — shared by the
 * 방송, 공지 and 교육 pages. Times are the county's (datetime-local has no zone: it is read in COUNTY_TIMEZONE).
 */

/** One field as text ('' when absent or repeated oddly). */
export function field(req: Request, name: string): string {
  const value: unknown = req.body?.[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

/** A field that may repeat (check boxes): every value given. */
export function fields(req: Request, name: string): string[] {
  const value: unknown = req.body?.[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** Whole numbers given in a repeated field (ids of check boxes); anything else is left out. */
export function ids(req: Request, name: string): number[] {
  return fields(req, name)
    .filter((v) => /^\d{1,9}$/.test(v))
    .map(Number);
}

/** "2026-11-25T09:00" in county time → the instant; null when not such a value or not a real date. */
export function parseLocal(value: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const at = countyTime({ year, month, day, hour, minute }, timeZone);
  return countyParts(at, timeZone).day === day ? at : null;
}

/** The instant as a datetime-local value in county time. */
export function localValue(at: Date, timeZone: string): string {
  const p = countyParts(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

/** Platforms as staff read them (the chat's words for them). */
export const platformKo: Record<string, string> = {
  websim: '시뮬레이터',
  line: 'LINE',
  discord: 'Discord',
  kakao: '카카오톡',
  phone: '휴대전화 문자',
};
export const platformName = (p: string): string => platformKo[p] ?? p;

/** A number from the path (/console/broadcasts/12): null unless whole and positive. */
export function idParam(value: string | undefined): number | null {
  return value && /^\d{1,9}$/.test(value) ? Number(value) : null;
}
