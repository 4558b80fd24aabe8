import type { DbOrTx } from '../../db/db.client.ts';
import type { CoreDeps } from '../core.deps.ts';
import type { ActiveRegistration } from '../members/member.resolve.ts';
import { countyParts } from '../time/county.time.ts';
import { staffCard, tellStaff, type Attachment, type Notice } from './feedback.notify.ts';
import * as repo from './feedback.repository.ts';
import type { FeedbackItem } from './feedback.repository.ts';
import {
  checkText,
  defaultFeedbackSettings,
  dueAfterWorkingDays,
  isSatisfaction,
  mayReopen,
  normalizeReceipt,
  receiptNo,
  startOfDay,
  startOfNextDay,
  type FeedbackSettings,
} from './feedback.rules.ts';

/**
 * What a resident does with feedback: write an item, attach a photo, write back, rate, look at their items. Each
 * usecase takes one object and returns a named result; messages to others are written to the outbox here, in the
 * caller's transaction, and returned as `notices`.
 */
export type { Attachment, FeedbackItem, Notice };

type Ctx = { tx: DbOrTx; deps: CoreDeps };

/** The county's settings (FEEDBACK_* in the configuration) over the defaults. */
export function feedbackSettings(deps: Pick<CoreDeps, 'feedback'>): FeedbackSettings {
  const configured = Object.entries(deps.feedback ?? {}).filter(([, v]) => v !== undefined);
  return { ...defaultFeedbackSettings, ...Object.fromEntries(configured) };
}

/** A receipt as people type it; a bare sequence number means this year's (county time). */
export async function findByReceipt(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  receipt: string;
}): Promise<FeedbackItem | undefined> {
  const normalized = normalizeReceipt(input.receipt, countyParts(input.deps.clock.now(), input.deps.timezone).year);
  return normalized ? repo.findItemByReceipt(input.tx, normalized) : undefined;
}

export type CreateFeedbackResult =
  | { kind: 'created'; item: FeedbackItem }
  | { kind: 'not_registered' }
  | { kind: 'empty' }
  | { kind: 'too_long'; length: number; max: number }
  | { kind: 'daily_limit'; limit: number; again: Date };

/**
 * 의견: a receipt number at once; triage (model or rules) and routing to the staff rooms follow after the commit,
 * so the receipt never waits for a model. A resident still waiting for approval may write: the item is flagged.
 */
export async function createFeedback(
  input: Ctx & {
    author: { memberId: number; platform: string; platformUserId: string; registration: ActiveRegistration | null };
    text: string;
    attachments?: Attachment[];
  },
): Promise<CreateFeedbackResult> {
  const { tx, deps, author } = input;
  const settings = feedbackSettings(deps);
  if (!author.registration) return { kind: 'not_registered' };
  const text = checkText(input.text, settings.maxLength);
  if (text.kind === 'empty') return text;
  if (text.kind === 'too_long') return { ...text, max: settings.maxLength };
  const now = deps.clock.now();
  if ((await repo.countItemsSince(tx, author.memberId, startOfDay(now, deps.timezone))) >= settings.dailyLimit)
    return { kind: 'daily_limit', limit: settings.dailyLimit, again: startOfNextDay(now, deps.timezone) };
  const year = countyParts(now, deps.timezone).year;
  const bodyEnc = deps.cipher.encrypt(text.text);
  const item = await repo.insertItem(tx, {
    receiptNo: receiptNo(year, await repo.nextReceiptSequence(tx, year)),
    memberId: author.memberId,
    platform: author.platform,
    platformUserId: author.platformUserId,
    districtCode: author.registration.districtCode,
    villageId: author.registration.villageId,
    unapproved: author.registration.status !== 'approved',
    bodyEnc,
    attachmentsEnc: input.attachments?.length ? deps.cipher.encrypt(JSON.stringify(input.attachments)) : null,
    createdAt: now,
    dueAt: dueAfterWorkingDays(now, settings.slaWorkingDays, deps.timezone),
    updatedAt: now,
  });
  await repo.insertMessage(tx, {
    itemId: item.id,
    authorMemberId: author.memberId,
    role: 'resident',
    bodyEnc,
    createdAt: now,
  });
  return { kind: 'created', item };
}

export type AttachResult = { kind: 'attached'; item: FeedbackItem; notices: Notice[] } | { kind: 'no_item' };

/** A photo or a location sent just after 의견 (10 minutes): it joins the writer's latest open item. */
export async function attachToLatestFeedback(
  input: Ctx & { memberId: number; attachment: Attachment; eventKey: string },
): Promise<AttachResult> {
  const { tx, deps } = input;
  const now = deps.clock.now();
  const item = await repo.latestOpenItemSince(tx, input.memberId, new Date(now.getTime() - 10 * 60_000));
  if (!item) return { kind: 'no_item' };
  const previous = item.attachmentsEnc ? (JSON.parse(deps.cipher.decrypt(item.attachmentsEnc)) as Attachment[]) : [];
  const attachmentsEnc = deps.cipher.encrypt(JSON.stringify([...previous, input.attachment]));
  const updated = (await repo.updateItem(tx, item.id, { attachmentsEnc, updatedAt: now })) ?? item;
  // Already shown to staff: they get the addition; otherwise the card they will get includes it.
  const notices = updated.triagedBy
    ? [await tellStaff(tx, deps, updated, `attachment:${input.eventKey}`, [await staffCard(tx, deps, updated)])]
    : [];
  return { kind: 'attached', item: updated, notices };
}

export type ResidentReplyResult =
  | { kind: 'added'; item: FeedbackItem; reopened: boolean; notices: Notice[] }
  | { kind: 'not_found' }
  | { kind: 'too_late'; days: number }
  | { kind: 'empty' }
  | { kind: 'too_long'; max: number }
  | { kind: 'daily_limit'; limit: number; again: Date };

/**
 * The resident writes back: it joins the thread and reaches the staff rooms; on a closed item within the reopening
 * window, it reopens it. "Not found" and "not yours" are one answer, so receipt numbers tell nothing. Follow-ups
 * have a daily limit of their own (FEEDBACK_REPLY_DAILY_LIMIT): without it, they would reach the staff rooms
 * without any.
 */
export async function replyToFeedback(
  input: Ctx & { memberId: number; receipt: string; text: string; eventKey: string },
): Promise<ResidentReplyResult> {
  const { tx, deps } = input;
  const settings = feedbackSettings(deps);
  const found = await findByReceipt({ tx, deps, receipt: input.receipt });
  if (!found || found.memberId !== input.memberId) return { kind: 'not_found' };
  const text = checkText(input.text, settings.maxLength);
  if (text.kind === 'empty') return text;
  if (text.kind === 'too_long') return { kind: 'too_long', max: settings.maxLength };
  const now = deps.clock.now();
  const reopened = found.status === 'closed';
  if (reopened && !mayReopen(found.closedAt, now, settings.reopenDays))
    return { kind: 'too_late', days: settings.reopenDays };
  const written = await repo.countFollowUpsSince(tx, input.memberId, startOfDay(now, deps.timezone));
  if (written >= settings.replyDailyLimit)
    return { kind: 'daily_limit', limit: settings.replyDailyLimit, again: startOfNextDay(now, deps.timezone) };
  await repo.insertMessage(tx, {
    itemId: found.id,
    authorMemberId: input.memberId,
    role: 'resident',
    bodyEnc: deps.cipher.encrypt(text.text),
    createdAt: now,
  });
  const item =
    (await repo.updateItem(tx, found.id, {
      status: found.assignedTo ? 'assigned' : 'received',
      closedAt: null,
      resolved: null,
      satisfaction: null,
      updatedAt: now,
    })) ?? found;
  const notice = await tellStaff(tx, deps, item, `resident:${input.eventKey}`, [
    {
      text: `[의견 ${item.receiptNo} ${reopened ? '다시 열림' : '주민 답글'}]\n${text.text}`,
      buttons: [{ label: '맡기', command: `의견 맡기 ${item.receiptNo}` }],
    },
  ]);
  return { kind: 'added', item, reopened, notices: [notice] };
}

export type RateResult =
  { kind: 'rated'; item: FeedbackItem } | { kind: 'not_found' } | { kind: 'not_closed' } | { kind: 'invalid' };

/** After closing: resolved or not, then satisfaction 1–5. Only the writer, only once closed. */
export async function rateFeedback(
  input: Ctx & { memberId: number; receipt: string; rating: { resolved: boolean } | { satisfaction: number } },
): Promise<RateResult> {
  const found = await findByReceipt(input);
  if (!found || found.memberId !== input.memberId) return { kind: 'not_found' };
  if (found.status !== 'closed') return { kind: 'not_closed' };
  if ('satisfaction' in input.rating && !isSatisfaction(input.rating.satisfaction)) return { kind: 'invalid' };
  const item = await repo.updateItem(input.tx, found.id, { ...input.rating, updatedAt: input.deps.clock.now() });
  return { kind: 'rated', item: item ?? found };
}

export type OwnFeedback = { item: FeedbackItem; body: string; lastAnswer: string | null };

/** 내 의견: the writer's recent items with their last staff answer. */
export async function listOwnFeedback(
  input: Ctx & { memberId: number; limit?: number },
): Promise<{ kind: 'listed'; entries: OwnFeedback[] }> {
  const { tx, deps } = input;
  const items = await repo.listItemsOf(tx, input.memberId, input.limit ?? 5);
  const entries = await Promise.all(
    items.map(async (item) => {
      const answer = await repo.lastStaffAnswerEnc(tx, item.id);
      return {
        item,
        body: item.bodyEnc ? deps.cipher.decrypt(item.bodyEnc) : '',
        lastAnswer: answer ? deps.cipher.decrypt(answer) : null,
      };
    }),
  );
  return { kind: 'listed', entries };
}
