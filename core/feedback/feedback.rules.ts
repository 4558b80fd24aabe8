import type { FeedbackCategory } from '../../db/schema/feedback.schema.ts';
import { countyParts, countyTime } from '../time/county.time.ts';

/**
 * The feedback feature's pure rules: triage by keywords, receipt numbers, the answer deadline, what a resident may
 * send and when. No database, no clock: every function takes what it decides on.
 */

/** What triage decides about an item: by the model, or by these rules when there is none or it fails. */
export type Triage = { category: FeedbackCategory; urgent: boolean; summary: string };

/**
 * A county's feedback rules. `dailyLimit` counts new items a day (FEEDBACK_DAILY_LIMIT), `replyDailyLimit` the
 * follow-ups a resident adds to their items a day (FEEDBACK_REPLY_DAILY_LIMIT): apart, so that writing back never
 * uses up the day's items, and follow-ups cannot stand in for items beyond the limit.
 */
export type FeedbackSettings = {
  maxLength: number;
  dailyLimit: number;
  replyDailyLimit: number;
  slaWorkingDays: number;
  reopenDays: number;
};
export const defaultFeedbackSettings: FeedbackSettings = {
  maxLength: 1000,
  dailyLimit: 5,
  replyDailyLimit: 5,
  slaWorkingDays: 3,
  reopenDays: 14,
};

export const categoryKo: Record<FeedbackCategory, string> = {
  road: '도로·교통',
  environment: '환경·쓰레기',
  welfare: '복지·돌봄',
  safety: '안전·재난',
  farming: '농업',
  admin: '행정',
  other: '기타',
};

// Ordered: on a tie the earlier category wins (a danger on a road is a road matter, flagged urgent).
const keywords: [FeedbackCategory, RegExp][] = [
  ['road', /도로|길에|골목|포장|구멍|포트홀|신호등|교통|버스|주차|가로등|인도|횡단보도|교량|다리가|제설|빙판/g],
  ['environment', /쓰레기|분리수거|악취|냄새|소음|오염|폐기물|투기|청소|매연|미세먼지|하수|오물/g],
  ['welfare', /복지|돌봄|어르신|노인|장애|기초생활|요양|경로당|다문화|육아|독거|식사|도시락|방문간호/g],
  ['safety', /화재|산불|불이|붕괴|침수|홍수|태풍|낙석|사고|안전|재난|가스|누전|멧돼지|대피|무너/g],
  ['farming', /농업|농사|농기계|비료|농약|벼|논에|밭에|축사|가축|과수|병해충|수매|농로|저수지/g],
  ['admin', /민원|서류|증명서|신청서|세금|등본|행정|전입|공무원|발급|수수료/g],
];
const URGENT = /위험|긴급|급합|급해|당장|다쳤|다칠|사고|화재|불이 났|붕괴|무너|침수|가스 ?(?:냄새|누출)|쓰러/;

/**
 * Offline triage (도로·교통, 환경·쓰레기, 복지·돌봄, 안전·재난, 농업, 행정, 기타): the keyword with the most hits names the
 * category; words of danger make it urgent. The summary is the first sentence, already scrubbed by the caller.
 */
export function triageByRules(text: string): Triage {
  let best: FeedbackCategory = 'other';
  let bestHits = 0;
  for (const [category, pattern] of keywords) {
    const hits = text.match(pattern)?.length ?? 0;
    if (hits > bestHits) [best, bestHits] = [category, hits];
  }
  return { category: best, urgent: URGENT.test(text), summary: firstSentence(text) };
}

export function firstSentence(text: string, max = 40): string {
  const sentence = text.trim().split(/(?<=[.!?。])\s|\n/u)[0] ?? '';
  const chars = [...sentence.trim()];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

/** "2026-000123", "2026-123" or "123" (this year's) → "2026-000123". */
export function normalizeReceipt(text: string, year: number): string | null {
  const m = /^#?(?:(\d{4})-)?(\d{1,6})$/.exec(text.trim());
  return m ? `${m[1] ?? year}-${(m[2] ?? '').padStart(6, '0')}` : null;
}

export function receiptNo(year: number, sequence: number): string {
  return `${year}-${String(sequence).padStart(6, '0')}`;
}

/** When the county office closes: an answer is due by then, never in the middle of the night. */
export const END_OF_WORKING_DAY = { hour: 18, minute: 0 } as const;

/**
 * When a first answer is due: at the end of the working day (18:00 county time), `days` working days later.
 * Saturdays and Sundays do not count (public holidays are not known here: a holiday calendar would be
 * configuration). Written on a weekend, the count starts on Monday. Written at 02:54, the day it was written in does
 * not count either: the deadline is always the end of a whole working day.
 */
export function dueAfterWorkingDays(createdAt: Date, days: number, timeZone: string): Date {
  const start = countyParts(createdAt, timeZone);
  const day = new Date(Date.UTC(start.year, start.month - 1, start.day));
  let left = days;
  while (left > 0) {
    day.setUTCDate(day.getUTCDate() + 1);
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  const wall = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
  return countyTime({ ...wall, ...END_OF_WORKING_DAY }, timeZone);
}

/** Midnight at the start of the county day `now` falls in: daily limits count from there. */
export function startOfDay(now: Date, timeZone: string): Date {
  return countyTime({ ...countyParts(now, timeZone), hour: 0, minute: 0 }, timeZone);
}

/** Midnight at the start of the next county day: when a daily limit allows again. */
export function startOfNextDay(now: Date, timeZone: string): Date {
  const p = countyParts(now, timeZone);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  return countyTime(
    { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0 },
    timeZone,
  );
}

export type TextCheck = { kind: 'ok'; text: string } | { kind: 'empty' } | { kind: 'too_long'; length: number };

/** A text a resident sends (an item or a follow-up): trimmed, not empty, at most `max` characters. */
export function checkText(text: string, max: number): TextCheck {
  const trimmed = text.trim();
  if (!trimmed) return { kind: 'empty' };
  const length = [...trimmed].length;
  return length > max ? { kind: 'too_long', length } : { kind: 'ok', text: trimmed };
}

/** A closed item may be reopened by its writer within `days` days of closing. */
export function mayReopen(closedAt: Date | null, now: Date, days: number): boolean {
  return now.getTime() - (closedAt?.getTime() ?? 0) <= days * 86_400_000;
}

/** 의견 만족: a whole number from 1 to 5. */
export function isSatisfaction(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 5;
}

/** 의견 평가 … 해결|미해결: anything that says "not" means not resolved. */
export function readResolved(value: string): boolean {
  return !/미해결|아니|안/.test(value);
}
