import { and, asc, eq, isNotNull } from 'drizzle-orm';
import { roles, villages } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { buildSections, hasNews, renderSections, type SectionProvider, templateSummary } from './digest.sections.ts';
import { countyDateKey, formatKoreanDate } from '../time/county.time.ts';
import { feedbackSection } from '../feedback/feedback.digest.ts';
import { noticesSection } from '../notices/notice.digest.ts';
import { broadcastsSection, pendingRegistrationsSection } from './staff.sections.ts';

export type HeadDigestResult = { heads: number; queued: number; quiet: number };

const WEEK = 7 * 24 * 3_600_000;

/** A village head's week: residents waiting, the week's broadcasts and notices, and the village's open feedback. */
export const headWeeklySections: readonly SectionProvider[] = [
  pendingRegistrationsSection('승인을 기다리는 주민', 0, { headDecides: true }),
  broadcastsSection('이번 주 우리 마을 마을방송'),
  noticesSection('이번 주 공지', 7),
  feedbackSection('우리 마을 주민 의견'),
];

/**
 * The weekly digest of each village head, per village they head: residents waiting for their approval and the
 * week's broadcasts to their village. Nothing when the week had nothing. Once per head, village and county day.
 */
export async function sendHeadWeeklyDigests(input: {
  deps: CoreDeps;
  now: Date;
  providers?: readonly SectionProvider[];
}): Promise<HeadDigestResult> {
  const { deps, now } = input;
  const heads = await deps.db
    .select({
      memberId: roles.memberId,
      villageId: villages.id,
      villageName: villages.nameKo,
      districtCode: villages.districtCode,
    })
    .from(roles)
    .innerJoin(villages, eq(villages.id, roles.villageId))
    .where(and(eq(roles.role, 'village_head'), isNotNull(roles.villageId)))
    .orderBy(asc(roles.memberId), asc(villages.id));
  const date = countyDateKey(now, deps.timezone);
  const result: HeadDigestResult = { heads: heads.length, queued: 0, quiet: 0 };
  for (const head of heads) {
    const sections = await buildSections(
      {
        tx: deps.db,
        scope: { kind: 'village', villageId: head.villageId, districtCode: head.districtCode },
        since: new Date(now.getTime() - WEEK),
        until: now,
        timezone: deps.timezone,
      },
      input.providers ?? headWeeklySections,
    );
    if (!hasNews(sections)) {
      result.quiet += 1;
      continue;
    }
    const text = [
      `[이번 주 ${head.villageName} 소식] ${formatKoreanDate(now, deps.timezone)}`,
      templateSummary(sections, '이번 주'),
      renderSections(sections),
    ].join('\n\n');
    const queued = await enqueueToMember(deps.db, deps, {
      memberId: head.memberId,
      dedupeKey: `digest:head:${head.memberId}:${head.villageId}:${date}`,
      purpose: 'digest.head',
      messages: [{ text: waiting(sections) ? `${text}\n\n승인이나 거절은 "승인"을 보내 주세요.` : text }],
    });
    if (queued) result.queued += 1;
  }
  return result;
}

function waiting(sections: readonly { key: string; figures: { value: number }[] }[]): boolean {
  return sections.some((s) => s.key === 'registrations.pending' && (s.figures[0]?.value ?? 0) > 0);
}
