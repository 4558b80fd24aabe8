import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  districts,
  groupChats,
  identities,
  noticeRecipients,
  noticeRelays,
  notices,
  registrations,
  villages,
} from '../../db/schema/index.ts';
import { reachedMembers } from '../delivery/delivery.subject.ts';
import { identityOrder } from '../members/identity.order.ts';
import type { NoticeRow } from './notice.repository.ts';

/** The queries of following a notice: its hops, the recent ones, reminders and escalations, and its preview. */

/** The recipients of these notices with their place and head, in the county's order of districts and villages. */
export async function recipientRows(tx: DbOrTx, noticeIds: number[]) {
  return tx
    .select({
      noticeId: noticeRecipients.noticeId,
      districtCode: districts.code,
      districtName: districts.nameKo,
      villageId: villages.id,
      villageName: villages.nameKo,
      headMemberId: noticeRecipients.headMemberId,
      headName: registrations.realName,
      acknowledgedAt: noticeRecipients.acknowledgedAt,
    })
    .from(noticeRecipients)
    .innerJoin(villages, eq(villages.id, noticeRecipients.villageId))
    .innerJoin(districts, eq(districts.code, villages.districtCode))
    .leftJoin(
      registrations,
      and(eq(registrations.memberId, noticeRecipients.headMemberId), eq(registrations.status, 'approved')),
    )
    .where(inArray(noticeRecipients.noticeId, noticeIds))
    .orderBy(asc(districts.position), asc(villages.id), asc(noticeRecipients.headMemberId));
}

/** The heads each of these notices reached (its card sent). */
export async function deliveredHeads(tx: DbOrTx, noticeIds: number[]) {
  const reached = await reachedMembers({ tx, kind: 'notice', ids: noticeIds, purpose: 'notice' });
  return reached.map((r) => ({ noticeId: r.subjectId, memberId: r.memberId }));
}

/** The villages whose chats got each of these notices. */
export async function relayedVillages(tx: DbOrTx, noticeIds: number[]) {
  return tx
    .selectDistinct({ noticeId: noticeRelays.noticeId, villageId: noticeRelays.villageId })
    .from(noticeRelays)
    .where(inArray(noticeRelays.noticeId, noticeIds));
}

export async function relaysOf(tx: DbOrTx, noticeId: number) {
  return tx
    .select({ platform: noticeRelays.platform, villageId: noticeRelays.villageId })
    .from(noticeRelays)
    .where(eq(noticeRelays.noticeId, noticeId));
}

export async function recentAll(tx: DbOrTx, limit: number): Promise<NoticeRow[]> {
  return tx.select().from(notices).orderBy(desc(notices.createdAt), desc(notices.id)).limit(limit);
}

/** The recent notices that reached these districts (a county-wide notice reaches all). */
export async function recentOfDistricts(tx: DbOrTx, codes: string[], limit: number): Promise<NoticeRow[]> {
  const reached = tx
    .selectDistinct({ id: noticeRecipients.noticeId })
    .from(noticeRecipients)
    .innerJoin(villages, eq(villages.id, noticeRecipients.villageId))
    .where(inArray(villages.districtCode, codes));
  return tx
    .select()
    .from(notices)
    .where(or(inArray(notices.id, reached), eq(notices.scopeKind, 'county')))
    .orderBy(desc(notices.createdAt), desc(notices.id))
    .limit(limit);
}

/** Notices created in [since, until) and not withdrawn. */
export async function noticeIdsBetween(tx: DbOrTx, since: Date, until: Date): Promise<number[]> {
  const recent = await tx
    .select({ id: notices.id })
    .from(notices)
    .where(and(gte(notices.createdAt, since), lt(notices.createdAt, until), isNull(notices.withdrawnAt)));
  return recent.map((n) => n.id);
}

/** Notices with a deadline after `since`, not withdrawn, with a reminder or an escalation still to come. */
export async function openFollowUps(tx: DbOrTx, since: Date): Promise<NoticeRow[]> {
  return tx
    .select()
    .from(notices)
    .where(
      and(
        isNotNull(notices.ackDeadline),
        isNull(notices.withdrawnAt),
        or(isNull(notices.remindedAt), isNull(notices.escalatedAt)),
        gt(notices.ackDeadline, since),
      ),
    );
}

/** Claims a notice's one reminder; null when another run has. */
export async function claimReminder(tx: DbOrTx, id: number, now: Date): Promise<NoticeRow | null> {
  const [notice] = await tx
    .update(notices)
    .set({ remindedAt: now })
    .where(and(eq(notices.id, id), isNull(notices.remindedAt)))
    .returning();
  return notice ?? null;
}

/** Marks reminded the heads who have not acknowledged nor been reminded; returns them. */
export async function remindWaitingHeads(tx: DbOrTx, noticeId: number, now: Date): Promise<number[]> {
  const waiting = await tx
    .update(noticeRecipients)
    .set({ remindedAt: now })
    .where(
      and(
        eq(noticeRecipients.noticeId, noticeId),
        isNull(noticeRecipients.acknowledgedAt),
        isNull(noticeRecipients.remindedAt),
      ),
    )
    .returning({ memberId: noticeRecipients.headMemberId });
  return waiting.map((w) => w.memberId);
}

/**
 * Marks reminded, now, the heads of these villages who have not acknowledged and were not reminded since `notSince`;
 * returns them (a head of two villages twice: callers count people once).
 */
export async function remindHeadsNow(
  tx: DbOrTx,
  input: { noticeId: number; villageIds: number[]; now: Date; notSince: Date },
): Promise<number[]> {
  if (input.villageIds.length === 0) return [];
  const waiting = await tx
    .update(noticeRecipients)
    .set({ remindedAt: input.now })
    .where(
      and(
        eq(noticeRecipients.noticeId, input.noticeId),
        inArray(noticeRecipients.villageId, input.villageIds),
        isNull(noticeRecipients.acknowledgedAt),
        or(isNull(noticeRecipients.remindedAt), lt(noticeRecipients.remindedAt, input.notSince)),
      ),
    )
    .returning({ memberId: noticeRecipients.headMemberId });
  return waiting.map((w) => w.memberId);
}

/** Claims a notice's one escalation; null when another run has. */
export async function claimEscalation(tx: DbOrTx, id: number, now: Date): Promise<NoticeRow | null> {
  const [notice] = await tx
    .update(notices)
    .set({ escalatedAt: now })
    .where(and(eq(notices.id, id), isNull(notices.escalatedAt)))
    .returning();
  return notice ?? null;
}

export async function setMeta(tx: DbOrTx, notice: NoticeRow, meta: NonNullable<NoticeRow['meta']>): Promise<void> {
  await tx.update(notices).set({ meta }).where(eq(notices.id, notice.id));
}

/** The platform enqueueToMember would choose for a member: the reachable account seen most recently. */
export async function preferredPlatform(tx: DbOrTx, memberId: number): Promise<string | undefined> {
  const [identity] = await tx
    .select({ platform: identities.platform })
    .from(identities)
    .where(and(eq(identities.memberId, memberId), eq(identities.reachable, true)))
    .orderBy(...identityOrder())
    .limit(1);
  return identity?.platform;
}

/** Chats of these villages that chose automatic relay. */
export async function autoRelayChatCount(tx: DbOrTx, villageIds: number[]): Promise<number> {
  if (villageIds.length === 0) return 0;
  const [auto] = await tx
    .select({ chats: sql<number>`count(*)::int` })
    .from(groupChats)
    .innerJoin(villages, eq(villages.id, groupChats.villageId))
    .where(and(inArray(villages.id, villageIds), eq(villages.autoRelay, true), isNotNull(groupChats.villageId)));
  return Number(auto?.chats ?? 0);
}
