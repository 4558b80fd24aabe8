import { inArray } from 'drizzle-orm';
import { members, roles } from '../../db/schema/index.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import { quietUntil } from '../delivery/quiet.hours.ts';
import { countyDateKey, countyParts, startOfCountyDay } from '../time/county.time.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';

export type RequestReach = {
  /** How many approvers the request was queued for (an approver with no reachable chat gets nothing). */
  queued: number;
  /** When the first of them gets it: null for "now"; else the end of their quiet hours. */
  at: Date | null;
  /** Who decides it: the village's head, else district or county staff (no head, or the number is appointed). */
  approver: 'head' | 'district' | 'county';
};

/**
 * Sends the approval request to each approver, and says when it will reach the first of them: a request at night
 * is held for the approver's quiet hours, and the resident is told so. The hold is the delivery's own rule
 * (`quietUntil`, the approver's window), the same one `notify` applies when it queues the message.
 */
export async function sendApprovalRequests(
  turn: Turn,
  input: { approverIds: readonly number[]; villageId: number; request: OutboundMessage },
): Promise<RequestReach> {
  const ids = [...input.approverIds];
  if (ids.length === 0) return { queued: 0, at: null, approver: 'head' };
  const windows = await turn.tx
    .select({ id: members.id, start: members.quietStart, end: members.quietEnd })
    .from(members)
    .where(inArray(members.id, ids));
  const held = await turn.tx
    .select({ role: roles.role, villageId: roles.villageId })
    .from(roles)
    .where(inArray(roles.memberId, ids));
  const approver = held.some((r) => r.role === 'village_head' && r.villageId === input.villageId)
    ? 'head'
    : held.some((r) => r.role === 'district_staff')
      ? 'district'
      : 'county';
  let queued = 0;
  let at: Date | null | undefined;
  for (const approverId of ids) {
    const sent = await turn.notify(approverId, [input.request], {
      purpose: 'registration.request',
      key: `approver:${approverId}`,
      aboutMemberId: turn.actor.memberId,
    });
    if (!sent) continue;
    queued++;
    const w = windows.find((r) => r.id === approverId);
    const until = w ? quietUntil(turn.now, { start: w.start, end: w.end }, turn.deps.timezone) : null;
    if (until === null) at = null;
    else if (at !== null && (at === undefined || until < at)) at = until;
  }
  return { queued, at: at ?? null, approver };
}

/** "오늘 07:00", "내일 07:00", or the date for anything later ("11.26.(목) 07:00"). */
export function whenInWords(at: Date, now: Date, timeZone: string): string {
  const p = countyParts(at, timeZone);
  const hhmm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  if (countyDateKey(at, timeZone) === countyDateKey(now, timeZone)) return `오늘 ${hhmm}`;
  // Midday of the next county day, whatever the length of today.
  const tomorrow = new Date(startOfCountyDay(now, timeZone).getTime() + 36 * 3_600_000);
  if (countyDateKey(at, timeZone) === countyDateKey(tomorrow, timeZone)) return `내일 ${hhmm}`;
  return formatKoreanDateTime(at, timeZone);
}
