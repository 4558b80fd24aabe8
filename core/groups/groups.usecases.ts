import type { DbOrTx } from '../../db/db.client.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
import type { ChatRef } from '../channel/channel.types.ts';
import {
  chooseStaffRoom,
  type ExistingLink,
  linkableVillages,
  mayChangeLink,
  type Place,
  type StaffRoomChoice,
} from './group.rules.ts';
import { clearLink, findLink, listDistricts, listVillagePlaces, saveLink } from './groups.repository.ts';

type LinkInput = { tx: DbOrTx; chat: ChatRef; grants: readonly RoleGrant[]; now: Date; name: string };

export type LinkVillageResult =
  | { kind: 'linked'; village: Place }
  | { kind: 'already'; village: Place }
  | { kind: 'not_found' }
  | { kind: 'ambiguous'; example: string }
  | { kind: 'taken'; existing: ExistingLink };

/** 마을방 연결: the chat becomes the named (or the head's own) village's room, unless it is someone else's to change. */
export async function linkVillageRoom(input: LinkInput): Promise<LinkVillageResult> {
  const candidates = linkableVillages(input.grants, await listVillagePlaces(input.tx), input.name);
  const village = candidates[0];
  if (!village) return { kind: 'not_found' };
  if (candidates.length > 1) return { kind: 'ambiguous', example: village.nameKo };
  const existing = await findLink(input.tx, input.chat);
  if (existing.kind === 'village' && existing.villageId === village.id) return { kind: 'already', village };
  if (!mayChangeLink(input.grants, existing)) return { kind: 'taken', existing };
  await saveLink(input.tx, {
    chat: input.chat,
    now: input.now,
    villageId: village.id,
    staffDistrictCode: null,
    hq: false,
  });
  return { kind: 'linked', village };
}

export type LinkStaffRoomResult =
  | { kind: 'linked'; room: StaffRoomChoice }
  | { kind: 'ambiguous' }
  | { kind: 'unknown' }
  | { kind: 'forbidden' }
  | { kind: 'taken'; existing: ExistingLink };

/** 직원방 연결: HQ's room or a district's, for staff of that scope; a village room stops being one. */
export async function linkStaffRoom(input: LinkInput): Promise<LinkStaffRoomResult> {
  const room = chooseStaffRoom(input.grants, await listDistricts(input.tx), input.name);
  if (room === 'ambiguous' || room === 'unknown') return { kind: room };
  if (!room || !can(input.grants, 'staffroom.link', room.kind === 'district' ? { districtCode: room.code } : {}))
    return { kind: 'forbidden' };
  const existing = await findLink(input.tx, input.chat);
  if (!mayChangeLink(input.grants, existing)) return { kind: 'taken', existing };
  const staffDistrictCode = room.kind === 'district' ? room.code : null;
  await saveLink(input.tx, {
    chat: input.chat,
    now: input.now,
    villageId: null,
    staffDistrictCode,
    hq: room.kind === 'hq',
  });
  return { kind: 'linked', room };
}

export type UnlinkResult = { kind: 'unlinked' | 'forbidden'; was: 'village' | 'staff' } | { kind: 'not_linked' };

/** 마을방 해제 / 직원방 해제: whatever the chat is linked to, by someone who may change that link. */
export async function unlinkRoom(input: Omit<LinkInput, 'name' | 'now'>): Promise<UnlinkResult> {
  const linked = await findLink(input.tx, input.chat);
  if (linked.kind === 'none') return { kind: 'not_linked' };
  const was = linked.kind === 'village' ? 'village' : 'staff';
  if (!mayChangeLink(input.grants, linked)) return { kind: 'forbidden', was };
  await clearLink(input.tx, input.chat, was);
  return { kind: 'unlinked', was };
}
