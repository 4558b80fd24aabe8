import { and, count, inArray, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { counties, districts, groupChats, villages } from '../../db/schema/index.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import { holdsNoRole } from '../members/resident.rule.ts';
import { audienceCtes, rowsOf } from './broadcast.audience.ts';
import { type BroadcastScope, describeScope, type PlaceCatalog } from './broadcast.scope.ts';
import { type BroadcastDraft, broadcastMessage, checkBroadcast, type DraftRefusal } from './broadcast.usecases.ts';

/** A count by platform ("line" 812, "discord" 40), most first. */
export type PlatformCount = { platform: string; count: number };

/** What a broadcast would do if sent now (or at its time): where, to how many, when, and what they would read. */
export type BroadcastPreview = {
  kind: 'preview';
  /** The places in words: "고성읍 고성1리", "고성군 전체". */
  places: string;
  /** Everyone reached directly, by the platform each is reached on. */
  people: PlatformCount[];
  peopleTotal: number;
  /** Of them, residents by the one rule (core/members/resident.rule.ts): heads and staff are not residents. */
  residentsTotal: number;
  /** Of them, village heads and staff of these villages, who get it too. */
  others: number;
  /** Those who chose the daily digest: an ordinary broadcast reaches them there. */
  digest: number;
  groupChats: PlatformCount[];
  groupChatsTotal: number;
  /** Held by quiet hours at the send time: how many, and from when to when they are released. */
  held: { count: number; first: Date | null; last: Date | null };
  urgent: boolean;
  sendAt: Date;
  scheduled: boolean;
  /** The message exactly as residents and village chats will receive it. */
  message: OutboundMessage;
};

export type PreviewBroadcastResult = BroadcastPreview | DraftRefusal;

/**
 * The preview of a broadcast, without sending anything: checked as sendBroadcast checks it, and counted by the same
 * rule as its fan-out (broadcast.audience.ts), at the send time — so a scheduled one shows the quiet hours of then.
 * Chat shows it before "보내기"; the staff console can show the same.
 */
export async function previewBroadcast(input: BroadcastDraft): Promise<PreviewBroadcastResult> {
  const checked = await checkBroadcast(input);
  if (checked.kind !== 'ok') return checked;
  const { tx, deps } = input;
  const villageIds = checked.inScope.map((v) => v.id);
  const urgent = input.category === 'urgent';
  const audience = villageIds.length
    ? rowsOf<{ platform: string; people: number; residents: number; held: number; first: unknown; last: unknown }>(
        await tx.execute(sql`
          with ${audienceCtes({ villageIds, senderId: input.sender.memberId, urgent, at: checked.sendAt.toISOString(), timezone: deps.timezone })}
          select platform, count(*)::int as people,
            (count(*) filter (where ${holdsNoRole(sql.raw('timed.member_id'))}))::int as residents,
            count(held)::int as held, min(held) as first, max(held) as last
          from timed group by platform`),
      )
    : [];
  const [digestRow] = villageIds.length
    ? rowsOf<{ digest: number }>(
        await tx.execute(sql`
          with ${audienceCtes({ villageIds, senderId: input.sender.memberId, urgent, at: checked.sendAt.toISOString(), timezone: deps.timezone })}
          select count(*)::int as digest from chosen where digest`),
      )
    : [];
  const chats = villageIds.length
    ? await tx
        .select({ platform: groupChats.platform, count: count() })
        .from(groupChats)
        .where(and(inArray(groupChats.villageId, villageIds), isNotNull(groupChats.villageId)))
        .groupBy(groupChats.platform)
    : [];
  const dates = audience.flatMap((a) => [a.first, a.last]).filter((d) => d !== null && d !== undefined);
  const times = dates.map((d) => new Date(d as string | Date).getTime()).sort((a, b) => a - b);
  const people = byCount(audience.map((a) => ({ platform: a.platform, count: a.people })));
  const peopleTotal = people.reduce((sum, p) => sum + p.count, 0);
  const residentsTotal = audience.reduce((sum, a) => sum + a.residents, 0);
  const groupChatCounts = byCount(chats.map((c) => ({ platform: c.platform, count: Number(c.count) })));
  return {
    kind: 'preview',
    places: await scopeInWords(tx, input.scope),
    people,
    peopleTotal,
    residentsTotal,
    others: peopleTotal - residentsTotal,
    digest: digestRow?.digest ?? 0,
    groupChats: groupChatCounts,
    groupChatsTotal: groupChatCounts.reduce((sum, p) => sum + p.count, 0),
    held: {
      count: audience.reduce((sum, a) => sum + a.held, 0),
      first: times.length ? new Date(times[0] ?? 0) : null,
      last: times.length ? new Date(times.at(-1) ?? 0) : null,
    },
    urgent,
    sendAt: checked.sendAt,
    scheduled: checked.scheduled,
    message: broadcastMessage(
      { category: input.category, body: checked.body, senderLabel: input.sender.label },
      checked.sendAt,
      deps.timezone,
    ),
  };
}

function byCount(counts: PlatformCount[]): PlatformCount[] {
  return counts.filter((c) => c.count > 0).sort((a, b) => b.count - a.count || a.platform.localeCompare(b.platform));
}

/** Every district and village, to match names typed and to say a scope in words. */
export async function loadPlaceCatalog(tx: DbOrTx): Promise<PlaceCatalog & { countyName: string }> {
  const districtRows = await tx
    .select({ code: districts.code, nameKo: districts.nameKo })
    .from(districts)
    .orderBy(districts.code);
  const villageRows = await tx
    .select({ id: villages.id, nameKo: villages.nameKo, districtCode: villages.districtCode })
    .from(villages)
    .orderBy(villages.id);
  const [county] = await tx.select({ nameKo: counties.nameKo }).from(counties).limit(1);
  return { districts: districtRows, villages: villageRows, countyName: county?.nameKo ?? '군' };
}

export async function scopeInWords(tx: DbOrTx, scope: BroadcastScope): Promise<string> {
  return describeScope(scope, await loadPlaceCatalog(tx));
}
