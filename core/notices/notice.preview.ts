import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { counties, groupChats, identities, members, roles, villages } from '../../db/schema/index.ts';
import { type PlatformCount, scopeInWords } from '../broadcasts/broadcast.preview.ts';
import { quietUntil } from '../delivery/quiet.hours.ts';
import { headCard } from './notice.text.ts';
import { checkNotice, type NoticeDraft, type NoticeRefusal } from './notice.check.ts';

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
  const headRows = villageIds.length
    ? await tx
        .select({ memberId: roles.memberId, villageId: roles.villageId })
        .from(roles)
        .where(and(eq(roles.role, 'village_head'), inArray(roles.villageId, villageIds)))
    : [];
  const headIds = [...new Set(headRows.map((h) => h.memberId))];
  const byPlatform = new Map<string, number>();
  const held: Date[] = [];
  let unreachable = 0;
  for (const memberId of headIds) {
    const [identity] = await tx
      .select({ platform: identities.platform })
      .from(identities)
      .where(and(eq(identities.memberId, memberId), eq(identities.reachable, true)))
      .orderBy(sql`${identities.lastSeenAt} desc nulls last`, desc(identities.id))
      .limit(1);
    if (!identity) {
      unreachable++;
      continue;
    }
    byPlatform.set(identity.platform, (byPlatform.get(identity.platform) ?? 0) + 1);
    const [member] = await tx
      .select({ start: members.quietStart, end: members.quietEnd })
      .from(members)
      .where(eq(members.id, memberId));
    const until = member && input.priority !== 'high' ? quietUntil(now, member, deps.timezone) : null;
    if (until) held.push(until);
  }
  const [auto] = villageIds.length
    ? await tx
        .select({ chats: sql<number>`count(*)::int` })
        .from(groupChats)
        .innerJoin(villages, eq(villages.id, groupChats.villageId))
        .where(and(inArray(villages.id, villageIds), eq(villages.autoRelay, true), isNotNull(groupChats.villageId)))
    : [];
  const [county] = await tx.select({ nameKo: counties.nameKo }).from(counties).limit(1);
  const card = headCard(
    {
      id: 0,
      countyName: county?.nameKo ?? '군청',
      priority: input.priority,
      body: checked.body,
      senderLabel: input.sender.label,
      createdAt: now,
      ackDeadline: input.ackDeadline ?? null,
    },
    deps.timezone,
  );
  const heads = [...byPlatform].map(([platform, count]) => ({ platform, count }));
  heads.sort((a, b) => b.count - a.count || a.platform.localeCompare(b.platform));
  held.sort((a, b) => a.getTime() - b.getTime());
  const headed = new Set(headRows.map((h) => h.villageId));
  return {
    kind: 'preview',
    places: await scopeInWords(tx, input.scope),
    villages: villageIds.length,
    villagesWithoutHead: villageIds.filter((id) => !headed.has(id)).length,
    heads,
    headsTotal: headIds.length,
    unreachable,
    held: { count: held.length, first: held[0] ?? null, last: held.at(-1) ?? null },
    high: input.priority === 'high',
    deadline: input.ackDeadline ?? null,
    autoRelayChats: Number(auto?.chats ?? 0),
    card: card.text,
  };
}
