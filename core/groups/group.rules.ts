import { can, type RoleGrant } from '../auth/authz.policy.ts';

/** What a group chat is linked to now: a village (with its district), a district's staff room, HQ's, or nothing. */
export type ExistingLink =
  | { kind: 'village'; villageId: number; districtCode: string | null }
  | { kind: 'staff_room'; districtCode: string }
  | { kind: 'hq' }
  | { kind: 'none' };

export type Place = { id: number; nameKo: string; districtCode: string; districtName: string };

/**
 * Linking a chat that is already linked replaces that link, so it needs the same right over the existing link as
 * unlinking it does: a head of another village cannot take over a village's room, a head cannot turn a staff room
 * into a village room, staff of one district cannot take another's room.
 */
export function mayChangeLink(grants: readonly RoleGrant[], link: ExistingLink): boolean {
  switch (link.kind) {
    case 'none':
      return true;
    case 'village':
      return can(grants, 'group.link', { villageId: link.villageId, districtCode: link.districtCode });
    case 'staff_room':
      return can(grants, 'staffroom.link', { districtCode: link.districtCode });
    case 'hq':
      return can(grants, 'staffroom.link', {});
  }
}

const squash = (s: string) => s.replace(/\s+/g, '');

/**
 * The villages a person may link a room to, named or not: a head without a name means their own village; a name
 * matches the village's name from its start, or the district and village together from their end.
 */
export function linkableVillages(grants: readonly RoleGrant[], places: readonly Place[], name: string): Place[] {
  return places.filter((v) => {
    if (!can(grants, 'group.link', { villageId: v.id, districtCode: v.districtCode })) return false;
    if (!name) return grants.some((g) => g.role === 'village_head' && g.villageId === v.id);
    return squash(`${v.districtName}${v.nameKo}`).endsWith(squash(name)) || squash(v.nameKo).startsWith(squash(name));
  });
}

export type StaffRoomChoice = { kind: 'hq' } | { kind: 'district'; code: string; name: string };
const HQ_WORDS = new Set(['본청', '군청', 'hq']);

/** Which staff room "직원방 연결 [읍면]" means: named, or the sender's own (HQ for county staff). */
export function chooseStaffRoom(
  grants: readonly RoleGrant[],
  all: readonly { code: string; nameKo: string }[],
  name: string,
): StaffRoomChoice | 'ambiguous' | 'unknown' | null {
  if (HQ_WORDS.has(name.toLowerCase())) return { kind: 'hq' };
  const pick = (found: readonly { code: string; nameKo: string }[]) =>
    found.length === 1 && found[0] ? { kind: 'district' as const, code: found[0].code, name: found[0].nameKo } : null;
  if (name) {
    const found = all.filter((d) => squash(d.nameKo).startsWith(squash(name)) || d.code === name);
    return pick(found) ?? (found.length ? 'ambiguous' : 'unknown');
  }
  if (grants.some((g) => g.role === 'county_staff' || g.role === 'admin')) return { kind: 'hq' };
  const codes = new Set(grants.flatMap((g) => (g.role === 'district_staff' && g.districtCode ? [g.districtCode] : [])));
  if (codes.size > 1) return 'ambiguous';
  return pick(all.filter((d) => codes.has(d.code)));
}
