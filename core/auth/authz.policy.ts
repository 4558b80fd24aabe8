import type { RoleName } from '../../db/schema/members.schema.ts';

/**
 * One authorisation table: role × action → the scope in which the role may act. Consulted only through `can`.
 * 'own_village' and 'own_district' are compared with the target's village and district; 'county' is everywhere.
 */
export type Action =
  | 'registration.decide'
  | 'person.seeRealName'
  | 'group.link'
  | 'staffroom.link'
  | 'broadcast.send'
  | 'notice.send'
  | 'notice.relay'
  | 'report.answer'
  | 'feedback.answer'
  | 'workshop.manage'
  | 'staff.appoint'
  | 'vote.manage'
  | 'console.open'
  | 'audit.read';

export type ScopeRule = 'own_village' | 'own_district' | 'county';

export const authorizationTable: Record<Action, Partial<Record<RoleName, ScopeRule>>> = {
  'registration.decide': {
    village_head: 'own_village',
    district_staff: 'own_district',
    county_staff: 'county',
    admin: 'county',
  },
  'person.seeRealName': {
    village_head: 'own_village',
    district_staff: 'own_district',
    county_staff: 'county',
    admin: 'county',
  },
  'group.link': {
    village_head: 'own_village',
    district_staff: 'own_district',
    county_staff: 'county',
    admin: 'county',
  },
  // A staff room receives feedback, escalations and digests of its scope: staff only, never a village head.
  'staffroom.link': { district_staff: 'own_district', county_staff: 'county', admin: 'county' },
  'broadcast.send': {
    village_head: 'own_village',
    district_staff: 'own_district',
    county_staff: 'county',
    admin: 'county',
  },
  'notice.send': { district_staff: 'own_district', county_staff: 'county', admin: 'county' },
  // A head relays a notice only into the chats of a village they head.
  'notice.relay': { village_head: 'own_village' },
  'report.answer': { district_staff: 'own_district', county_staff: 'county', admin: 'county' },
  'feedback.answer': { district_staff: 'own_district', county_staff: 'county', admin: 'county' },
  // Workshops (교육): create, reschedule, cancel, see sign-ups and mark attendance within one's scope.
  'workshop.manage': { district_staff: 'own_district', county_staff: 'county', admin: 'county' },
  'staff.appoint': { admin: 'county' },
  // 투표: polls, participatory-budget rounds (screening proposals) and 주민총회 of one's scope; turnout and results.
  'vote.manage': { district_staff: 'own_district', county_staff: 'county', admin: 'county' },
  // The web console (`콘솔`): staff and village heads; each page still checks its own action.
  'console.open': {
    village_head: 'own_village',
    district_staff: 'own_district',
    county_staff: 'county',
    admin: 'county',
  },
  // 기록 (the audit log): who did what, county-wide — county staff and the admin only.
  'audit.read': { county_staff: 'county', admin: 'county' },
};

export type RoleGrant = { role: RoleName; villageId: number | null; districtCode: string | null };
/** Where the action lands. A village target also names its district, so district roles can be checked. */
export type Target = { villageId?: number | null | undefined; districtCode?: string | null | undefined };

export function can(grants: readonly RoleGrant[], action: Action, target: Target): boolean {
  const rules = authorizationTable[action];
  return grants.some((grant) => {
    const rule = rules[grant.role];
    if (rule === 'county') return true;
    if (rule === 'own_district') return grant.districtCode !== null && grant.districtCode === target.districtCode;
    if (rule === 'own_village') return grant.villageId !== null && grant.villageId === target.villageId;
    return false;
  });
}

export function isApprover(grants: readonly RoleGrant[]): boolean {
  return grants.some((g) => authorizationTable['registration.decide'][g.role] !== undefined);
}

/**
 * What a person must be for a command to be offered and run (features declare it per command): anyone; someone
 * with neither a registration nor a role (실명 등록 is for them); someone who registered (also while pending); one
 * whose registration waits; an approved resident; or someone whose role grants an action of the table somewhere (the handler still checks the
 * target with `can`).
 */
export type Requirement =
  'anyone' | 'unregistered' | 'registered' | 'pending' | 'approved' | { action: Action } | { role: RoleName };

export type Person = { grants: readonly RoleGrant[]; registration: { status: string } | null };

export function meetsRequirement(person: Person, requirement: Requirement): boolean {
  if (requirement === 'anyone') return true;
  if (requirement === 'unregistered') return !person.registration && person.grants.length === 0;
  if (requirement === 'registered') return person.registration !== null;
  if (requirement === 'pending') return person.registration?.status === 'pending';
  if (requirement === 'approved') return person.registration?.status === 'approved';
  if ('role' in requirement) return person.grants.some((g) => g.role === requirement.role);
  const rules = authorizationTable[requirement.action];
  return person.grants.some((g) => rules[g.role] !== undefined);
}
