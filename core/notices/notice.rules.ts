// The notice rules without a database or a clock: hops counted, who is missing one, hops put together.

/** One village head of one village the notice went to, with each hop. */
export type RecipientHops = {
  districtCode: string;
  districtName: string;
  villageId: number;
  villageName: string;
  headMemberId: number;
  headName: string | null;
  delivered: boolean;
  acknowledgedAt: Date | null;
  /** The village's chats got it (by this head, another head of the village, or the automatic relay). */
  villageRelayed: boolean;
};

export type NoticeCounts = {
  heads: number;
  delivered: number;
  acknowledged: number;
  villages: number;
  relayedVillages: number;
};

/** Heads are counted once (a head of two villages is one person); villages once (two heads of one village). */
export function countHops(recipients: readonly RecipientHops[]): NoticeCounts {
  const heads = new Map<number, { delivered: boolean; acknowledged: boolean }>();
  for (const r of recipients) {
    const h = heads.get(r.headMemberId) ?? { delivered: false, acknowledged: false };
    heads.set(r.headMemberId, {
      delivered: h.delivered || r.delivered,
      acknowledged: h.acknowledged || r.acknowledgedAt !== null,
    });
  }
  const villageRelayed = new Map<number, boolean>();
  for (const r of recipients)
    villageRelayed.set(r.villageId, (villageRelayed.get(r.villageId) ?? false) || r.villageRelayed);
  return {
    heads: heads.size,
    delivered: [...heads.values()].filter((h) => h.delivered).length,
    acknowledged: [...heads.values()].filter((h) => h.acknowledged).length,
    villages: villageRelayed.size,
    relayedVillages: [...villageRelayed.values()].filter(Boolean).length,
  };
}

/** Recipients still missing a hop: not acknowledged, or their village's chats never got it. */
export function missingHops<T extends RecipientHops>(recipients: readonly T[]): T[] {
  return recipients.filter((r) => r.acknowledgedAt === null || !r.villageRelayed);
}

/** The recipient rows with their hops: the head's card sent, the village's chats reached. */
export function withHops<R extends { noticeId: number; villageId: number; headMemberId: number }>(
  rows: readonly R[],
  delivered: readonly { noticeId: number | null; memberId: number | null }[],
  relayed: readonly { noticeId: number; villageId: number }[],
): (R & { delivered: boolean; villageRelayed: boolean })[] {
  const sent = new Set(delivered.map((s) => `${s.noticeId}:${s.memberId}`));
  const relayedVillages = new Set(relayed.map((r) => `${r.noticeId}:${r.villageId}`));
  return rows.map((r) => ({
    ...r,
    delivered: sent.has(`${r.noticeId}:${r.headMemberId}`),
    villageRelayed: relayedVillages.has(`${r.noticeId}:${r.villageId}`),
  }));
}
