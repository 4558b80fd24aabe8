import type { DbOrTx } from '../../db/db.client.ts';
import type { CoreDeps } from '../core.deps.ts';
import { deleteUnsentToOrAbout, eraseRepliesNaming, eraseSentBodiesOf } from '../delivery/outbox.erase.ts';
import { releaseRolesOf } from '../admin/appointments.ts';
import { erasePhoneData } from '../phone/phone.consent.usecases.ts';
import { forgetProposerOf } from '../votes/votes.withdrawal.usecases.ts';
import { releaseSeatsOf } from '../workshops/workshop.release.ts';
import { reclaimAfterWithdrawal } from './withdrawal.reclaim.ts';
import * as repo from './withdrawal.repository.ts';

export type WithdrawalResult = {
  kind: 'withdrawn';
  /** Registrations whose name and number were erased. */
  erased: number;
  /** True when a registration still waiting for its approver was cancelled. */
  cancelledPending: boolean;
  /** Messages to or about the person that had not gone out, deleted. */
  unsentDeleted: number;
  /** Places in coming workshops (confirmed or waitlisted) given up. */
  releasedSeats: number;
  /** Members moved from a waitlist into the places the person gave up: they are told so (workshop.release.ts). */
  promoted: number[];
};

/**
 * 탈퇴, in the caller's transaction: the registration is marked withdrawn (a pending one is thereby cancelled) and
 * its name and number erased; every copy of what the person typed (dialogs, stored inbound events, feedback) and
 * their platform nickname go; every message to or about them that has not gone out is deleted (an approval request
 * naming them, held for a head's quiet hours; broadcasts queued for them), the bodies of those that went out are
 * cleared; their places in coming workshops are released to the waitlist (those promoted are told). The table pages
 * are reclaimed after the commit (withdrawal.reclaim.ts), whichever entry point withdrew the person. Roles end (their
 * appointments wait for the number again). Staff answers to their feedback stay: they are the county's.
 */
export async function withdrawMember(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  memberId: number;
}): Promise<WithdrawalResult> {
  const { tx, deps, memberId } = input;
  const now = deps.clock.now();
  const active = await repo.lockOpenRegistrations(tx, memberId);
  const named = await repo.namedRegistrations(tx, memberId);
  const erased = await repo.eraseRegistrations(tx, memberId, now);
  await repo.markWithdrawn(
    tx,
    active.map((r) => r.id),
  );
  await repo.eraseTypedCopies(tx, memberId);

  const unsentDeleted = await deleteUnsentToOrAbout(tx, memberId);
  await eraseSentBodiesOf(tx, memberId);
  for (const registration of named)
    await eraseRepliesNaming(tx, deps.cipher, {
      name: registration.realName ?? '',
      since: registration.createdAt,
      recipientIds: await repo.whoCouldSeeTheName(tx, registration),
    });
  await repo.eraseFeedbackOf(tx, memberId);
  // The phone identity (the number's blind index), consent and per-message records (issue 17).
  await erasePhoneData({ tx, memberId });
  await forgetProposerOf({ tx, memberId });
  // A head or official who leaves keeps no role: nothing of the village stays reachable to them.
  await releaseRolesOf(tx, memberId);

  // Last: the promotion messages it writes are to other people and must not be caught by the deletions above.
  const seats = await releaseSeatsOf({ tx, deps, memberId });
  // After this transaction ends, whoever called: the old row versions leave the embedded database's table files.
  reclaimAfterWithdrawal(deps.db, deps.logger);
  return {
    kind: 'withdrawn',
    erased,
    cancelledPending: active.some((r) => r.status === 'pending'),
    unsentDeleted,
    releasedSeats: seats.released,
    promoted: seats.promoted,
  };
}
