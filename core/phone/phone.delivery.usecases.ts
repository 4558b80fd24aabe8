import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import type { PhoneKind } from '../../db/schema/phone.schema.ts';
import { optOutMembers } from './phone.consent.usecases.ts';
import * as repo from './phone.repository.ts';

/**
 * What the phone sender asks of the core: the numbers behind phone identities (only while consent holds), which
 * recipients a retried request reached already, and recording what the provider took. The sender translates; the
 * core decides who may be reached.
 */
export type PhoneTarget = { recipient: string; memberId: number; mobile: string };

export type PreparedSend = {
  kind: 'prepared';
  targets: PhoneTarget[];
  /** Accepted under this key before (a retry): reached, not sent again. */
  already: string[];
  /** No consent in force (never given, 받지 않기, 거부) or no number: never sent. */
  refused: string[];
};

export async function prepareSend(input: {
  deps: Pick<CoreDeps, 'db' | 'cipher'>;
  retryKey: string;
  recipients: string[];
}): Promise<PreparedSend> {
  const { deps } = input;
  const already = await repo.acceptedUnder(deps.db, input.retryKey);
  const open = input.recipients.filter((r) => !already.has(r));
  const found = new Map((await repo.consentedNumbers(deps.db, open)).map((n) => [n.recipient, n]));
  const targets: PhoneTarget[] = [];
  const refused: string[] = [];
  for (const recipient of open) {
    const n = found.get(recipient);
    if (n) targets.push({ recipient, memberId: n.memberId, mobile: deps.cipher.decrypt(n.mobileEnc) });
    else refused.push(recipient);
  }
  return { kind: 'prepared', targets, already: input.recipients.filter((r) => already.has(r)), refused };
}

/** What the provider took and refused, stored in one transaction; numbers on its opt-out list stop phone delivery. */
export async function recordSend(input: {
  deps: Pick<CoreDeps, 'db' | 'cipher' | 'clock'>;
  retryKey: string;
  kind: PhoneKind;
  groupId: string;
  messages: OutboundMessage[];
  /** False for an extra copy beside a chat delivery: a failure then falls back nowhere. */
  fallsBack: boolean;
  accepted: { target: PhoneTarget; messageId: string }[];
  refused: { target: PhoneTarget; code: string; optedOut: boolean }[];
}): Promise<{ kind: 'recorded' }> {
  const { deps } = input;
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await repo.insertSend(tx, {
      retryKey: input.retryKey,
      kind: input.kind,
      groupId: input.groupId,
      messagesEnc: deps.cipher.encrypt(JSON.stringify(input.messages)),
      fallsBack: input.fallsBack,
      now,
      messages: input.accepted.map((a) => ({
        recipient: a.target.recipient,
        memberId: a.target.memberId,
        providerMessageId: a.messageId,
        status: 'accepted' as const,
      })),
    });
    const optedOut = input.refused.filter((r) => r.optedOut).map((r) => r.target.memberId);
    if (optedOut.length) await optOutMembers({ tx, deps, memberIds: optedOut });
  });
  return { kind: 'recorded' };
}

export type CallToPlace =
  | { kind: 'ready'; callId: number; target: PhoneTarget }
  /** Placed before (a retry of its delivery): the provider has it; it is not placed twice. */
  | { kind: 'placed' }
  | { kind: 'refused'; reason: string };

/** A broadcast's call: its resident's number while consent holds (a 거부 since it was queued stops it). */
export async function callToPlace(input: {
  deps: Pick<CoreDeps, 'db' | 'cipher' | 'clock'>;
  callId: number;
}): Promise<CallToPlace> {
  const { deps } = input;
  const call = await repo.callById(deps.db, input.callId);
  if (!call || call.memberId === null) return { kind: 'refused', reason: 'call withdrawn' };
  if (call.providerMessageId) return { kind: 'placed' };
  const mobile = await repo.activeMobileOf(deps.db, call.memberId);
  const [n] = mobile ? await repo.consentedNumbers(deps.db, [mobile.mobileHash]) : [];
  if (!n || n.mode !== 'voice') {
    await repo.settleCall(deps.db, { where: { callId: call.id }, status: 'failed', now: deps.clock.now() });
    return { kind: 'refused', reason: 'no consent to calls' };
  }
  return {
    kind: 'ready',
    callId: call.id,
    target: { recipient: n.recipient, memberId: n.memberId, mobile: deps.cipher.decrypt(n.mobileEnc) },
  };
}

export async function recordCallPlaced(input: {
  deps: Pick<CoreDeps, 'db' | 'clock'>;
  callId: number;
  groupId: string;
  messageId: string;
}): Promise<void> {
  await repo.markCallPlaced(input.deps.db, { ...input, now: input.deps.clock.now() });
}
