import type { DbOrTx } from '../../db/db.client.ts';
import type { CoreDeps } from '../core.deps.ts';
import type { PhoneMode } from './phone.rules.ts';
import * as repo from './phone.repository.ts';

export type PhoneConsentResult =
  | { kind: 'saved'; mode: PhoneMode }
  /** No registration holds a number for this member: nothing to send to. */
  | { kind: 'no_number' };

/**
 * Consent to phone delivery (registration's consent line, 설정, 대신 등록): the number becomes a phone identity only
 * while it holds; 받지 않기 removes the identity, so no path (broadcast, fallback, a message to the member) can reach
 * the phone. The identity's id is the number's blind index; the number stays in the registration, encrypted.
 */
export async function setPhoneConsent(input: {
  tx: DbOrTx;
  deps: Pick<CoreDeps, 'clock'>;
  memberId: number;
  mode: PhoneMode;
  source: 'registration' | 'settings' | 'proxy';
}): Promise<PhoneConsentResult> {
  const { tx, memberId, mode } = input;
  const mobile = await repo.activeMobileOf(tx, memberId);
  if (!mobile && mode !== 'none') return { kind: 'no_number' };
  await repo.saveConsent(tx, { memberId, mode, source: input.source, now: input.deps.clock.now() });
  if (mode === 'none' || !mobile) await repo.removePhoneIdentity(tx, memberId);
  else await repo.ensurePhoneIdentity(tx, memberId, mobile.mobileHash);
  return { kind: 'saved', mode };
}

/** The member's phone choice as 설정 shows it: none when never given or opted out. */
export async function phoneConsentOf(input: { tx: DbOrTx; memberId: number }): Promise<PhoneMode> {
  const consent = await repo.consentOf(input.tx, input.memberId);
  return consent && !consent.optedOutAt ? consent.mode : 'none';
}

/**
 * `거부` (a reply by SMS, or the provider's opt-out list): phone delivery to the number stops at once, and a
 * registration a head made for the person (대신 등록) is withdrawn, since they said no to it.
 */
export async function optOutMembers(input: { tx: DbOrTx; deps: Pick<CoreDeps, 'clock'>; memberIds: number[] }) {
  await repo.markOptedOut(input.tx, input.memberIds, input.deps.clock.now());
  for (const memberId of input.memberIds) await repo.removePhoneIdentity(input.tx, memberId);
  return { kind: 'opted_out' as const, members: input.memberIds.length };
}

/** 탈퇴: everything the phone channel kept about the person. */
export async function erasePhoneData(input: { tx: DbOrTx; memberId: number }): Promise<void> {
  await repo.erasePhoneDataOf(input.tx, input.memberId);
}
