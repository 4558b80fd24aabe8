import type { SectionProvider } from '../digests/digest.sections.ts';
import { countyParts, countyTime } from '../time/county.time.ts';
import { unitPrices } from './phone.prices.ts';
import * as repo from './phone.repository.ts';
import { costInWords, costLabels, estimateCost } from './phone.rules.ts';

/**
 * The staff digest's "이번 달 문자·전화 비용" (issue 17): the county's phone messages and calls since the 1st of the
 * county month, at the unit prices set. The cost is the county's, one figure for all: every staff room reads the same
 * (군 전체). Failed texts are not billed; calls are counted as placed.
 */
export function phoneCostSection(title: string): SectionProvider {
  return async ({ tx, until, timezone }) => {
    const p = countyParts(until, timezone);
    const since = countyTime({ year: p.year, month: p.month, day: 1, hour: 0, minute: 0 }, timezone);
    const counts = Object.fromEntries((await repo.phoneCountsSince(tx, since)).map((c) => [c.kind, c.n]));
    const lines = estimateCost(counts, unitPrices());
    const total = lines.reduce((sum, l) => sum + l.won, 0);
    return {
      key: 'phone.cost',
      title,
      headline: lines.length ? `약 ${Math.round(total).toLocaleString('ko-KR')}원` : '없음',
      lines: costInWords(lines).map((l) => `· ${l}`),
      figures: lines.map((l) => ({ label: costLabels[l.channel], value: l.count, unit: '건' })),
    };
  };
}
