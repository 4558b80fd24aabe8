import { can, type RoleGrant } from '../auth/authz.policy.ts';
import type { DbOrTx } from '../../db/db.client.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { optOutMembers, setPhoneConsent } from '../phone/phone.consent.usecases.ts';
import { CONSENT_VERSION } from './registration.copy.ts';
import { villageWithDistrict } from './registration.repository.ts';
import { checkMobile } from './registration.validate.ts';
import { withdrawMember } from './withdrawal.usecases.ts';
import * as repo from './registration.proxy.repository.ts';
import { PROXY_CONSENT_VERSION_SUFFIX, proxyScope, proxyWelcomeText } from './registration.proxy.rules.ts';

export type ProxyVillage = { id: number; nameKo: string; districtCode: string; districtName: string };

/** The villages this person may register residents of: a head's own, staff's scope. */
export async function proxyVillages(input: { tx: DbOrTx; grants: readonly RoleGrant[] }): Promise<ProxyVillage[]> {
  return repo.villagesWithin(input.tx, proxyScope(input.grants));
}

export type ProxyCheck = { kind: 'free' } | { kind: 'taken' } | { kind: 'appointed' };

/** Before asking further: is the number free (not registered, and not one the office appoints a role to)? */
export async function checkProxyNumber(input: {
  tx: DbOrTx;
  deps: Pick<CoreDeps, 'cipher'>;
  mobile: string;
}): Promise<ProxyCheck> {
  const used = await repo.numberInUse(input.tx, input.deps.cipher.blindIndex(input.mobile));
  return used === 'registered' ? { kind: 'taken' } : used === 'appointed' ? { kind: 'appointed' } : { kind: 'free' };
}

export type ProxyRegisterResult =
  | { kind: 'registered'; registrationId: number; memberId: number; villageName: string; smsQueued: boolean }
  | { kind: 'forbidden' }
  | { kind: 'unknown_village' }
  | { kind: 'taken' }
  | { kind: 'appointed' }
  | { kind: 'no_form' };

/**
 * 대신 등록: the resident's registration, approved as it is made (the head is the approver), the head's confirmation
 * that the signed consent form is held (who and when: proxy_registrations), consent to the phone (text, or text and
 * calls), the phone identity, and an SMS to the resident saying so, by whom, and how to stop.
 */
export async function registerByProxy(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  actor: { memberId: number; grants: readonly RoleGrant[]; label: string };
  realName: string;
  mobile: string;
  villageId: number;
  mode: 'sms' | 'voice';
  formHeld: boolean;
  confirmedAt: Date;
}): Promise<ProxyRegisterResult> {
  const { tx, deps } = input;
  if (!input.formHeld) return { kind: 'no_form' };
  const place = await villageWithDistrict(tx, input.villageId);
  if (!place) return { kind: 'unknown_village' };
  if (!can(input.actor.grants, 'registration.decide', { villageId: input.villageId, districtCode: place.districtCode }))
    return { kind: 'forbidden' };
  const checked = await checkProxyNumber({ tx, deps, mobile: input.mobile });
  if (checked.kind !== 'free') return { kind: checked.kind };
  const now = deps.clock.now();
  const { memberId, registrationId } = await repo.insertProxyRegistration(tx, {
    consentVersion: `${CONSENT_VERSION}${PROXY_CONSENT_VERSION_SUFFIX}`,
    realName: input.realName,
    mobileEnc: deps.cipher.encrypt(input.mobile),
    mobileHash: deps.cipher.blindIndex(input.mobile),
    villageId: input.villageId,
    registeredBy: input.actor.memberId,
    confirmedAt: input.confirmedAt,
    now,
  });
  await setPhoneConsent({ tx, deps, memberId, mode: input.mode, source: 'proxy' });
  const text = proxyWelcomeText({
    countyName: (await repo.countyName(tx)) ?? '군청',
    residentName: input.realName,
    villageName: place.villageName,
    byLabel: input.actor.label,
    voice: input.mode === 'voice',
  });
  const smsQueued = await enqueueToMember(tx, deps, {
    memberId,
    messages: [{ text }],
    purpose: 'registration.proxy',
    dedupeKey: `registration:${registrationId}:proxy-welcome`,
  });
  return { kind: 'registered', registrationId, memberId, villageName: place.villageName, smsQueued };
}

export type ProxyWithdrawResult = { kind: 'withdrawn' } | { kind: 'not_found' } | { kind: 'forbidden' };

/** 대신 탈퇴: a head (or staff of the scope) withdraws a resident they registered for: erased as by the resident's 탈퇴. */
export async function withdrawByProxy(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  grants: readonly RoleGrant[];
  registrationId: number;
}): Promise<ProxyWithdrawResult> {
  const found = await repo.proxyRegistrationById(input.tx, input.registrationId);
  if (!found) return { kind: 'not_found' };
  if (!can(input.grants, 'registration.decide', { villageId: found.villageId, districtCode: found.districtCode }))
    return { kind: 'forbidden' };
  await withdrawMember({ tx: input.tx, deps: input.deps, memberId: found.memberId });
  return { kind: 'withdrawn' };
}

/**
 * `거부` from a number (a reply to the county's number): phone delivery to it stops; a registration a head made for
 * that person is withdrawn and erased, since they said no to it. Nothing tells who is behind a number that is unknown.
 */
export async function optOutByReply(input: {
  deps: CoreDeps;
  from: string;
}): Promise<{ kind: 'opted_out' | 'unknown' }> {
  const mobile = checkMobile(input.from);
  if (!mobile.ok) return { kind: 'unknown' };
  const { deps } = input;
  return deps.db.transaction(async (tx) => {
    const found = await repo.memberByNumber(tx, deps.cipher.blindIndex(mobile.value));
    if (!found) return { kind: 'unknown' as const };
    await optOutMembers({ tx, deps, memberIds: [found.memberId] });
    if (found.byProxy) await withdrawMember({ tx, deps, memberId: found.memberId });
    return { kind: 'opted_out' as const };
  });
}
