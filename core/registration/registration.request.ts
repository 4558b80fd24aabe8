import type { DbOrTx } from '../../db/db.client.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { quietUntil } from '../delivery/quiet.hours.ts';
import { approversByTier, approversWindowsAndRoles } from './registration.repository.ts';
import { approverKind, approverRolesFor, firstReach, type Approver } from './registration.rules.ts';
import type { RoleName } from './registration.repository.ts';

/**
 * What the registration feature tells people other than the one acting: the approval request to the approvers,
 * the decision to the applicant. Written to the outbox in the caller's transaction, listed as `Notice`s.
 */
export type Notice = { to: 'approver' | 'applicant'; memberId: number; messages: OutboundMessage[] };

export type RequestReach = {
  /** How many approvers the request was queued for (an approver with no reachable chat gets nothing). */
  queued: number;
  /** When the first of them gets it: null for "now"; else the end of their quiet hours. */
  at: Date | null;
  /** Who decides it: the village's head, else district or county staff (no head, or the number is appointed). */
  approver: Approver;
};

/**
 * Who decides a registration: the village's head(s); where the village has none, the district's staff; where the
 * district has none either, county staff. Never the applicant themself. A number that carries an appointment skips
 * the tiers that may not grant it (mayDecideAppointed): a roster head's request goes to district staff.
 */
export function findApprovers(
  tx: DbOrTx,
  input: { villageId: number; districtCode: string; applicantId: number; appointed: readonly RoleName[] },
): Promise<number[]> {
  const allowed = approverRolesFor(input.appointed);
  const tiers: RoleName[][] = [['village_head'], ['district_staff'], ['county_staff', 'admin']];
  return approversByTier(tx, { ...input, tiers: tiers.map((t) => t.filter((r) => allowed.includes(r))) });
}

/**
 * Sends the approval request to each approver, and says when it will reach the first of them: a request at night
 * is held for the approver's quiet hours, and the resident is told so. The hold is the delivery's own rule
 * (`quietUntil`, the approver's window), the same one `enqueueToMember` applies when it queues the message.
 */
export async function sendApprovalRequests(
  tx: DbOrTx,
  deps: CoreDeps,
  input: {
    registrationId: number;
    applicantId: number;
    approverIds: readonly number[];
    villageId: number;
    request: OutboundMessage;
  },
): Promise<{ reach: RequestReach; notices: Notice[] }> {
  const ids = [...input.approverIds];
  if (ids.length === 0) return { reach: { queued: 0, at: null, approver: 'head' }, notices: [] };
  const now = deps.clock.now();
  const { windows, held } = await approversWindowsAndRoles(tx, ids);
  const notices: Notice[] = [];
  const holds: (Date | null)[] = [];
  for (const approverId of ids) {
    const sent = await enqueueToMember(tx, deps, {
      memberId: approverId,
      messages: [input.request],
      purpose: 'registration.request',
      // A withdrawal or a decision deletes what is still held about the applicant: found by aboutMemberId.
      aboutMemberId: input.applicantId,
      dedupeKey: `registration:${input.registrationId}:request:${approverId}`,
    });
    if (!sent) continue;
    notices.push({ to: 'approver', memberId: approverId, messages: [input.request] });
    const w = windows.find((r) => r.id === approverId);
    holds.push(w ? quietUntil(now, { start: w.start, end: w.end }, deps.timezone) : null);
  }
  return {
    reach: { queued: notices.length, at: firstReach(holds), approver: approverKind(held, input.villageId) },
    notices,
  };
}

/** The decision, to the applicant, on the platform they used last (after their quiet hours). */
export async function tellApplicant(
  tx: DbOrTx,
  deps: CoreDeps,
  input: { registrationId: number; memberId: number; decision: 'approved' | 'rejected'; message: OutboundMessage },
): Promise<Notice[]> {
  const sent = await enqueueToMember(tx, deps, {
    memberId: input.memberId,
    messages: [input.message],
    purpose: `registration.${input.decision}`,
    // A registration is decided once: its decision is one message.
    dedupeKey: `registration:${input.registrationId}:${input.decision}`,
  });
  return sent ? [{ to: 'applicant', memberId: input.memberId, messages: [input.message] }] : [];
}
