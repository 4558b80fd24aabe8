import type { DbOrTx } from '../../db/db.client.ts';
import type { SummaryFacts, SummaryFigure } from '../ai/summary.port.ts';

/** Whose matters a digest covers: a staff room's (county HQ or one district) or a village head's village. */
export type DigestScope =
  | { kind: 'county' }
  | { kind: 'district'; districtCode: string }
  | { kind: 'village'; villageId: number; districtCode: string };

export type SectionContext = { tx: DbOrTx; scope: DigestScope; since: Date; until: Date; timezone: string };

/**
 * One part of a digest. `figures` are the aggregate numbers (the only thing a model sees, with `title`);
 * `headline` and `lines` are what people read, from the database, and may name villages and quote broadcasts.
 */
export type DigestSection = { key: string; title: string; headline: string; lines: string[]; figures: SummaryFigure[] };

/**
 * A section provider: one small query per concern. Features that are not built yet plug in here with one provider
 * each — feedback by category and overdue answers, notices not acknowledged or relayed (이장넷), workshop sign-ups.
 */
export type SectionProvider = (ctx: SectionContext) => Promise<DigestSection>;

export async function buildSections(
  ctx: SectionContext,
  providers: readonly SectionProvider[],
): Promise<DigestSection[]> {
  const sections: DigestSection[] = [];
  // One after the other: a transaction (and PGlite) is one connection.
  for (const provide of providers) sections.push(await provide(ctx));
  return sections;
}

export function hasNews(sections: readonly DigestSection[]): boolean {
  return sections.some((s) => s.figures.some((f) => f.value > 0));
}

/** What the model is given: titles and counts, nothing else. */
export function summaryFacts(input: {
  audience: string;
  period: string;
  sections: readonly DigestSection[];
}): SummaryFacts {
  return {
    audience: input.audience,
    period: input.period,
    sections: input.sections.map((s) => ({ title: s.title, figures: s.figures.map((f) => ({ ...f })) })),
  };
}

/** The plain paragraph, used when no model is configured or its answer is not usable. */
export function templateSummary(sections: readonly DigestSection[], periodKo: string): string {
  const parts = sections.flatMap((s) => {
    const main = s.figures[0];
    if (main && main.value > 0) return [`${s.title} ${main.value}${main.unit}`];
    // Nothing new, but something still open (feedback waiting for an answer): named, so it is not "nothing".
    const open = s.figures.find((f) => f.value > 0);
    return open ? [`${s.title}(${open.label} ${open.value}${open.unit})`] : [];
  });
  if (parts.length === 0) return `${periodKo} 새로 살펴보실 일이 없습니다.`;
  return `${periodKo} 살펴보실 일: ${parts.join(', ')}입니다.`;
}

/**
 * A model's paragraph is used only if it is short and every number in it is one of the figures: numbers in a
 * digest come from the database, never from the model.
 */
export function acceptSummary(text: string | null, facts: SummaryFacts, maxLength = 400): string | null {
  const trimmed = text?.replace(/\s+/g, ' ').trim() ?? '';
  if (!trimmed || [...trimmed].length > maxLength) return null;
  const known = new Set(facts.sections.flatMap((s) => s.figures.map((f) => f.value)));
  const numbers = trimmed.match(/\d[\d,]*/g) ?? [];
  return numbers.every((n) => known.has(Number(n.replace(/,/g, '')))) ? trimmed : null;
}

export function renderSections(sections: readonly DigestSection[]): string {
  return sections.map((s) => [`■ ${s.title} ${s.headline}`, ...s.lines].join('\n')).join('\n\n');
}
