import type { DbOrTx } from '../../db/db.client.ts';
import type { AuditVia } from '../../db/schema/audit.schema.ts';
import { recordAudit } from '../audit/audit.usecases.ts';
import { claimAppointments, openAppointmentRoles, openAppointments } from '../admin/appointments.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
import type { CoreDeps } from '../core.deps.ts';
import { deleteHeldApprovalRequests } from '../delivery/outbox.erase.ts';
import { approvedNotice, rejectedNotice } from './registration.copy.ts';
import * as repo from './registration.repository.ts';
import type { PendingRegistration } from './registration.repository.ts';
import { tellApplicant, type Notice } from './registration.request.ts';
import { appointmentDecidedBy, mayDecideAppointed } from './registration.rules.ts';

/**
 * What an approver (a village head, district or county staff) does with registrations: list those waiting, decide
 * one. The applicant is told the decision here, in the caller's transaction, and the notice is in the result.
 */
export type { Notice, PendingRegistration };

type Decider = { memberId: number; grants: readonly RoleGrant[] };

/** Pending registrations that this decider may decide, oldest first (never their own). */
export async function listDecidable(input: {
  tx: DbOrTx;
  decider: Decider;
}): Promise<{ kind: 'listed'; pending: PendingRegistration[] }> {
  const { tx, decider } = input;
  const rows = await repo.listPending(tx);
  const appointed = await openAppointments(
    tx,
    rows.flatMap((r) => (r.mobileHash ? [r.mobileHash] : [])),
  );
  const pending = rows.filter(
    (r) =>
      r.memberId !== decider.memberId &&
      mayDecideAppointed(decider.grants, (r.mobileHash && appointed.get(r.mobileHash)) || [], {
        villageId: r.villageId,
        districtCode: r.districtCode,
      }),
  );
  return { kind: 'listed', pending };
}

export type DecideResult =
  | { kind: 'decided'; decision: 'approved' | 'rejected'; registration: PendingRegistration; notices: Notice[] }
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'own_registration' }
  | { kind: 'already_decided'; status: string }
  /** The number carries an appointment this decider may not grant: `decidedBy` says who decides it. */
  | { kind: 'appointment'; decidedBy: 'district' | 'county' };

/**
 * 승인 / 거절: the registration decided once, the roles appointed to its number granted on approval, the other
 * approvers' requests still held withdrawn, and the applicant told (with the reason of a rejection).
 */
export async function decideRegistration(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  decider: Decider;
  registrationId: number;
  decision: 'approved' | 'rejected';
  reason?: string;
  /** For 기록 (the audit log): chat unless the console says so. */
  via?: AuditVia;
}): Promise<DecideResult> {
  const { tx, deps, decider } = input;
  const row = await repo.lockRegistration(tx, input.registrationId);
  if (!row) return { kind: 'not_found' };
  const target = { villageId: row.villageId, districtCode: row.districtCode };
  if (!can(decider.grants, 'registration.decide', target)) return { kind: 'forbidden' };
  if (row.memberId === decider.memberId) return { kind: 'own_registration' };
  if (row.status !== 'pending') return { kind: 'already_decided', status: row.status };
  const appointed = await openAppointmentRoles(tx, row.mobileHash);
  if (!mayDecideAppointed(decider.grants, appointed, target))
    return { kind: 'appointment', decidedBy: appointmentDecidedBy(appointed) };
  const now = deps.clock.now();
  await repo.saveDecision(tx, { id: row.id, status: input.decision, decidedBy: decider.memberId, decidedAt: now });
  await recordAudit(input, {
    actorMemberId: decider.memberId,
    action: input.decision === 'approved' ? 'registration.approve' : 'registration.reject',
    subject: `registration:${row.id}`,
    scope: target,
    via: input.via ?? 'chat',
  });
  if (input.decision === 'approved' && row.mobileHash)
    await claimAppointments(tx, { mobileHash: row.mobileHash, memberId: row.memberId, now });
  // The other approvers' requests still held for their quiet hours would ask about what is settled: withdrawn.
  await deleteHeldApprovalRequests(tx, row.memberId);
  const notices = await tellApplicant(tx, deps, {
    registrationId: row.id,
    memberId: row.memberId,
    decision: input.decision,
    message:
      input.decision === 'approved' ? approvedNotice(row.villageName) : rejectedNotice((input.reason ?? '').trim()),
  });
  return { kind: 'decided', decision: input.decision, registration: row, notices };
}
