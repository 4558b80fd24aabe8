import { can, type RoleGrant } from '../auth/authz.policy.ts';

/** What a group chat is linked to now: a village (with its district), a district's staff room, HQ's, or nothing. */
export type ExistingLink =
  | { kind: 'village'; villageId: number; districtCode: string | null }
  | { kind: 'staff_room'; districtCode: string }
  | { kind: 'hq' }
  | { kind: 'none' };

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

export function linkRefusal(link: ExistingLink): string {
  if (link.kind === 'village')
    return '이 방은 이미 다른 마을방으로 연결되어 있습니다. 그 마을 이장님이나 담당 공무원만 바꿀 수 있습니다.';
  if (link.kind === 'none') return '';
  return '이 방은 직원방으로 연결되어 있습니다. 그 직원방의 담당 공무원만 바꿀 수 있습니다.';
}
