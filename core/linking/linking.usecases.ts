import { randomInt } from 'node:crypto';
import type { DbOrTx } from '../../db/db.client.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue } from '../delivery/outbox.write.ts';
import { josa } from '../text/korean.text.ts';
import { type ActiveRegistration, loadActiveRegistration, loadGrants } from '../members/member.resolve.ts';
import { mergeMembers } from './linking.merge.ts';
import * as repo from './linking.repository.ts';
import {
  chooseKeeper,
  CODE_DIGITS,
  expiresAt,
  formatCode,
  hourAgo,
  linkedByCode,
  platformLabel,
  reorder,
  WRONG_PER_CODE,
  WRONG_PER_IDENTITY_PER_HOUR,
} from './linking.rules.ts';

/**
 * 연결: one person's accounts on several platforms become one member. Each usecase takes one object and returns a
 * named result; no one else is told (it concerns only the person's own accounts) — but the chat where a code was
 * shown hears that it was used — and everything happens in the caller's transaction, so a link is whole or not at all.
 */
type Ctx = { tx: DbOrTx; deps: CoreDeps };

/** The person as the conversation knows them: who they are after the change (the turn's actor follows it). */
export type Becomes = { memberId: number; grants: RoleGrant[]; registration: ActiveRegistration | null };

export type IssueResult = { kind: 'issued'; code: string; expiresAt: Date };

/** A new code for this member, shown once; only its keyed hash is kept. A member's earlier code lapses. */
export async function issueLinkCode(input: Ctx & { memberId: number; identityId: number }): Promise<IssueResult> {
  const now = input.deps.clock.now();
  for (let attempt = 1; ; attempt++) {
    if (attempt > 20) throw new Error('no free link code after 20 draws');
    const code = formatCode(randomInt(0, 10 ** CODE_DIGITS));
    const stored = await repo.replaceCode(input.tx, {
      memberId: input.memberId,
      identityId: input.identityId,
      codeHash: codeHash(input.deps, code),
      now,
      expiresAt: expiresAt(now),
    });
    // A collision with another person's live code (about one in 10^6 per live code): draw again.
    if (stored) return { kind: 'issued', code, expiresAt: expiresAt(now) };
  }
}

export type RedeemResult =
  | { kind: 'linked'; becomes: Becomes; platforms: string[] }
  | { kind: 'wrong'; left: number }
  | { kind: 'limited' }
  | { kind: 'expired' }
  | { kind: 'same_member' }
  | { kind: 'both_registered' };

/**
 * The code typed on another platform: the member who was shown it and the one typing become one — the one that holds
 * the registration keeps everything (linking.rules.ts `chooseKeeper`). Wrong codes are counted per account (an hour)
 * and against every live code.
 */
export async function redeemLinkCode(
  input: Ctx & { actor: { memberId: number; identityId: number; platform: string }; code: string },
): Promise<RedeemResult> {
  const { tx, deps, actor } = input;
  const now = deps.clock.now();
  const since = hourAgo(now);
  if ((await repo.wrongSince(tx, actor.identityId, since)) >= WRONG_PER_IDENTITY_PER_HOUR) return { kind: 'limited' };
  const hash = codeHash(deps, input.code);
  const code = await repo.liveCode(tx, hash, now);
  if (!code) {
    if (await repo.takeExpiredCode(tx, hash, now)) return { kind: 'expired' };
    await repo.recordWrong(tx, actor.identityId, now, since);
    await repo.countWrongOnLiveCodes(tx, now, WRONG_PER_CODE);
    const used = await repo.wrongSince(tx, actor.identityId, since);
    return used >= WRONG_PER_IDENTITY_PER_HOUR
      ? { kind: 'limited' }
      : { kind: 'wrong', left: WRONG_PER_IDENTITY_PER_HOUR - used };
  }
  // Typed where it was shown, or from an account already linked: nothing to join (the code stays for the other one).
  if (code.memberId === actor.memberId) return { kind: 'same_member' };
  await repo.lockMembers(tx, [code.memberId, actor.memberId]);
  const decision = chooseKeeper(await repo.memberFacts(tx, code.memberId), await repo.memberFacts(tx, actor.memberId));
  if (decision.kind === 'both_registered') {
    await repo.deleteCode(tx, code.id);
    return { kind: 'both_registered' };
  }
  await mergeMembers(tx, decision.absorb, decision.keep);
  await tellWhereTheCodeWasShown(input, { codeId: code.id, identityId: code.identityId, memberId: decision.keep });
  const platforms = (await repo.identitiesOf(tx, decision.keep)).map((i) => i.platform);
  return { kind: 'linked', becomes: await becomes(tx, decision.keep), platforms };
}

export type UnlinkResult =
  | { kind: 'unlinked'; platform: string; detachedMemberId: number; actorBecomes: Becomes | null }
  | { kind: 'only_one' }
  | { kind: 'not_found' };

/**
 * One account leaves the member (`identityId`, default: the one writing) and becomes a member of its own, unregistered:
 * the registration, roles and everything else stay with the accounts that remain. The last account cannot leave.
 */
export async function unlinkIdentity(
  input: Ctx & { actor: { memberId: number; identityId: number }; identityId?: number | undefined },
): Promise<UnlinkResult> {
  const { tx, actor } = input;
  const target = input.identityId ?? actor.identityId;
  await repo.lockMembers(tx, [actor.memberId]);
  const linked = (await repo.identitiesOf(tx, actor.memberId)).filter((i) => linkedByCode(i.platform));
  const leaving = linked.find((i) => i.id === target);
  if (!leaving) return { kind: 'not_found' };
  if (linked.length < 2) return { kind: 'only_one' };
  const detachedMemberId = await repo.detachIdentity(tx, target);
  return {
    kind: 'unlinked',
    platform: leaving.platform,
    detachedMemberId,
    actorBecomes: target === actor.identityId ? await becomes(tx, detachedMemberId) : null,
  };
}

export type LinkedIdentity = { id: number; platform: string };

/** The member's accounts, first platform first (core/members/identity.order.ts). */
export async function listLinked(input: { tx: DbOrTx; memberId: number }): Promise<{
  kind: 'linked';
  identities: LinkedIdentity[];
}> {
  const rows = await repo.identitiesOf(input.tx, input.memberId);
  return { kind: 'linked', identities: rows.map((r) => ({ id: r.id, platform: r.platform })) };
}

/** 설정: this account first, the others after it as they were. */
export async function chooseFirstPlatform(input: {
  tx: DbOrTx;
  memberId: number;
  identityId: number;
}): Promise<{ kind: 'ordered'; identities: LinkedIdentity[] } | { kind: 'not_found' }> {
  const rows = await repo.identitiesOf(input.tx, input.memberId);
  if (!rows.some((r) => r.id === input.identityId)) return { kind: 'not_found' };
  await repo.saveRanks(
    input.tx,
    reorder(
      rows.map((r) => r.id),
      input.identityId,
    ),
  );
  const { identities } = await listLinked({ tx: input.tx, memberId: input.memberId });
  return { kind: 'ordered', identities };
}

/**
 * The chat the code was shown in hears that another account joined: whoever saw the code over a shoulder and linked
 * their own account is noticed there, and one command undoes it. A reply-like message: it stays in that chat.
 */
async function tellWhereTheCodeWasShown(
  input: Ctx & { actor: { platform: string } },
  code: { codeId: number; identityId: number; memberId: number },
): Promise<void> {
  const shownTo = await repo.identityAddress(input.tx, code.identityId);
  if (!shownTo) return;
  const joined = platformLabel(input.actor.platform);
  await enqueue(input.tx, input.deps, {
    dedupeKey: `link:${code.codeId}:shown`,
    to: { platform: shownTo.platform, type: 'direct', id: shownTo.platformUserId },
    memberId: code.memberId,
    purpose: 'reply',
    messages: [
      {
        text: `${joined} 계정이 연결되었습니다. 직접 하신 것이 아니라면 여기서 ${josa(`"연결 끊기 ${joined}"`, '을/를')} 보내 주세요.`,
      },
    ],
  });
}

function codeHash(deps: CoreDeps, code: string): string {
  return deps.cipher.blindIndex(`link-code:${code}`);
}

async function becomes(tx: DbOrTx, memberId: number): Promise<Becomes> {
  const grants = await loadGrants(tx, memberId);
  return { memberId, grants, registration: await loadActiveRegistration(tx, memberId) };
}
