import type { OutboundMessage } from '../channel/channel.types.ts';
import { countBroadcastByPhone } from '../phone/phone.broadcast.usecases.ts';
import { unitPrices } from '../phone/phone.prices.ts';
import { type CostLine, estimateCost, fitPhoneText } from '../phone/phone.rules.ts';
import { countAudience, countVillageChats } from './broadcast.audience.repository.ts';
import { broadcastMessage, byCount } from './broadcast.rules.ts';
import { type BroadcastDraft, checkBroadcast, type DraftRefusal, scopeInWords } from './broadcast.usecases.ts';

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
  /**
   * What it costs the county, by channel (issue 17): texts to those reached by phone (SMS or LMS by the text's
   * length) and, for 긴급, to everyone who consented beside their chat; first calls to those who chose 전화로 듣기;
   * KakaoTalk messages. At the unit prices set (PRICE_*_WON); an unanswered call tried again costs again.
   */
  cost?: CostLine[] | undefined;
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
  const { byPlatform: audience, digest } = await countAudience(tx, {
    villageIds,
    senderId: input.sender.memberId,
    urgent,
    at: checked.sendAt.toISOString(),
    timezone: deps.timezone,
  });
  const chats = await countVillageChats(tx, villageIds);
  const dates = audience.flatMap((a) => [a.first, a.last]).filter((d) => d !== null && d !== undefined);
  const times = dates.map((d) => new Date(d as string | Date).getTime()).sort((a, b) => a - b);
  const people = byCount(audience.map((a) => ({ platform: a.platform, count: a.people })));
  const peopleTotal = people.reduce((sum, p) => sum + p.count, 0);
  const residentsTotal = audience.reduce((sum, a) => sum + a.residents, 0);
  const groupChatCounts = byCount(chats);
  const message = broadcastMessage(
    { category: input.category, body: checked.body, senderLabel: input.sender.label },
    checked.sendAt,
    deps.timezone,
  );
  const byPhone = await countBroadcastByPhone({ tx, villageIds, senderId: input.sender.memberId, urgent });
  const texts = (people.find((p) => p.platform === 'phone')?.count ?? 0) + byPhone.urgentSms;
  const textKind = fitPhoneText(message.text, '').kind;
  const cost = estimateCost(
    { [textKind]: texts, voice: byPhone.calls, kakao: people.find((p) => p.platform === 'kakao')?.count ?? 0 },
    unitPrices(),
  );
  return {
    kind: 'preview',
    places: await scopeInWords({ tx, scope: input.scope }),
    people,
    peopleTotal,
    residentsTotal,
    others: peopleTotal - residentsTotal,
    digest,
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
    message,
    cost,
  };
}
