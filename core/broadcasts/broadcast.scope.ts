import { type Action, can, type RoleGrant, type Target } from '../auth/authz.policy.ts';
import { countyParts, countyTime } from '../time/county.time.ts';

export type BroadcastScope =
  { kind: 'county' } | { kind: 'districts'; codes: string[] } | { kind: 'villages'; ids: number[] };

/** The widest scope a sender may address: county staff the county, district staff their district(s), a head their village(s). */
export function defaultScope(grants: readonly RoleGrant[]): BroadcastScope | null {
  if (grants.some((g) => g.role === 'county_staff' || g.role === 'admin')) return { kind: 'county' };
  const districts = grants.flatMap((g) => (g.role === 'district_staff' && g.districtCode ? [g.districtCode] : []));
  if (districts.length) return { kind: 'districts', codes: [...new Set(districts)] };
  const villages = grants.flatMap((g) => (g.role === 'village_head' && g.villageId !== null ? [g.villageId] : []));
  if (villages.length) return { kind: 'villages', ids: [...new Set(villages)] };
  return null;
}

/**
 * Whether the sender may do `action` everywhere the scope reaches (`inScope`: its villages with their districts):
 * broadcasting, sending a notice, cancelling or revising one.
 */
export function mayAddressScope(
  grants: readonly RoleGrant[],
  action: Action,
  scope: BroadcastScope,
  inScope: readonly { id: number; districtCode: string }[],
): boolean {
  const targets = scopeTargets(scope, new Map(inScope.map((v) => [v.id, v.districtCode])));
  return targets.every((target) => can(grants, action, target));
}

/** The authorisation targets a scope stands for: each must be allowed for the sender. */
export function scopeTargets(scope: BroadcastScope, villageDistricts: ReadonlyMap<number, string>): Target[] {
  if (scope.kind === 'county') return [{}];
  if (scope.kind === 'districts') return scope.codes.map((districtCode) => ({ districtCode }));
  return scope.ids.map((villageId) => ({ villageId, districtCode: villageDistricts.get(villageId) ?? null }));
}

export type BroadcastCategoryWord = 'general' | 'event' | 'urgent';
export type ParsedBroadcast = { category: BroadcastCategoryWord; body: string; places: string[]; when: string | null };

const CATEGORY = /^(긴급|재난|행사|일반|urgent|event)$/i;

/**
 * 방송 보내기 [긴급|행사] [고성읍, 삼산1리] [11.25 09:00] 내용 — options lead the text, in any order: a category word
 * (bracketed or not), a bracketed list of places, a bracketed send time. Everything after them is the body.
 */
export function parseBroadcastText(args: string): ParsedBroadcast {
  const parsed: ParsedBroadcast = { category: 'general', body: '', places: [], when: null };
  let rest = args.trim();
  for (;;) {
    // Unbracketed, only words that cannot start a message: "일반 쓰레기는 …" keeps its first word.
    const m = /^(?:\[([^\]]*)\]|(긴급|재난|행사|urgent|event)(?=\s))\s*/i.exec(rest);
    if (!m) break;
    const option = (m[1] ?? m[2] ?? '').trim();
    if (CATEGORY.test(option)) parsed.category = categoryOf(option);
    else if (looksLikeTime(option)) parsed.when = option;
    else
      parsed.places.push(
        ...option
          .split(/[,，、·/]/)
          .map((p) => p.trim())
          .filter(Boolean),
      );
    rest = rest.slice(m[0].length);
  }
  parsed.body = rest.trim();
  return parsed;
}

function categoryOf(word: string): BroadcastCategoryWord {
  const w = word.toLowerCase();
  return w === '긴급' || w === '재난' || w === 'urgent'
    ? 'urgent'
    : w === '행사' || w === 'event'
      ? 'event'
      : 'general';
}

const TIME =
  /^(?:(오늘|내일|모레)|(\d{4})[-.](\d{1,2})[-.](\d{1,2})\.?|(\d{1,2})[./](\d{1,2})\.?|(\d{1,2})월\s*(\d{1,2})일)?\s*(오전|오후)?\s*(\d{1,2})(?::(\d{2})|시(?:\s*(\d{1,2})분|\s*반)?)$/;

function looksLikeTime(text: string): boolean {
  return TIME.test(text.trim());
}

/**
 * A send time as staff write it, in the county's time: "09:00" (the next 09:00), "내일 9시", "모레 오후 2시 반",
 * "11.25 09:00", "11월 25일 14:30", "2026-11-25 09:00". A date without a year is the next such date. Null when
 * it is not a time.
 */
export function parseSendTime(text: string, now: Date, timeZone: string): Date | null {
  const m = TIME.exec(text.trim());
  if (!m) return null;
  let hour = Number(m[10]);
  const minute = m[11] !== undefined ? Number(m[11]) : m[12] !== undefined ? Number(m[12]) : /반$/.test(m[0]) ? 30 : 0;
  if (m[9] === '오후' && hour < 12) hour += 12;
  if (m[9] === '오전' && hour === 12) hour = 0;
  if (hour > 23 || minute > 59) return null;
  const today = countyParts(now, timeZone);
  const at = (year: number, month: number, day: number) => {
    if (month < 1 || month > 12 || day < 1 || day > 31) return null;
    const instant = countyTime({ year, month, day, hour, minute }, timeZone);
    // 2.30 is not a date: Date.UTC would roll it over to March.
    return countyParts(instant, timeZone).day === day ? instant : null;
  };
  if (m[2]) return at(Number(m[2]), Number(m[3]), Number(m[4]));
  const month = m[5] ?? m[7];
  if (month) {
    const day = Number(m[6] ?? m[8]);
    const thisYear = at(today.year, Number(month), day);
    return thisYear && thisYear > now ? thisYear : at(today.year + 1, Number(month), day);
  }
  const offset = m[1] === '내일' ? 1 : m[1] === '모레' ? 2 : 0;
  const base = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
  const candidate = at(base.getUTCFullYear(), base.getUTCMonth() + 1, base.getUTCDate());
  if (!candidate || m[1] || candidate > now) return candidate;
  const tomorrow = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
  return at(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth() + 1, tomorrow.getUTCDate());
}

export type PlaceCatalog = {
  districts: { code: string; nameKo: string }[];
  villages: { id: number; nameKo: string; districtCode: string }[];
};
export type PlaceMatch =
  | { kind: 'scope'; scope: BroadcastScope }
  | { kind: 'unknown'; name: string }
  | { kind: 'ambiguous'; name: string; options: string[] };

/**
 * Names of districts and villages → a scope. "고성읍" is a district; "삼산1리" a village, or "삼산면 삼산1리" where
 * two districts have a village of that name. Only districts: a district scope; any village among them: every named
 * place as its villages (so that the archive and 현황 see exactly who was addressed).
 */
export function matchPlaces(names: readonly string[], catalog: PlaceCatalog): PlaceMatch {
  const squash = (s: string) => s.replace(/\s+/g, '');
  const districtCodes: string[] = [];
  const villageIds: number[] = [];
  for (const name of names) {
    const key = squash(name);
    const district = catalog.districts.find((d) => squash(d.nameKo) === key || d.code === name);
    if (district) {
      districtCodes.push(district.code);
      continue;
    }
    const villages = catalog.villages.filter(
      (v) => squash(v.nameKo) === key || squash(`${districtName(catalog, v.districtCode)}${v.nameKo}`) === key,
    );
    if (villages.length === 0) return { kind: 'unknown', name };
    if (villages.length > 1)
      return {
        kind: 'ambiguous',
        name,
        options: villages.map((v) => `${districtName(catalog, v.districtCode)} ${v.nameKo}`),
      };
    villageIds.push(villages[0]?.id ?? -1);
  }
  if (villageIds.length === 0)
    return { kind: 'scope', scope: { kind: 'districts', codes: [...new Set(districtCodes)] } };
  const expanded = catalog.villages.filter((v) => districtCodes.includes(v.districtCode)).map((v) => v.id);
  return { kind: 'scope', scope: { kind: 'villages', ids: [...new Set([...villageIds, ...expanded])] } };
}

function districtName(catalog: PlaceCatalog, code: string): string {
  return catalog.districts.find((d) => d.code === code)?.nameKo ?? '';
}

/** The part of a catalog a sender may address: whole districts within the scope, and the villages in it. */
export function catalogWithin(
  catalog: PlaceCatalog,
  inScope: readonly { id: number; districtCode: string }[],
): PlaceCatalog {
  const ids = new Set(inScope.map((v) => v.id));
  const villages = catalog.villages.filter((v) => ids.has(v.id));
  const districts = catalog.districts.filter((d) => {
    const all = catalog.villages.filter((v) => v.districtCode === d.code);
    return all.length > 0 && all.every((v) => ids.has(v.id));
  });
  return { districts, villages };
}

/**
 * Place names that open the text, without brackets: "고성1리 …", "고성읍 고성1리 …", "고성1리, 고성2리 …". Only
 * names of the catalog given (the sender's own places) that name one place each; the first other word ends them,
 * and some text must follow. Null when the text does not start with a place.
 */
export function placesAtStart(text: string, catalog: PlaceCatalog): { names: string[]; scope: BroadcastScope } | null {
  const words = text.trim().split(/\s+/);
  const names: string[] = [];
  let i = 0;
  const known = (name: string) => matchPlaces([name], catalog).kind === 'scope';
  const isDistrict = (name: string) => catalog.districts.some((d) => d.nameKo === name);
  while (i < words.length) {
    const parts = (words[i] ?? '').split(/[,，、·/:]/).filter(Boolean);
    const last = words[i] ?? '';
    // "고성읍 고성1리": a village of that district, not the whole district and the village.
    const next = (words[i + 1] ?? '').replace(/[,，、·/:]+$/, '');
    if (parts.length === 1 && isDistrict(parts[0] ?? '') && /[^,，、·/:]$/.test(last) && next) {
      const pair = `${parts[0] ?? ''} ${next}`;
      if (known(pair) && !isDistrict(next)) {
        names.push(pair);
        i += 2;
        continue;
      }
    }
    if (parts.length === 0 || !parts.every(known)) break;
    names.push(...parts);
    i++;
  }
  if (names.length === 0 || i >= words.length) return null;
  const match = matchPlaces(names, catalog);
  return match.kind === 'scope' ? { names, scope: match.scope } : null;
}

/** Whether two scopes reach the same villages. */
export function sameVillages(a: readonly { id: number }[], b: readonly { id: number }[]): boolean {
  const ids = new Set(a.map((v) => v.id));
  return a.length === b.length && b.every((v) => ids.has(v.id));
}

/**
 * The scope in words, as the preview shows it: "고성군 전체", "고성읍 전체", "고성읍 고성1리, 고성2리". A district whose
 * villages are all in scope is named whole; long lists end in "외 N곳".
 */
export function describeScope(scope: BroadcastScope, catalog: PlaceCatalog & { countyName: string }, max = 8): string {
  if (scope.kind === 'county') return `${catalog.countyName} 전체`;
  const ids = new Set(
    scope.kind === 'villages'
      ? scope.ids
      : catalog.villages.filter((v) => scope.codes.includes(v.districtCode)).map((v) => v.id),
  );
  const parts: string[] = [];
  for (const d of catalog.districts) {
    const all = catalog.villages.filter((v) => v.districtCode === d.code);
    const chosen = all.filter((v) => ids.has(v.id));
    if (chosen.length === 0) continue;
    const names = chosen.slice(0, max).map((v) => v.nameKo);
    if (chosen.length === all.length) parts.push(`${d.nameKo} 전체`);
    else parts.push(`${d.nameKo} ${names.join(', ')}${chosen.length > max ? ` 외 ${chosen.length - max}곳` : ''}`);
  }
  const shown = parts.slice(0, max).join(' · ');
  return parts.length > max ? `${shown} 외 읍·면 ${parts.length - max}곳` : shown || '받는 곳 없음';
}
