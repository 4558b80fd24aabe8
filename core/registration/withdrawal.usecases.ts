import { and, eq, inArray, isNotNull, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  dialogStates,
  feedbackItems,
  feedbackMessages,
  identities,
  inboundEvents,
  registrations,
  roles,
  villages,
} from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { deleteUnsentToOrAbout, eraseRepliesNaming, eraseSentBodiesOf } from '../delivery/outbox.erase.ts';
import { releaseSeatsOf } from '../workshops/workshop.release.ts';

export type WithdrawalResult = {
  /** Registrations whose name and number were erased. */
  erased: number;
  /** True when a registration still waiting for its approver was cancelled. */
  cancelledPending: boolean;
  /** Messages to or about the person that had not gone out, deleted. */
  unsentDeleted: number;
  /** Places in coming workshops (confirmed or waitlisted) given up. */
  releasedSeats: number;
  /** Members moved from a waitlist into the places the person gave up. */
  promoted: number[];
};

/**
 * 탈퇴, in the caller's transaction: the registration is marked withdrawn (a pending one is thereby cancelled) and
 * its name and number erased; every copy of what the person typed (dialogs, stored inbound events, feedback) and
 * their platform nickname go; every message to or about them that has not gone out is deleted (an approval request
 * naming them, held for a head's quiet hours; broadcasts queued for them), the bodies of those that went out are
 * cleared; their places in coming workshops are released to the waitlist. The caller reclaims the table pages after
 * the commit (withdrawal.reclaim.ts). Staff answers to their feedback stay: they are the county's.
 */
export async function withdrawMember(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  memberId: number;
}): Promise<WithdrawalResult> {
  const { tx, deps, memberId } = input;
  const now = deps.clock.now();
  const active = await tx
    .select({ id: registrations.id, status: registrations.status })
    .from(registrations)
    .where(and(eq(registrations.memberId, memberId), inArray(registrations.status, ['pending', 'approved'])))
    .for('update');
  const named = await tx
    .select({
      realName: registrations.realName,
      createdAt: registrations.createdAt,
      villageId: registrations.villageId,
      districtCode: villages.districtCode,
    })
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .where(and(eq(registrations.memberId, memberId), isNotNull(registrations.realName)));
  const erased = await tx
    .update(registrations)
    .set({ realName: null, mobileEnc: null, mobileHash: null, withdrawnAt: now })
    .where(
      and(
        eq(registrations.memberId, memberId),
        or(isNotNull(registrations.realName), isNotNull(registrations.mobileEnc), isNotNull(registrations.mobileHash)),
      ),
    )
    .returning({ id: registrations.id });
  if (active.length > 0)
    await tx
      .update(registrations)
      .set({ status: 'withdrawn' })
      .where(
        inArray(
          registrations.id,
          active.map((r) => r.id),
        ),
      );

  const own = await tx
    .select({ id: identities.id, platform: identities.platform, platformUserId: identities.platformUserId })
    .from(identities)
    .where(eq(identities.memberId, memberId));
  for (const identity of own) {
    await tx.delete(dialogStates).where(eq(dialogStates.identityId, identity.id));
    await tx
      .update(inboundEvents)
      .set({ payloadEnc: null })
      .where(
        and(eq(inboundEvents.platform, identity.platform), eq(inboundEvents.platformUserId, identity.platformUserId)),
      );
  }
  // A display name is often the real name; the platform gives it again the next time they write.
  await tx.update(identities).set({ nickname: null }).where(eq(identities.memberId, memberId));

  const unsentDeleted = await deleteUnsentToOrAbout(tx, memberId);
  await eraseSentBodiesOf(tx, memberId);
  for (const registration of named)
    await eraseRepliesNaming(tx, deps.cipher, {
      name: registration.realName ?? '',
      since: registration.createdAt,
      recipientIds: await whoCouldSeeTheName(tx, registration),
    });

  await tx
    .update(feedbackItems)
    .set({ bodyEnc: null, attachmentsEnc: null, summaryEnc: null })
    .where(eq(feedbackItems.memberId, memberId));
  await tx.update(feedbackMessages).set({ bodyEnc: null }).where(eq(feedbackMessages.authorMemberId, memberId));

  // Last: the promotion messages it writes are to other people and must not be caught by the deletions above.
  const seats = await releaseSeatsOf({ tx, deps }, memberId);
  return {
    erased: erased.length,
    cancelledPending: active.some((r) => r.status === 'pending'),
    unsentDeleted,
    releasedSeats: seats.released,
    promoted: seats.promoted,
  };
}

/** The village's heads, its district's staff and county staff: those shown the name while it was registered. */
async function whoCouldSeeTheName(
  tx: DbOrTx,
  registration: { villageId: number; districtCode: string },
): Promise<number[]> {
  const rows = await tx
    .selectDistinct({ memberId: roles.memberId })
    .from(roles)
    .where(
      or(
        and(eq(roles.role, 'village_head'), eq(roles.villageId, registration.villageId)),
        and(eq(roles.role, 'district_staff'), eq(roles.districtCode, registration.districtCode)),
        inArray(roles.role, ['county_staff', 'admin']),
      ),
    );
  return rows.map((r) => r.memberId);
}
