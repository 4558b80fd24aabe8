import type { SectionProvider } from '../digests/digest.sections.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { listScheduledInScope } from './workshop.repository.ts';
import { countNewSignups, fillOf } from './workshop.signup.repository.ts';

/**
 * 교육 신청: sign-ups of the period, and how full the workshops of the next two weeks are. The model sees only the
 * counts (figures); the lines name workshops, never people.
 */
export function workshopSignupsSection(title: string, aheadDays = 14): SectionProvider {
  return async ({ tx, scope, since, until, timezone }) => {
    // A district's room sees its district's workshops; HQ sees all (county-wide ones included).
    const upcoming = await listScheduledInScope(tx, {
      scope,
      after: until,
      before: new Date(until.getTime() + aheadDays * 86_400_000),
    });
    const newSignups = await countNewSignups(tx, { scope, since, until });
    const fill = await fillOf(
      tx,
      upcoming.map((w) => w.id),
    );
    const waiting = [...fill.values()].reduce((n, f) => n + f.waitlisted, 0);
    return {
      key: 'workshops.signups',
      title,
      headline: newSignups || upcoming.length ? `새로 ${newSignups}명 · 다가오는 교육 ${upcoming.length}건` : '없음',
      lines: upcoming.map((w) => {
        const f = fill.get(w.id) ?? { confirmed: 0, waitlisted: 0 };
        return `· ${formatKoreanDateTime(w.startsAt, timezone)} 「${w.title}」 — 확정 ${f.confirmed}/${w.capacity}${f.waitlisted ? ` · 대기 ${f.waitlisted}` : ''}`;
      }),
      figures: [
        { label: '새 교육 신청', value: newSignups, unit: '명' },
        { label: '2주 안 교육', value: upcoming.length, unit: '건' },
        { label: '대기', value: waiting, unit: '명' },
      ],
    };
  };
}
