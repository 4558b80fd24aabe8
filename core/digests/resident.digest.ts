import { and, arrayOverlaps, asc, eq, gt, lte, ne, or } from 'drizzle-orm';
import { broadcasts, members, registrations, villages } from '../../db/schema/index.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { lastWrittenTo, subjectsWrittenTo } from '../delivery/delivery.subject.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { countyDateKey, formatKoreanDate, lastOccurrence } from '../time/county.time.ts';

export type ResidentDigestResult = { due: number; queued: number; empty: number; unreachable: number };

const DAY = 24 * 3_600_000;
/** Shown in full; the rest are counted and can be read with "방송". */
const MAX_SHOWN = 10;

/**
 * Whose digest is due in a run: their chosen time's latest occurrence falls in (windowStart, slot]. A pure function,
 * so that a run every 30 minutes (or any schedule) picks each resident exactly once a day.
 */
export function isDigestDue(digestTime: string, windowStart: Date, slot: Date, timeZone: string): boolean {
  const at = lastOccurrence(digestTime, slot, timeZone);
  return at.getTime() > windowStart.getTime();
}

/**
 * The resident broadcast digest: each registered resident in digest mode whose time is due gets, in one message,
 * the non-urgent broadcasts of their village since their last digest (at most a day back) that did not already
 * reach them one by one (urgent broadcasts always do; so do those sent before they chose the digest). Nothing when
 * there were none. Once per resident and county day (dedupe key); quiet hours apply as to any message.
 */
export async function sendResidentDigests(input: {
  deps: CoreDeps;
  slot: Date;
  windowStart: Date;
}): Promise<ResidentDigestResult> {
  const { deps, slot } = input;
  const candidates = await deps.db
    .select({
      memberId: members.id,
      digestTime: members.digestTime,
      villageId: registrations.villageId,
      villageName: villages.nameKo,
      districtCode: villages.districtCode,
    })
    .from(members)
    .innerJoin(registrations, and(eq(registrations.memberId, members.id), eq(registrations.status, 'approved')))
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .where(eq(members.broadcastMode, 'digest'))
    .orderBy(asc(members.id));
  const due = candidates.filter((c) => isDigestDue(c.digestTime, input.windowStart, slot, deps.timezone));
  const result: ResidentDigestResult = { due: due.length, queued: 0, empty: 0, unreachable: 0 };
  if (due.length === 0) return result;
  const previous = await lastWrittenTo({
    tx: deps.db,
    memberIds: due.map((d) => d.memberId),
    purpose: 'digest.resident',
  });
  const date = countyDateKey(slot, deps.timezone);
  for (const resident of due) {
    const last = previous.get(resident.memberId);
    const since = new Date(Math.max(slot.getTime() - DAY, last ? last.getTime() : 0));
    const inScope = await deps.db
      .select({
        id: broadcasts.id,
        category: broadcasts.category,
        body: broadcasts.body,
        senderLabel: broadcasts.senderLabel,
        sendAt: broadcasts.sendAt,
      })
      .from(broadcasts)
      .where(
        and(
          // When it went out (a scheduled broadcast goes out at its time; a cancelled one never does).
          gt(broadcasts.fannedOutAt, since),
          lte(broadcasts.fannedOutAt, slot),
          ne(broadcasts.category, 'urgent'),
          ne(broadcasts.createdBy, resident.memberId),
          or(
            eq(broadcasts.scopeKind, 'county'),
            and(
              eq(broadcasts.scopeKind, 'districts'),
              arrayOverlaps(broadcasts.scopeDistricts, [resident.districtCode]),
            ),
            and(eq(broadcasts.scopeKind, 'villages'), arrayOverlaps(broadcasts.scopeVillages, [resident.villageId])),
          ),
        ),
      )
      .orderBy(asc(broadcasts.sendAt), asc(broadcasts.id));
    // Those that wrote the resident a delivery of their own (urgent ones, or sent before they chose the digest).
    const written = await subjectsWrittenTo({
      tx: deps.db,
      kind: 'broadcast',
      ids: inScope.map((c) => c.id),
      memberId: resident.memberId,
    });
    const items = inScope.filter((c) => !written.has(c.id));
    if (items.length === 0) {
      result.empty += 1;
      continue;
    }
    const queued = await enqueueToMember(deps.db, deps, {
      memberId: resident.memberId,
      dedupeKey: `digest:resident:${resident.memberId}:${date}`,
      purpose: 'digest.resident',
      messages: [
        residentDigestMessage({
          villageName: resident.villageName,
          day: formatKoreanDate(slot, deps.timezone),
          items,
          timezone: deps.timezone,
        }),
      ],
    });
    if (queued) result.queued += 1;
    else result.unreachable += 1;
  }
  return result;
}

export function residentDigestMessage(input: {
  villageName: string;
  day: string;
  items: { category: string; body: string; senderLabel: string; sendAt: Date }[];
  timezone: string;
}): OutboundMessage {
  const shown = input.items.slice(0, MAX_SHOWN);
  const rest = input.items.length - shown.length;
  const text = [
    `[마을방송 모아 보기] ${input.day}`,
    `${input.villageName}에 온 마을방송 ${input.items.length}건입니다.`,
    ...shown.map(
      (b, i) =>
        `${i + 1}) ${b.category === 'event' ? '[행사] ' : ''}${formatKoreanDateTime(b.sendAt, input.timezone)} — ${b.senderLabel}\n${b.body}`,
    ),
    ...(rest > 0 ? [`그 밖의 ${rest}건은 "방송"을 보내 보실 수 있습니다.`] : []),
    '받는 방법을 바꾸시려면 "설정"을 보내 주세요.',
  ].join('\n\n');
  return { text };
}
