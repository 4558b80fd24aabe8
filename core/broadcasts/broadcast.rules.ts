import type { BroadcastCategory } from '../../db/schema/messaging.schema.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import type { BroadcastScope } from './broadcast.scope.ts';

/** The broadcast rules without a database or a clock: limits, the message residents read, reach and non-receipt. */
export const BROADCAST_MAX_LENGTH = 1000;
/** How far ahead a broadcast may be scheduled: a month covers a village's calendar; further is a mistyped date. */
export const SCHEDULE_HORIZON_DAYS = 31;

const categoryKo: Record<BroadcastCategory, string> = {
  general: '마을방송',
  event: '마을방송·행사',
  urgent: '긴급 마을방송',
};

export type TimingRefusal =
  | { kind: 'empty' }
  | { kind: 'too_long'; length: number }
  | { kind: 'past'; sendAt: Date }
  | { kind: 'too_far'; sendAt: Date };

/**
 * The text and the time of a draft: the trimmed text, and the send time (now when none or already come; a minute
 * of slack for a time typed just now).
 */
export function checkTextAndTime(
  input: { body: string; sendAt?: Date | undefined },
  now: Date,
): TimingRefusal | { kind: 'ok'; body: string; sendAt: Date; scheduled: boolean } {
  const body = input.body.trim();
  if (!body) return { kind: 'empty' };
  if ([...body].length > BROADCAST_MAX_LENGTH) return { kind: 'too_long', length: [...body].length };
  const sendAt = input.sendAt && input.sendAt > now ? input.sendAt : now;
  if (input.sendAt && input.sendAt.getTime() < now.getTime() - 60_000) return { kind: 'past', sendAt: input.sendAt };
  if (sendAt.getTime() - now.getTime() > SCHEDULE_HORIZON_DAYS * 86_400_000) return { kind: 'too_far', sendAt };
  return { kind: 'ok', body, sendAt, scheduled: sendAt > now };
}

/** What a resident (and a village chat) receives: the category, the text, who sent it and when it went out. */
export function broadcastMessage(
  b: { category: BroadcastCategory; body: string; senderLabel: string },
  at: Date,
  timeZone: string,
): OutboundMessage {
  return { text: `[${categoryKo[b.category]}]\n${b.body}\n— ${b.senderLabel} · ${formatKoreanDateTime(at, timeZone)}` };
}

export function scopeOf(row: { scopeKind: string; scopeDistricts: string[]; scopeVillages: number[] }): BroadcastScope {
  if (row.scopeKind === 'county') return { kind: 'county' };
  if (row.scopeKind === 'districts') return { kind: 'districts', codes: row.scopeDistricts };
  return { kind: 'villages', ids: row.scopeVillages };
}

/** The stored scope columns of a scope. */
export function scopeColumns(scope: BroadcastScope): {
  scopeKind: BroadcastScope['kind'];
  scopeDistricts: string[];
  scopeVillages: number[];
} {
  return {
    scopeKind: scope.kind,
    scopeDistricts: scope.kind === 'districts' ? scope.codes : [],
    scopeVillages: scope.kind === 'villages' ? scope.ids : [],
  };
}

export type PlatformReach = { platform: string; queued: number; sent: number; failed: number; fallback: number };

/** Deliveries by status as 현황 shows them: retrying counts as waiting; `fallback`, of `sent`, came after a failure. */
export function tallyByPlatform(
  counts: readonly { platform: string; status: string; fallback: boolean; n: number }[],
): PlatformReach[] {
  const platforms = [...new Set(counts.map((c) => c.platform))].sort();
  return platforms.map((platform) => {
    const mine = counts.filter((c) => c.platform === platform);
    const of = (...statuses: string[]) =>
      mine.filter((c) => statuses.includes(c.status)).reduce((sum, c) => sum + c.n, 0);
    const fallback = mine.filter((c) => c.status === 'sent' && c.fallback).reduce((sum, c) => sum + c.n, 0);
    return { platform, queued: of('queued', 'retrying'), sent: of('sent'), failed: of('failed'), fallback };
  });
}

/** The residents a broadcast did not reach, by village; the sender is no one to knock on. */
export function missedByVillage<R extends { memberId: number; villageId: number }>(
  residents: readonly R[],
  reached: ReadonlySet<number | null>,
  senderId: number,
): Map<number, R[]> {
  const missed = residents.filter((r) => !reached.has(r.memberId) && r.memberId !== senderId);
  return Map.groupBy(missed, (r) => r.villageId);
}

/** What a head is told about the residents of their village a broadcast did not reach (names already masked). */
export function nonreceiptText(broadcastId: number, villageName: string, maskedNames: readonly string[]): string {
  return `[마을방송 #${broadcastId} 못 받은 주민 ${maskedNames.length}명 — ${villageName}]\n${maskedNames.join(', ')}\n휴대전화가 꺼져 있거나 알림을 막아 두신 분들입니다. 직접 전해 주시면 고맙겠습니다.`;
}

/** A count by platform ("line" 812, "discord" 40), most first; platforms with none left out. */
export function byCount<C extends { platform: string; count: number }>(counts: readonly C[]): C[] {
  return counts.filter((c) => c.count > 0).sort((a, b) => b.count - a.count || a.platform.localeCompare(b.platform));
}

/** Who a broadcast is from, as residents read it: the county office, a district office, or a village's head. */
export function senderLabelOf(
  from: { kind: 'county'; name: string | undefined } | { kind: 'district' | 'village'; name: string | undefined },
): string {
  // No county row (a fresh install): "군청", not "군청청".
  if (from.kind === 'county') return from.name ? `${from.name}청` : '군청';
  if (from.kind === 'district') return `${from.name ?? ''}사무소`;
  return `${from.name ?? ''} 이장`;
}

/** A preview older than half an hour is shown again with fresh counts before anything goes out (chat and console). */
const PREVIEW_FRESH_MS = 30 * 60_000;
export const STALE_PREVIEW_NOTE = '미리보기를 보여 드린 지 오래되어 지금 기준으로 다시 보여 드립니다.';

/** Whether a preview shown at `previewedAt` (ISO, as the form or dialog kept it) may still be confirmed. */
export function previewStillFresh(previewedAt: string | undefined, now: Date): boolean {
  return now.getTime() - Date.parse(previewedAt ?? '') <= PREVIEW_FRESH_MS;
}
