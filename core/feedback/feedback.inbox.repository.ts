import { and, asc, desc, eq, inArray, isNull, lt, ne, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { feedbackItems, feedbackMessages, registrations, villages } from '../../db/schema/index.ts';
import type { FeedbackCategory, FeedbackStatus } from '../../db/schema/feedback.schema.ts';
import type { FeedbackItem } from './feedback.repository.ts';

export type InboxQuery = {
  /** Null: every district (county-wide staff). */
  districtCodes: readonly string[] | null;
  status: FeedbackStatus | 'open';
  category?: FeedbackCategory | undefined;
  /** Not answered yet and past its due time at this instant. */
  overdueAt?: Date | undefined;
  limit: number;
};

/** Staff's inbox: oldest due first, so what is late or nearly late comes on top. */
export function listInbox(tx: DbOrTx, q: InboxQuery): Promise<FeedbackItem[]> {
  const where: SQL[] = [];
  if (q.districtCodes) where.push(inArray(feedbackItems.districtCode, [...q.districtCodes]));
  where.push(q.status === 'open' ? ne(feedbackItems.status, 'closed') : eq(feedbackItems.status, q.status));
  if (q.category) where.push(eq(feedbackItems.category, q.category));
  if (q.overdueAt) where.push(isNull(feedbackItems.firstAnsweredAt), lt(feedbackItems.dueAt, q.overdueAt));
  return tx
    .select()
    .from(feedbackItems)
    .where(and(...where))
    .orderBy(asc(feedbackItems.dueAt), desc(feedbackItems.id))
    .limit(q.limit);
}

export function threadOf(tx: DbOrTx, itemId: number) {
  return tx
    .select({
      role: feedbackMessages.role,
      authorMemberId: feedbackMessages.authorMemberId,
      bodyEnc: feedbackMessages.bodyEnc,
      createdAt: feedbackMessages.createdAt,
    })
    .from(feedbackMessages)
    .where(eq(feedbackMessages.itemId, itemId))
    .orderBy(asc(feedbackMessages.id));
}

/** Writers of many items at once: their real name (or null once erased) and their village. */
export async function writersOf(
  tx: DbOrTx,
  memberIds: readonly number[],
): Promise<Map<number, { realName: string | null; village: string; villageId: number }>> {
  if (memberIds.length === 0) return new Map();
  const rows = await tx
    .select({
      memberId: registrations.memberId,
      realName: registrations.realName,
      village: villages.nameKo,
      villageId: villages.id,
    })
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .where(
      and(
        inArray(registrations.memberId, [...new Set(memberIds)]),
        inArray(registrations.status, ['pending', 'approved']),
      ),
    );
  return new Map(rows.map((r) => [r.memberId, r]));
}
