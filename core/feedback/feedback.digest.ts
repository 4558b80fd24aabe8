import { and, count, eq, gte, isNull, lt, ne, type SQL } from 'drizzle-orm';
import { feedbackItems } from '../../db/schema/index.ts';
import type { DigestScope, SectionProvider } from '../digests/digest.sections.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { categoryKo } from './feedback.rules.ts';

function inScope(scope: DigestScope): SQL | undefined {
  if (scope.kind === 'county') return undefined;
  if (scope.kind === 'district') return eq(feedbackItems.districtCode, scope.districtCode);
  return eq(feedbackItems.villageId, scope.villageId);
}

/** The digest's feedback section: new items by category in the period, those still unanswered, and the overdue ones. */
export function feedbackSection(title: string): SectionProvider {
  return async ({ tx, scope, since, until, timezone }) => {
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
    const fresh = byCategory.reduce((n, c) => n + Number(c.n), 0);
    return {
      key: 'feedback',
      title,
      headline: fresh || open ? `새 의견 ${fresh}건 · 답변 전 ${open}건 · 기한 지남 ${overdue.length}건` : '없음',
      lines: [
        ...byCategory.map((c) => `· ${categoryKo[c.category]} ${Number(c.n)}건`),
        ...overdue.map(
          (o) => `· 기한 지남: ${o.receiptNo} (${categoryKo[o.category]}, ${formatKoreanDateTime(o.dueAt, timezone)})`,
        ),
      ],
      figures: [
        { label: '새 의견', value: fresh, unit: '건' },
        { label: '답변 전 의견', value: open, unit: '건' },
        { label: '답변 기한 지난 의견', value: overdue.length, unit: '건' },
      ],
    };
  };
}
