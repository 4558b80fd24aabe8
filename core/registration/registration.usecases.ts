import type { DbOrTx } from '../../db/db.client.ts';
import { openAppointmentRoles } from '../admin/appointments.ts';
import type { CoreDeps } from '../core.deps.ts';
import { approvalRequest, CONSENT_VERSION } from './registration.copy.ts';
import * as repo from './registration.repository.ts';
import type { Place } from './registration.repository.ts';
import { findApprovers, sendApprovalRequests, type Notice, type RequestReach } from './registration.request.ts';

/**
 * What an applicant does: read the places to choose from, check a number, submit. Each usecase takes one object
 * and returns a named result; the approval request to the approvers is written to the outbox here, in the
 * caller's transaction, and returned as `notices`, so that no entry point can leave the approvers unasked.
 */
export type { Notice, Place, RequestReach };

type Ctx = { tx: DbOrTx; deps: CoreDeps };

/** What the consent step names: the county. */
export async function registrationIntro(input: { tx: DbOrTx }): Promise<{ kind: 'intro'; countyName: string | null }> {
  return { kind: 'intro', countyName: await repo.countyName(input.tx) };
}

export type District = { code: string; nameKo: string };

/** The districts to choose from, in the county's order. */
export async function listDistricts(input: { tx: DbOrTx }): Promise<{ kind: 'districts'; districts: District[] }> {
  return { kind: 'districts', districts: await repo.listDistricts(input.tx) };
}

export type ListVillagesResult = { kind: 'villages'; district: District; villages: Place[] } | { kind: 'not_found' };

/** A district's villages, by name. */
export async function listVillages(input: { tx: DbOrTx; districtCode: string }): Promise<ListVillagesResult> {
  const district = (await repo.listDistricts(input.tx)).find((d) => d.code === input.districtCode);
  if (!district) return { kind: 'not_found' };
  return { kind: 'villages', district, villages: await repo.listVillagesOf(input.tx, district.code) };
}

/** Is this number already registered (pending or approved) to someone else? Compared by blind index only. */
export async function checkMobileFree(
  input: Ctx & { memberId: number; mobile: string },
): Promise<{ kind: 'free' } | { kind: 'taken' }> {
  const taken = await repo.mobileHeldByOther(input.tx, input.deps.cipher.blindIndex(input.mobile), input.memberId);
  return { kind: taken ? 'taken' : 'free' };
}

export type SubmitResult =
  | {
      kind: 'submitted';
      registrationId: number;
      villageName: string;
      districtName: string;
      approverIds: number[];
      reach: RequestReach;
      notices: Notice[];
    }
  | { kind: 'already_active'; status: 'pending' | 'approved' }
  | { kind: 'mobile_taken' }
  | { kind: 'unknown_village' };

/**
 * The registration, pending, and its approval request to whoever decides it (the village's heads; district or
 * county staff where there are none or the number carries an appointment). Name and number are stored encrypted.
 */
export async function submitRegistration(
  input: Ctx & { memberId: number; consentedAt: Date; realName: string; mobile: string; villageId: number },
): Promise<SubmitResult> {
  const { tx, deps } = input;
  const place = await repo.villageWithDistrict(tx, input.villageId);
  if (!place) return { kind: 'unknown_village' };
  const status = await repo.openRegistrationStatus(tx, input.memberId);
  if (status) return { kind: 'already_active', status };
  const mobileHash = deps.cipher.blindIndex(input.mobile);
  if (await repo.mobileHeldByOther(tx, mobileHash, input.memberId)) return { kind: 'mobile_taken' };
  const now = deps.clock.now();
  const registrationId = await repo.insertRegistration(tx, {
    memberId: input.memberId,
    consentVersion: CONSENT_VERSION,
    consentedAt: input.consentedAt,
    realName: input.realName,
    mobileEnc: deps.cipher.encrypt(input.mobile),
    mobileHash,
    villageId: input.villageId,
    createdAt: now,
  });
  const approverIds = await findApprovers(tx, {
    villageId: input.villageId,
    districtCode: place.districtCode,
    applicantId: input.memberId,
    appointed: await openAppointmentRoles(tx, mobileHash),
  });
  const request = approvalRequest({
    registrationId,
    name: input.realName,
    mobile: input.mobile,
    villageName: place.villageName,
    districtName: place.districtName,
  });
  const sent = await sendApprovalRequests(tx, deps, {
    registrationId,
    applicantId: input.memberId,
    approverIds,
    villageId: input.villageId,
    request,
  });
  return {
    kind: 'submitted',
    registrationId,
    villageName: place.villageName,
    districtName: place.districtName,
    approverIds,
    ...sent,
  };
}
