import type { DbOrTx } from '../../db/db.client.ts';
import type { RoleName } from '../../db/schema/members.schema.ts';
import { meetsRequirement, type RoleGrant } from '../auth/authz.policy.ts';
import type { CoreDeps } from '../core.deps.ts';
import { loadGrants } from '../members/member.resolve.ts';
import * as repo from './console.repository.ts';
import { IDLE_MS, LINK_TTL_MS, isIdle, linkVerdict, newToken, tokenHash } from './console.rules.ts';

/**
 * The console's sign-in without passwords: `콘솔` in a 1:1 chat gives a link good once for 5 minutes; opening it
 * starts a session whose cookie token and CSRF token are random; only hashes of the link and cookie tokens are kept.
 */
type Ctx = { tx: DbOrTx; deps: CoreDeps };

export function opensConsole(grants: readonly RoleGrant[]): boolean {
  return meetsRequirement({ grants, registration: null }, { action: 'console.open' });
}

export type LinkResult = { kind: 'issued'; url: string; expiresAt: Date } | { kind: 'not_staff' };

export async function issueLoginLink(
  input: Ctx & { memberId: number; grants: readonly RoleGrant[] },
): Promise<LinkResult> {
  if (!opensConsole(input.grants)) return { kind: 'not_staff' };
  const now = input.deps.clock.now();
  const token = newToken();
  const expiresAt = new Date(now.getTime() + LINK_TTL_MS);
  await repo.insertLink(input.tx, { tokenHash: tokenHash(token), memberId: input.memberId, createdAt: now, expiresAt });
  const base = input.deps.publicUrl?.() ?? '';
  return { kind: 'issued', url: `${base}/console/login?token=${token}`, expiresAt };
}

export type LinkCheck = { kind: 'valid' } | { kind: 'unknown' | 'used' | 'expired' };

/** Whether a link would open a session, without using it (the page that asks to confirm). */
export async function checkLoginLink(input: Ctx & { token: string }): Promise<LinkCheck> {
  const link = await repo.findLink(input.tx, tokenHash(input.token));
  return { kind: linkVerdict(link, input.deps.clock.now()) };
}

export type SessionStart = { kind: 'started'; sessionToken: string; memberId: number } | LinkCheck;

/** Uses the link (once: a second request loses) and starts a session for its member, if they still open the console. */
export async function startSession(input: Ctx & { token: string }): Promise<SessionStart> {
  const now = input.deps.clock.now();
  const link = await repo.findLink(input.tx, tokenHash(input.token));
  const verdict = linkVerdict(link, now);
  if (verdict !== 'valid' || !link) return { kind: verdict === 'valid' ? 'unknown' : verdict };
  if (!(await repo.useLink(input.tx, link.id, now))) return { kind: 'used' };
  // Roles may have been taken away in the five minutes.
  if (!opensConsole(await loadGrants(input.tx, link.memberId))) return { kind: 'unknown' };
  const sessionToken = newToken();
  await repo.insertSession(input.tx, {
    tokenHash: tokenHash(sessionToken),
    memberId: link.memberId,
    csrf: newToken(),
    createdAt: now,
    lastSeenAt: now,
  });
  return { kind: 'started', sessionToken, memberId: link.memberId };
}

export type Viewer = {
  sessionId: number;
  memberId: number;
  csrf: string;
  grants: RoleGrant[];
  roles: RoleName[];
  scope: { county: boolean; districtCodes: string[]; villageIds: number[] };
  label: string;
};

export type SessionLookup = { kind: 'open'; viewer: Viewer } | { kind: 'none' | 'idle' };

const ROLE_LABEL: Record<RoleName, string> = {
  village_head: '이장',
  district_staff: '담당 직원',
  county_staff: '군청 직원',
  admin: '관리자',
};

/** The session behind a cookie token: ends it when idle for 30 minutes (or its member no longer opens the console). */
export async function resumeSession(input: Ctx & { sessionToken: string }): Promise<SessionLookup> {
  const now = input.deps.clock.now();
  const session = await repo.findOpenSession(input.tx, tokenHash(input.sessionToken));
  if (!session) return { kind: 'none' };
  if (isIdle(session.lastSeenAt, now)) {
    await repo.endSession(input.tx, session.id, now);
    return { kind: 'idle' };
  }
  const grants = await loadGrants(input.tx, session.memberId);
  if (!opensConsole(grants)) {
    await repo.endSession(input.tx, session.id, now);
    return { kind: 'none' };
  }
  await repo.touchSession(input.tx, session.id, now);
  const county = grants.some((g) => g.role === 'county_staff' || g.role === 'admin');
  const districtCodes = [
    ...new Set(grants.flatMap((g) => (g.role === 'district_staff' && g.districtCode ? [g.districtCode] : []))),
  ];
  const villageIds = [
    ...new Set(grants.flatMap((g) => (g.role === 'village_head' && g.villageId ? [g.villageId] : []))),
  ];
  const [dNames, vNames] = await Promise.all([repo.districtNames(input.tx), repo.villageNames(input.tx)]);
  const label = grants
    .map((g) => {
      const where =
        g.role === 'village_head'
          ? vNames.get(g.villageId ?? -1)
          : g.role === 'district_staff'
            ? dNames.get(g.districtCode ?? '')
            : '';
      return [where, ROLE_LABEL[g.role]].filter(Boolean).join(' ');
    })
    .filter((v, i, all) => all.indexOf(v) === i)
    .join(', ');
  return {
    kind: 'open',
    viewer: {
      sessionId: session.id,
      memberId: session.memberId,
      csrf: session.csrf,
      grants,
      roles: [...new Set(grants.map((g) => g.role))],
      scope: { county, districtCodes, villageIds },
      label,
    },
  };
}

export async function endSession(input: Ctx & { sessionId: number }): Promise<void> {
  await repo.endSession(input.tx, input.sessionId, input.deps.clock.now());
}

export { IDLE_MS, LINK_TTL_MS };
