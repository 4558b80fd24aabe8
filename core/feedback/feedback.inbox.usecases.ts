import type { DbOrTx } from '../../db/db.client.ts';
import type { FeedbackCategory, FeedbackStatus } from '../../db/schema/feedback.schema.ts';
import { can } from '../auth/authz.policy.ts';
import type { CoreDeps } from '../core.deps.ts';
import { maskName } from '../privacy/privacy.mask.ts';
import * as inbox from './feedback.inbox.repository.ts';
import type { FeedbackItem } from './feedback.repository.ts';
import { answersFeedback, type Staff } from './feedback.staff.usecases.ts';
import { findByReceipt } from './feedback.usecases.ts';

/**
 * What staff see of the feedback of their scope (the console's 의견 page): the same `feedback.answer` rule as the
 * chat commands decides which items, and `person.seeRealName` whether the writer's name is shown or masked.
 */
export type InboxFilter = { status?: FeedbackStatus | 'open'; category?: FeedbackCategory; overdue?: boolean };

export type InboxEntry = {
  item: FeedbackItem;
  summary: string;
  /** The writer as this viewer may see them: "고성1리 홍길동" or "고성1리 홍*동". */
  writer: string;
  overdue: boolean;
};

type Ctx = { tx: DbOrTx; deps: CoreDeps; staff: Staff };

/** The districts whose feedback the staff member answers; null when county-wide. */
function districtsOf(staff: Staff): string[] | null {
  if (can(staff.grants, 'feedback.answer', {})) return null;
  return [
    ...new Set(
      staff.grants.flatMap((g) =>
        g.districtCode && can(staff.grants, 'feedback.answer', { districtCode: g.districtCode })
          ? [g.districtCode]
          : [],
      ),
    ),
  ];
}

async function describeWriters(input: Ctx, items: readonly FeedbackItem[]): Promise<Map<number, string>> {
  const writers = await inbox.writersOf(
    input.tx,
    items.map((i) => i.memberId),
  );
  return new Map(
    items.map((item) => {
      const w = writers.get(item.memberId);
      const name = w?.realName ?? '주민';
      const sees = can(input.staff.grants, 'person.seeRealName', {
        villageId: w?.villageId ?? item.villageId,
        districtCode: item.districtCode,
      });
      return [item.id, `${w?.village ?? ''} ${sees && w?.realName ? name : maskName(name)}`.trim()];
    }),
  );
}

export type InboxResult = { kind: 'list'; entries: InboxEntry[] } | { kind: 'not_staff' };

export async function listFeedbackInbox(input: Ctx & { filter: InboxFilter; limit?: number }): Promise<InboxResult> {
  if (!answersFeedback(input.staff.grants)) return { kind: 'not_staff' };
  const now = input.deps.clock.now();
  const items = (
    await inbox.listInbox(input.tx, {
      districtCodes: districtsOf(input.staff),
      status: input.filter.status ?? 'open',
      category: input.filter.category,
      overdueAt: input.filter.overdue ? now : undefined,
      limit: input.limit ?? 100,
    })
  ).filter((item) => can(input.staff.grants, 'feedback.answer', item));
  const writers = await describeWriters(input, items);
  const { cipher } = input.deps;
  return {
    kind: 'list',
    entries: items.map((item) => ({
      item,
      summary: item.summaryEnc
        ? cipher.decrypt(item.summaryEnc)
        : item.bodyEnc
          ? cipher.decrypt(item.bodyEnc).slice(0, 60)
          : '',
      writer: writers.get(item.id) ?? '',
      overdue: !item.firstAnsweredAt && item.dueAt.getTime() < now.getTime(),
    })),
  };
}

export type ThreadEntry = { role: 'resident' | 'staff'; body: string; at: Date };
export type ThreadResult =
  | { kind: 'thread'; item: FeedbackItem; writer: string; overdue: boolean; entries: ThreadEntry[] }
  | { kind: 'not_staff' }
  | { kind: 'not_found' }
  | { kind: 'out_of_scope' };

/** One item with its whole thread: what the resident wrote first, then every follow-up and answer in order. */
export async function feedbackThread(input: Ctx & { receipt: string }): Promise<ThreadResult> {
  if (!answersFeedback(input.staff.grants)) return { kind: 'not_staff' };
  const item = await findByReceipt(input);
  if (!item) return { kind: 'not_found' };
  if (!can(input.staff.grants, 'feedback.answer', item)) return { kind: 'out_of_scope' };
  const { cipher } = input.deps;
  const messages = await inbox.threadOf(input.tx, item.id);
  const writer = (await describeWriters(input, [item])).get(item.id) ?? '';
  return {
    kind: 'thread',
    item,
    writer,
    overdue: !item.firstAnsweredAt && item.dueAt.getTime() < input.deps.clock.now().getTime(),
    // The first message is what the resident wrote (createFeedback keeps it in the thread too); an item from
    // before threads were kept shows its own text.
    entries: messages.length
      ? messages.map((m) => ({
          role: m.role,
          body: m.bodyEnc ? cipher.decrypt(m.bodyEnc) : '(지워진 내용)',
          at: m.createdAt,
        }))
      : [
          {
            role: 'resident' as const,
            body: item.bodyEnc ? cipher.decrypt(item.bodyEnc) : '(지워진 내용)',
            at: item.createdAt,
          },
        ],
  };
}
