import { and, arrayOverlaps, asc, eq, gte, isNotNull, lt, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { broadcasts, districts, registrations, villages } from '../../db/schema/index.ts';
import { noOpenAppointment } from '../admin/appointments.ts';
import { reachOf } from '../delivery/delivery.subject.ts';
import { residentRegistration } from '../members/resident.rule.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { feedbackSection } from '../feedback/feedback.digest.ts';
import { noticesSection } from '../notices/notice.digest.ts';
import { phoneCostSection } from '../phone/phone.digest.ts';
import { votesSection } from '../votes/votes.digest.ts';
import { workshopSignupsSection } from '../workshops/workshop.digest.ts';
import type { DigestScope, SectionProvider } from './digest.sections.ts';
import { formatKoreanDate } from '../time/county.time.ts';

const categoryTag: Record<string, string> = { general: '', event: '[행사] ', urgent: '[긴급] ' };

/** Broadcasts sent in the period that reached the scope, with their deliveries to residents of the scope. */
export function broadcastsSection(title: string): SectionProvider {
  return async ({ tx, scope, since, until, timezone }) => {
    const sent = await tx
      .select({ id: broadcasts.id, category: broadcasts.category, body: broadcasts.body, sendAt: broadcasts.sendAt })
      .from(broadcasts)
      .where(
        and(
          gte(broadcasts.sendAt, since),
          lt(broadcasts.sendAt, until),
          isNotNull(broadcasts.fannedOutAt),
          await reachesScope(tx, scope),
        ),
      )
      .orderBy(asc(broadcasts.sendAt), asc(broadcasts.id));
    const counts = sent.length
      ? await deliveryCounts(
          tx,
          scope,
          sent.map((b) => b.id),
        )
      : [];
    const of = (id: number | null, status: string) =>
      counts
        .filter(
          (c) =>
            (id === null || c.broadcastId === id) &&
            (status === 'queued' ? c.status === 'queued' || c.status === 'retrying' : c.status === status),
        )
        .reduce((n, c) => n + c.n, 0);
    const totals = { sent: of(null, 'sent'), queued: of(null, 'queued'), failed: of(null, 'failed') };
    return {
      key: 'broadcasts',
      title,
      headline: sent.length
        ? `${sent.length}건 (보냄 ${totals.sent} · 대기 ${totals.queued} · 실패 ${totals.failed})`
        : '없음',
      lines: sent.map(
        (b) =>
          `· ${formatKoreanDateTime(b.sendAt, timezone)} ${categoryTag[b.category] ?? ''}"${excerpt(b.body)}" — 보냄 ${of(b.id, 'sent')} · 대기 ${of(b.id, 'queued')} · 실패 ${of(b.id, 'failed')}`,
      ),
      figures: [
        { label: '마을방송', value: sent.length, unit: '건' },
        { label: '보냄', value: totals.sent, unit: '건' },
        { label: '대기', value: totals.queued, unit: '건' },
        { label: '실패', value: totals.failed, unit: '건' },
      ],
    };
  };
}

/**
 * Registrations still waiting for a decision, submitted at least `olderThanHours` before the end of the period.
 * `headDecides`: only those a village head may decide (not those whose number carries an appointment: the district
 * office decides them).
 */
export function pendingRegistrationsSection(
  title: string,
  olderThanHours: number,
  options: { headDecides?: boolean } = {},
): SectionProvider {
  return async ({ tx, scope, until, timezone }) => {
    const cutoff = new Date(until.getTime() - olderThanHours * 3_600_000);
    const rows = await byVillage(
      tx,
      scope,
      and(
        eq(registrations.status, 'pending'),
        lt(registrations.createdAt, cutoff),
        options.headDecides ? noOpenAppointment(registrations.mobileHash) : undefined,
      ),
      registrations.createdAt,
    );
    const total = rows.reduce((n, r) => n + r.n, 0);
    return {
      key: 'registrations.pending',
      title,
      headline: total ? `${total}건` : '없음',
      lines: rows.map(
        (r) => `· ${r.place} ${r.n}건 (가장 오래된 신청 ${r.oldest ? formatKoreanDate(r.oldest, timezone) : '-'})`,
      ),
      figures: [{ label: '등록 대기', value: total, unit: '건' }],
    };
  };
}

/** Residents whose registration was approved in the period (heads and staff are not residents: resident.rule). */
export function newResidentsSection(title: string): SectionProvider {
  return async ({ tx, scope, since, until }) => {
    const rows = await byVillage(
      tx,
      scope,
      and(residentRegistration(), gte(registrations.decidedAt, since), lt(registrations.decidedAt, until)),
      registrations.decidedAt,
    );
    const total = rows.reduce((n, r) => n + r.n, 0);
    return {
      key: 'residents.new',
      title,
      headline: total ? `${total}명` : '없음',
      lines: rows.map((r) => `· ${r.place} ${r.n}명`),
      figures: [{ label: '새 주민', value: total, unit: '명' }],
    };
  };
}

/** What the staff rooms read each morning, in this order. Feedback, notices and workshops add a provider each. */
export const staffDigestSections: readonly SectionProvider[] = [
  broadcastsSection('지난 하루 마을방송'),
  pendingRegistrationsSection('하루 넘게 기다리는 등록 신청', 24),
  newResidentsSection('지난 하루 새로 승인된 주민'),
  feedbackSection('주민 의견'),
  noticesSection('확인·전달이 멈춘 이장 공지'),
  workshopSignupsSection('교육 신청'),
  votesSection('투표·주민참여예산'),
  phoneCostSection('이번 달 문자·전화 비용 (군 전체)'),
];

function excerpt(body: string, max = 24): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return [...flat].length > max ? `${[...flat].slice(0, max).join('')}…` : flat;
}

function villageFilter(scope: DigestScope): SQL | undefined {
  if (scope.kind === 'county') return undefined;
  if (scope.kind === 'district') return eq(villages.districtCode, scope.districtCode);
  return eq(villages.id, scope.villageId);
}

/** County-wide broadcasts reach every scope; district and village broadcasts the scopes they overlap. */
async function reachesScope(tx: DbOrTx, scope: DigestScope): Promise<SQL | undefined> {
  if (scope.kind === 'county') return undefined;
  const villageIds =
    scope.kind === 'village'
      ? [scope.villageId]
      : (await tx.select({ id: villages.id }).from(villages).where(eq(villages.districtCode, scope.districtCode))).map(
          (v) => v.id,
        );
  return or(
    eq(broadcasts.scopeKind, 'county'),
    arrayOverlaps(broadcasts.scopeDistricts, [scope.districtCode]),
    arrayOverlaps(broadcasts.scopeVillages, villageIds),
  );
}

/** Deliveries to residents (not group chats), counted for recipients living in the scope. */
async function deliveryCounts(
  tx: DbOrTx,
  scope: DigestScope,
  ids: number[],
): Promise<{ broadcastId: number | null; status: string; n: number }[]> {
  const livingInScope =
    scope.kind === 'county'
      ? undefined
      : tx
          .select({ memberId: registrations.memberId })
          .from(registrations)
          .innerJoin(villages, eq(villages.id, registrations.villageId))
          .where(and(eq(registrations.status, 'approved'), villageFilter(scope)));
  const counts = new Map<string, { broadcastId: number; status: string; n: number }>();
  for (const r of await reachOf({ tx, kind: 'broadcast', ids, recipientsIn: livingInScope })) {
    const key = `${r.subjectId}:${r.status}`;
    const entry = counts.get(key) ?? { broadcastId: r.subjectId, status: r.status, n: 0 };
    entry.n += r.n;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

/** Registrations matching `where` in the scope, counted by village ("고성읍 고성1리"), oldest first. */
async function byVillage(
  tx: DbOrTx,
  scope: DigestScope,
  where: SQL | undefined,
  at: typeof registrations.createdAt | typeof registrations.decidedAt,
) {
  const rows = await tx
    .select({
      district: districts.nameKo,
      village: villages.nameKo,
      position: districts.position,
      villageId: villages.id,
      registrationAt: at,
    })
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .innerJoin(districts, eq(districts.code, villages.districtCode))
    .where(and(where, villageFilter(scope)))
    .orderBy(asc(districts.position), asc(villages.id));
  const grouped = new Map<number, { place: string; n: number; oldest: Date | null }>();
  for (const r of rows) {
    const g = grouped.get(r.villageId) ?? { place: `${r.district} ${r.village}`, n: 0, oldest: null };
    g.n += 1;
    if (r.registrationAt && (!g.oldest || r.registrationAt < g.oldest)) g.oldest = r.registrationAt;
    grouped.set(r.villageId, g);
  }
  return [...grouped.values()];
}
