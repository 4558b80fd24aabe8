import type { PlatformCount } from '../broadcasts/broadcast.preview.ts';
import { byCount } from '../broadcasts/broadcast.rules.ts';
import { scopeInWords } from '../broadcasts/broadcast.usecases.ts';
import { quietUntil } from '../delivery/quiet.hours.ts';
import { headCard } from './notice.text.ts';
import { checkNotice, type NoticeDraft, type NoticeRefusal } from './notice.check.ts';
import { countyName, villageHeads } from './notice.repository.ts';
import { quietHoursOf } from '../members/member.directory.ts';
import { autoRelayChatCount, preferredPlatform } from './notice.tracking.repository.ts';

/** What a notice would do if sent now: where, to which heads on which platform, quiet hours, and the card they read. */
export type NoticePreview = {
  kind: 'preview';
  places: string;
  villages: number;
  villagesWithoutHead: number;
  /** Village heads reached, by the platform each is reached on. */
  heads: PlatformCount[];
  headsTotal: number;
  /** Heads with no reachable chat account: the notice waits in their status as not delivered. */
  unreachable: number;
  /** Held by quiet hours now (a high-priority notice is not). */
  held: { count: number; first: Date | null; last: Date | null };
  high: boolean;
  deadline: Date | null;
  /** Village chats that chose automatic relay: the notice is posted there at once. */
  autoRelayChats: number;
  /** The card's text exactly as a head reads it (its number is given when it is sent). */
  card: string;
};

export type PreviewNoticeResult = NoticePreview | NoticeRefusal;

/**
 * The preview of a notice, without sending anything: checked as sendNotice checks it; each head counted on the
 * platform enqueueToMember would choose (the reachable account seen most recently), held as it would hold them.
 */
export async function previewNotice(input: NoticeDraft): Promise<PreviewNoticeResult> {
  const checked = await checkNotice(input);
  if (checked.kind !== 'ok') return checked;
  const { tx, deps } = input;
  const now = deps.clock.now();
  const villageIds = checked.inScope.map((v) => v.id);
  const headRows = await villageHeads(tx, villageIds);
  const headIds = [...new Set(headRows.map((h) => h.memberId))];
  const byPlatform = new Map<string, number>();
  const held: Date[] = [];
  let unreachable = 0;
  for (const memberId of headIds) {
    const platform = await preferredPlatform(tx, memberId);
    if (!platform) {
      unreachable++;
      continue;
    }
    byPlatform.set(platform, (byPlatform.get(platform) ?? 0) + 1);
    const member = await quietHoursOf(tx, memberId);
    const until = member && input.priority !== 'high' ? quietUntil(now, member, deps.timezone) : null;
    if (until) held.push(until);
  }
  const autoRelayChats = await autoRelayChatCount(tx, villageIds);
  const county = await countyName(tx);
  const card = headCard(
    {
      id: 0,
      countyName: county ?? '군청',
      priority: input.priority,
      body: checked.body,
      senderLabel: input.sender.label,
      createdAt: now,
      ackDeadline: input.ackDeadline ?? null,
    },
    deps.timezone,
  );
  const heads = byCount([...byPlatform].map(([platform, count]) => ({ platform, count })));
  held.sort((a, b) => a.getTime() - b.getTime());
  const headed = new Set(headRows.map((h) => h.villageId));
  return {
    kind: 'preview',
    places: await scopeInWords({ tx, scope: input.scope }),
    villages: villageIds.length,
    villagesWithoutHead: villageIds.filter((id) => !headed.has(id)).length,
    heads,
    headsTotal: headIds.length,
    unreachable,
    held: { count: held.length, first: held[0] ?? null, last: held.at(-1) ?? null },
    high: input.priority === 'high',
    deadline: input.ackDeadline ?? null,
    autoRelayChats,
    card: card.text,
  };
}
