import { and, count, desc, eq, gte, isNotNull, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  counters,
  districts,
  feedbackItems,
  feedbackMessages,
  identities,
  registrations,
  villages,
} from '../../db/schema/index.ts';
import type { DigestScope } from '../digests/digest.sections.ts';

/**
 * Every query of the feedback feature. Rows go in and out as they are stored (text encrypted): the usecases
 * encrypt and decrypt, so nothing here ever sees a resident's words.
 */
export type FeedbackItem = typeof feedbackItems.$inferSelect;
type NewItem = typeof feedbackItems.$inferInsert;
type ItemChange = Partial<Omit<NewItem, 'id' | 'receiptNo' | 'memberId' | 'createdAt'>>;

/** The year's next receipt sequence: one counter row per year, incremented atomically across instances. */
export async function nextReceiptSequence(tx: DbOrTx, year: number): Promise<number> {
  const [counter] = await tx
    .insert(counters)
    .values({ name: `feedback:${year}`, value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value });
  return counter?.value ?? 0;
}

export async function insertItem(tx: DbOrTx, values: NewItem): Promise<FeedbackItem> {
  const [item] = await tx.insert(feedbackItems).values(values).returning();
  if (!item) throw new Error('feedback insert returned nothing');
  return item;
}

export async function updateItem(tx: DbOrTx, id: number, change: ItemChange): Promise<FeedbackItem | undefined> {
  const [item] = await tx.update(feedbackItems).set(change).where(eq(feedbackItems.id, id)).returning();
  return item;
}

export async function insertMessage(
  tx: DbOrTx,
  values: { itemId: number; authorMemberId: number; role: 'resident' | 'staff'; bodyEnc: string; createdAt: Date },
): Promise<void> {
  await tx.insert(feedbackMessages).values(values);
}

export async function findItemByReceipt(tx: DbOrTx, receiptNo: string): Promise<FeedbackItem | undefined> {
  const [item] = await tx.select().from(feedbackItems).where(eq(feedbackItems.receiptNo, receiptNo));
  return item;
}

/** Items a member wrote since `since`: the daily limit of new items. */
export function countItemsSince(tx: DbOrTx, memberId: number, since: Date): Promise<number> {
  return tx.$count(feedbackItems, and(eq(feedbackItems.memberId, memberId), gte(feedbackItems.createdAt, since)));
}

/**
 * Follow-ups a member wrote since `since`: their resident messages of the period, less the first message of each
 * item they wrote in it (an item's text is its thread's first message, written in the same instant).
 */
export async function countFollowUpsSince(tx: DbOrTx, memberId: number, since: Date): Promise<number> {
  const messages = await tx.$count(
    feedbackMessages,
    and(
      eq(feedbackMessages.authorMemberId, memberId),
      eq(feedbackMessages.role, 'resident'),
      gte(feedbackMessages.createdAt, since),
    ),
  );
  return messages - (await countItemsSince(tx, memberId, since));
}

/** The member's latest item not yet closed, written since `since`: a photo sent just after 의견 joins it. */
export async function latestOpenItemSince(
  tx: DbOrTx,
  memberId: number,
  since: Date,
): Promise<FeedbackItem | undefined> {
  const [item] = await tx
    .select()
    .from(feedbackItems)
    .where(
      and(
        eq(feedbackItems.memberId, memberId),
        gte(feedbackItems.createdAt, since),
        ne(feedbackItems.status, 'closed'),
      ),
    )
    .orderBy(desc(feedbackItems.id))
    .limit(1);
  return item;
}

export function listItemsOf(tx: DbOrTx, memberId: number, limit: number): Promise<FeedbackItem[]> {
  return tx
    .select()
    .from(feedbackItems)
    .where(eq(feedbackItems.memberId, memberId))
    .orderBy(desc(feedbackItems.createdAt), desc(feedbackItems.id))
    .limit(limit);
}

export async function lastStaffAnswerEnc(tx: DbOrTx, itemId: number): Promise<string | null> {
  const [answer] = await tx
    .select({ bodyEnc: feedbackMessages.bodyEnc })
    .from(feedbackMessages)
    .where(and(eq(feedbackMessages.itemId, itemId), eq(feedbackMessages.role, 'staff')))
    .orderBy(desc(feedbackMessages.id))
    .limit(1);
  return answer?.bodyEnc ?? null;
}

export async function districtName(tx: DbOrTx, code: string): Promise<string | null> {
  const [d] = await tx.select({ nameKo: districts.nameKo }).from(districts).where(eq(districts.code, code));
  return d?.nameKo ?? null;
}

/** The writer as the staff card shows them: their village and their (masked by the caller) real name. */
export async function writerOf(
  tx: DbOrTx,
  memberId: number,
): Promise<{ realName: string | null; village: string } | undefined> {
  const [writer] = await tx
    .select({ realName: registrations.realName, village: villages.nameKo })
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .where(
      and(
        eq(registrations.memberId, memberId),
        or(eq(registrations.status, 'approved'), eq(registrations.status, 'pending')),
      ),
    );
  return writer;
}

/** The person's own real names and nicknames: text written about oneself often carries them (scrubbed for a model). */
export async function knownNamesOf(tx: DbOrTx, memberId: number): Promise<string[]> {
  const names = await tx
    .select({ name: registrations.realName })
    .from(registrations)
    .where(and(eq(registrations.memberId, memberId), isNotNull(registrations.realName)));
  const nicknames = await tx
    .select({ name: identities.nickname })
    .from(identities)
    .where(and(eq(identities.memberId, memberId), isNotNull(identities.nickname)));
  return [...names, ...nicknames].flatMap((n) => (n.name ? [n.name] : []));
}

/** Untriaged items, or items whose triage was claimed before `staleBefore` by an instance that died. */
function untriaged(staleBefore: Date) {
  return and(
    isNull(feedbackItems.triagedBy),
    or(isNull(feedbackItems.triageStartedAt), lt(feedbackItems.triageStartedAt, staleBefore)),
  );
}

export async function untriagedIds(tx: DbOrTx, staleBefore: Date, limit: number): Promise<number[]> {
  const rows = await tx
    .select({ id: feedbackItems.id })
    .from(feedbackItems)
    .where(untriaged(staleBefore))
    .orderBy(feedbackItems.id)
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Claims an item for triage; undefined when another instance has it. */
export async function claimForTriage(
  tx: DbOrTx,
  id: number,
  now: Date,
  staleBefore: Date,
): Promise<FeedbackItem | undefined> {
  const [item] = await tx
    .update(feedbackItems)
    .set({ triageStartedAt: now })
    .where(and(eq(feedbackItems.id, id), untriaged(staleBefore)))
    .returning();
  return item;
}

/** Writes the triage once: undefined when it was written already (the staff rooms heard of it then). */
export async function saveTriage(tx: DbOrTx, id: number, change: ItemChange): Promise<FeedbackItem | undefined> {
  const [item] = await tx
    .update(feedbackItems)
    .set(change)
    .where(and(eq(feedbackItems.id, id), isNull(feedbackItems.triagedBy)))
    .returning();
  return item;
}

/** Triaged items past their due time without a first answer and not escalated yet. */
export function overdueItems(tx: DbOrTx, now: Date): Promise<FeedbackItem[]> {
  return tx
    .select()
    .from(feedbackItems)
    .where(
      and(
        isNull(feedbackItems.firstAnsweredAt),
        isNull(feedbackItems.escalatedAt),
        ne(feedbackItems.status, 'closed'),
        lte(feedbackItems.dueAt, now),
        isNotNull(feedbackItems.triagedBy),
      ),
    );
}

/** Marks an item escalated, once: undefined when another run did it. */
export async function claimEscalation(tx: DbOrTx, id: number, now: Date): Promise<FeedbackItem | undefined> {
  const [item] = await tx
    .update(feedbackItems)
    .set({ escalatedAt: now })
    .where(and(eq(feedbackItems.id, id), isNull(feedbackItems.escalatedAt)))
    .returning();
  return item;
}

function inScope(scope: DigestScope): SQL | undefined {
  if (scope.kind === 'county') return undefined;
  if (scope.kind === 'district') return eq(feedbackItems.districtCode, scope.districtCode);
  return eq(feedbackItems.villageId, scope.villageId);
}

/** A digest's figures for a scope and period: new items by category, those still unanswered, the overdue ones. */
export async function digestFigures(tx: DbOrTx, scope: DigestScope, since: Date, until: Date) {
  const byCategory = await tx
    .select({ category: feedbackItems.category, n: count() })
    .from(feedbackItems)
    .where(and(inScope(scope), gte(feedbackItems.createdAt, since), lt(feedbackItems.createdAt, until)))
    .groupBy(feedbackItems.category);
  const unanswered = and(
    inScope(scope),
    isNull(feedbackItems.firstAnsweredAt),
    ne(feedbackItems.status, 'closed'),
    lt(feedbackItems.createdAt, until),
  );
  const open = await tx.$count(feedbackItems, unanswered);
  const overdue = await tx
    .select({ receiptNo: feedbackItems.receiptNo, category: feedbackItems.category, dueAt: feedbackItems.dueAt })
    .from(feedbackItems)
    .where(and(unanswered, lt(feedbackItems.dueAt, until)))
    .orderBy(feedbackItems.dueAt)
    .limit(20);
  return { byCategory: byCategory.map((c) => ({ category: c.category, n: Number(c.n) })), open, overdue };
}
