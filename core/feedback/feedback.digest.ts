import type { SectionProvider } from '../digests/digest.sections.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { digestFigures } from './feedback.repository.ts';
import { categoryKo } from './feedback.rules.ts';

/** The digest's feedback section: new items by category in the period, those still unanswered, and the overdue ones. */
export function feedbackSection(title: string): SectionProvider {
  return async ({ tx, scope, since, until, timezone }) => {
    const { byCategory, open, overdue } = await digestFigures(tx, scope, since, until);
    const fresh = byCategory.reduce((n, c) => n + c.n, 0);
    return {
      key: 'feedback',
      title,
      headline: fresh || open ? `새로 ${fresh}건 · 답변 전 ${open}건 · 기한 지남 ${overdue.length}건` : '없음',
      lines: [
        ...byCategory.map((c) => `· ${categoryKo[c.category]} ${c.n}건`),
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
