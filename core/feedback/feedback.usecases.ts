import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { counters, feedbackItems, feedbackMessages } from '../../db/schema/index.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
import type { CoreDeps } from '../core.deps.ts';
import type { ActiveRegistration } from '../members/member.resolve.ts';
import { countyParts, countyTime } from '../time/county.time.ts';
import { dueAfterWorkingDays } from './feedback.sla.ts';

export type FeedbackItem = typeof feedbackItems.$inferSelect;
export type FeedbackSettings = { maxLength: number; dailyLimit: number; slaWorkingDays: number; reopenDays: number };
export const defaultFeedbackSettings: FeedbackSettings = {
  maxLength: 1000,
  dailyLimit: 5,
  slaWorkingDays: 3,
  reopenDays: 14,
};
export type Attachment = {
  kind: string;
  ref?: string | undefined;
  latitude?: number | undefined;
  longitude?: number | undefined;
  address?: string | undefined;
};

export type CreateFeedbackResult =
  | { kind: 'created'; item: FeedbackItem }
  | { kind: 'not_registered' }
  | { kind: 'empty' }
  | { kind: 'too_long'; length: number; max: number }
  | { kind: 'daily_limit'; limit: number };

/**
 * 의견: a receipt number at once; triage (model or rules) and routing to the staff rooms follow after the commit,
 * so the receipt never waits for a model. A resident still waiting for approval may write: the item is flagged.
 */
export async function createFeedback(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  author: { memberId: number; platform: string; platformUserId: string; registration: ActiveRegistration | null };
  text: string;
  attachments?: Attachment[];
  settings?: FeedbackSettings;
}): Promise<CreateFeedbackResult> {
  const { tx, deps, author } = input;
  const settings = input.settings ?? { ...defaultFeedbackSettings, ...deps.feedback };
  const text = input.text.trim();
  if (!author.registration) return { kind: 'not_registered' };
  if (!text) return { kind: 'empty' };
  if ([...text].length > settings.maxLength)
    return { kind: 'too_long', length: [...text].length, max: settings.maxLength };
  const now = deps.clock.now();
  const today = countyParts(now, deps.timezone);
  const dayStart = countyTime({ ...today, hour: 0, minute: 0 }, deps.timezone);
  const written = await tx.$count(
    feedbackItems,
    and(eq(feedbackItems.memberId, author.memberId), gte(feedbackItems.createdAt, dayStart)),
  );
  if (written >= settings.dailyLimit) return { kind: 'daily_limit', limit: settings.dailyLimit };
  // One counter row per year, incremented atomically: two instances never hand out the same number.
  const [counter] = await tx
    .insert(counters)
    .values({ name: `feedback:${today.year}`, value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value });
  const [item] = await tx
    .insert(feedbackItems)
    .values({
      receiptNo: `${today.year}-${String(counter?.value ?? 0).padStart(6, '0')}`,
      memberId: author.memberId,
      platform: author.platform,
      platformUserId: author.platformUserId,
      districtCode: author.registration.districtCode,
      villageId: author.registration.villageId,
      unapproved: author.registration.status !== 'approved',
      bodyEnc: deps.cipher.encrypt(text),
      attachmentsEnc: input.attachments?.length ? deps.cipher.encrypt(JSON.stringify(input.attachments)) : null,
      createdAt: now,
      dueAt: dueAfterWorkingDays(now, settings.slaWorkingDays, deps.timezone),
      updatedAt: now,
    })
    .returning();
  if (!item) throw new Error('feedback insert returned nothing');
  await tx.insert(feedbackMessages).values({
    itemId: item.id,
    authorMemberId: author.memberId,
    role: 'resident',
    bodyEnc: item.bodyEnc,
    createdAt: now,
  });
  return { kind: 'created', item };
}

/** A receipt as people type it; a bare sequence number means this year's (county time). */
export async function findByReceipt(
  tx: DbOrTx,
  receipt: string,
  now: Date,
  timeZone: string,
): Promise<FeedbackItem | undefined> {
  const normalized = normalizeReceipt(receipt, countyParts(now, timeZone).year);
  if (!normalized) return undefined;
  const [item] = await tx.select().from(feedbackItems).where(eq(feedbackItems.receiptNo, normalized));
  return item;
}

/** "2026-000123", "2026-123" or "123" (this year's) → "2026-000123". */
export function normalizeReceipt(text: string, year: number): string | null {
  const m = /^#?(?:(\d{4})-)?(\d{1,6})$/.exec(text.trim());
  return m ? `${m[1] ?? year}-${(m[2] ?? '').padStart(6, '0')}` : null;
}

export type StaffActionResult<T extends object = object> =
  | ({ kind: 'done'; item: FeedbackItem } & T)
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'closed' }
  | { kind: 'empty' };

type Staff = { memberId: number; grants: readonly RoleGrant[] };
type Ctx = { tx: DbOrTx; deps: CoreDeps };

async function staffItem(
  { tx, deps }: Ctx,
  staff: Staff,
  receipt: string,
): Promise<FeedbackItem | { kind: 'not_found' } | { kind: 'forbidden' }> {
  const item = await findByReceipt(tx, receipt, deps.clock.now(), deps.timezone);
  if (!item) return { kind: 'not_found' };
  if (!can(staff.grants, 'feedback.answer', { districtCode: item.districtCode, villageId: item.villageId }))
    return { kind: 'forbidden' };
  return item;
}

/** 의견 맡기: the staff member takes the item; received → assigned. */
export async function takeFeedback(
  input: Ctx & { staff: Staff; receipt: string },
): Promise<StaffActionResult<{ changed: boolean }>> {
  const found = await staffItem(input, input.staff, input.receipt);
  const now = input.deps.clock.now();
  if ('kind' in found) return found;
  if (found.status === 'closed') return { kind: 'closed' };
  const status = found.status === 'received' ? 'assigned' : found.status;
  const [item] = await input.tx
    .update(feedbackItems)
    .set({ assignedTo: input.staff.memberId, status, updatedAt: now })
    .where(eq(feedbackItems.id, found.id))
    .returning();
  return { kind: 'done', item: item ?? found, changed: found.status !== status };
}

/** 답변: the answer joins the thread; the first one stops the service-level clock. */
export async function answerFeedback(
  input: Ctx & { staff: Staff; receipt: string; text: string },
): Promise<StaffActionResult> {
  const found = await staffItem(input, input.staff, input.receipt);
  if ('kind' in found) return found;
  if (found.status === 'closed') return { kind: 'closed' };
  const text = input.text.trim();
  if (!text) return { kind: 'empty' };
  const now = input.deps.clock.now();
  await input.tx.insert(feedbackMessages).values({
    itemId: found.id,
    authorMemberId: input.staff.memberId,
    role: 'staff',
    bodyEnc: input.deps.cipher.encrypt(text),
    createdAt: now,
  });
  const [item] = await input.tx
    .update(feedbackItems)
    .set({
      status: 'answered',
      assignedTo: found.assignedTo ?? input.staff.memberId,
      firstAnsweredAt: found.firstAnsweredAt ?? now,
      updatedAt: now,
    })
    .where(eq(feedbackItems.id, found.id))
    .returning();
  return { kind: 'done', item: item ?? found };
}

/** 의견 닫기: closed by staff; the resident is then asked whether it was resolved. */
export async function closeFeedback(input: Ctx & { staff: Staff; receipt: string }): Promise<StaffActionResult> {
  const found = await staffItem(input, input.staff, input.receipt);
  if ('kind' in found) return found;
  if (found.status === 'closed') return { kind: 'closed' };
  const now = input.deps.clock.now();
  const [item] = await input.tx
    .update(feedbackItems)
    .set({ status: 'closed', closedAt: now, updatedAt: now })
    .where(eq(feedbackItems.id, found.id))
    .returning();
  return { kind: 'done', item: item ?? found };
}

export type ResidentReplyResult =
  | { kind: 'added'; item: FeedbackItem; reopened: boolean }
  | { kind: 'not_found' }
  | { kind: 'too_late'; days: number }
  | { kind: 'empty' }
  | { kind: 'too_long'; max: number };

/** The resident writes back: it joins the thread; on a closed item within the reopening window, it reopens it. */
export async function replyToFeedback(
  input: Ctx & { memberId: number; receipt: string; text: string; settings?: FeedbackSettings },
): Promise<ResidentReplyResult> {
  const settings = input.settings ?? defaultFeedbackSettings;
  const found = await findByReceipt(input.tx, input.receipt, input.deps.clock.now(), input.deps.timezone);
  if (!found || found.memberId !== input.memberId) return { kind: 'not_found' };
  const text = input.text.trim();
  if (!text) return { kind: 'empty' };
  if ([...text].length > settings.maxLength) return { kind: 'too_long', max: settings.maxLength };
  const now = input.deps.clock.now();
  const reopened = found.status === 'closed';
  if (reopened && now.getTime() - (found.closedAt?.getTime() ?? 0) > settings.reopenDays * 86_400_000)
    return { kind: 'too_late', days: settings.reopenDays };
  await input.tx.insert(feedbackMessages).values({
    itemId: found.id,
    authorMemberId: input.memberId,
    role: 'resident',
    bodyEnc: input.deps.cipher.encrypt(text),
    createdAt: now,
  });
  const [item] = await input.tx
    .update(feedbackItems)
    .set({
      status: found.assignedTo ? 'assigned' : 'received',
      closedAt: null,
      resolved: null,
      satisfaction: null,
      updatedAt: now,
    })
    .where(eq(feedbackItems.id, found.id))
    .returning();
  return { kind: 'added', item: item ?? found, reopened };
}

/** After closing: resolved or not, then satisfaction 1–5. Only the writer, only once closed. */
export async function rateFeedback(
  input: Ctx & {
    memberId: number;
    receipt: string;
    rating: { resolved: boolean } | { satisfaction: number };
  },
): Promise<
  { kind: 'rated'; item: FeedbackItem } | { kind: 'not_found' } | { kind: 'not_closed' } | { kind: 'invalid' }
> {
  const found = await findByReceipt(input.tx, input.receipt, input.deps.clock.now(), input.deps.timezone);
  if (!found || found.memberId !== input.memberId) return { kind: 'not_found' };
  if (found.status !== 'closed') return { kind: 'not_closed' };
  if (
    'satisfaction' in input.rating &&
    !(Number.isInteger(input.rating.satisfaction) && input.rating.satisfaction >= 1 && input.rating.satisfaction <= 5)
  )
    return { kind: 'invalid' };
  const [item] = await input.tx
    .update(feedbackItems)
    .set({ ...input.rating, updatedAt: input.deps.clock.now() })
    .where(eq(feedbackItems.id, found.id))
    .returning();
  return { kind: 'rated', item: item ?? found };
}

/** 내 의견: the writer's recent items with their last staff answer. */
export async function listOwnFeedback(tx: DbOrTx, deps: Pick<CoreDeps, 'cipher'>, memberId: number, limit = 5) {
  const items = await tx
    .select()
    .from(feedbackItems)
    .where(eq(feedbackItems.memberId, memberId))
    .orderBy(desc(feedbackItems.createdAt), desc(feedbackItems.id))
    .limit(limit);
  return Promise.all(
    items.map(async (item) => {
      const [answer] = await tx
        .select({ bodyEnc: feedbackMessages.bodyEnc })
        .from(feedbackMessages)
        .where(and(eq(feedbackMessages.itemId, item.id), eq(feedbackMessages.role, 'staff')))
        .orderBy(desc(feedbackMessages.id))
        .limit(1);
      return {
        item,
        body: item.bodyEnc ? deps.cipher.decrypt(item.bodyEnc) : '',
        lastAnswer: answer?.bodyEnc ? deps.cipher.decrypt(answer.bodyEnc) : null,
      };
    }),
  );
}
