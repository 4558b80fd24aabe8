import type { RoleGrant, Target } from '../auth/authz.policy.ts';

export type BroadcastScope = { kind: 'county' } | { kind: 'districts'; codes: string[] } | { kind: 'villages'; ids: number[] };

/** The widest scope a sender may address: county staff the county, district staff their district(s), a head their village(s). */
export function defaultScope(grants: readonly RoleGrant[]): BroadcastScope | null {
  if (grants.some((g) => g.role === 'county_staff' || g.role === 'admin')) return { kind: 'county' };
  const districts = grants.flatMap((g) => (g.role === 'district_staff' && g.districtCode ? [g.districtCode] : []));
  if (districts.length) return { kind: 'districts', codes: [...new Set(districts)] };
  const villages = grants.flatMap((g) => (g.role === 'village_head' && g.villageId !== null ? [g.villageId] : []));
  if (villages.length) return { kind: 'villages', ids: [...new Set(villages)] };
  return null;
}

/** The authorisation targets a scope stands for: each must be allowed for the sender. */
export function scopeTargets(scope: BroadcastScope, villageDistricts: ReadonlyMap<number, string>): Target[] {
  if (scope.kind === 'county') return [{}];
  if (scope.kind === 'districts') return scope.codes.map((districtCode) => ({ districtCode }));
  return scope.ids.map((villageId) => ({ villageId, districtCode: villageDistricts.get(villageId) ?? null }));
}

/** 긴급 / 행사 / 일반 from the first word of the command's text. */
export function parseBroadcastText(args: string): { category: 'general' | 'event' | 'urgent'; body: string } {
  const m = /^\s*\[?(긴급|재난|행사|일반|urgent|event)\]?\s+([\s\S]*)$/i.exec(args);
  if (!m) return { category: 'general', body: args.trim() };
  const word = (m[1] ?? '').toLowerCase();
  const category = word === '긴급' || word === '재난' || word === 'urgent' ? 'urgent' : word === '행사' || word === 'event' ? 'event' : 'general';
  return { category, body: (m[2] ?? '').trim() };
}
