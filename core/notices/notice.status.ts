import { and, asc, desc, eq, inArray, isNotNull, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  districts,
  noticeRecipients,
  noticeRelays,
  notices,
  outbox,
  registrations,
  villages,
} from '../../db/schema/index.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
import { loadNotice, type NoticeRow } from './notice.usecases.ts';

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

export type NoticeTracking = {
  notice: NoticeRow;
  recipients: RecipientHops[];
  /** Relayed copies by platform (chats). */
  relaysByPlatform: Record<string, number>;
};

/**
 * Every hop of a notice, for the recipients the viewer may see: staff see the villages of their scope (district staff
 * their district's part of a county-wide notice). Null when the notice does not exist or touches nothing of theirs.
 */
export async function trackNotice(
  tx: DbOrTx,
  viewer: readonly RoleGrant[],
  noticeId: number,
): Promise<NoticeTracking | null> {
  const notice = await loadNotice(tx, noticeId);
  if (!notice) return null;
  const all = await recipientHops(tx, [notice.id]);
  const recipients = all.filter((r) =>
    can(viewer, 'notice.send', { villageId: r.villageId, districtCode: r.districtCode }),
  );
  if (recipients.length === 0 && !(all.length === 0 && can(viewer, 'notice.send', {}))) return null;
  const visible = new Set(recipients.map((r) => r.villageId));
  const relays = await tx
    .select({ platform: noticeRelays.platform, villageId: noticeRelays.villageId })
    .from(noticeRelays)
    .where(eq(noticeRelays.noticeId, notice.id));
  const relaysByPlatform: Record<string, number> = {};
  for (const r of relays)
    if (visible.has(r.villageId)) relaysByPlatform[r.platform] = (relaysByPlatform[r.platform] ?? 0) + 1;
  return { notice, recipients, relaysByPlatform };
}

/** The hops of the recipients of these notices, in the county's order of districts and villages. */
export async function recipientHops(
  tx: DbOrTx,
  noticeIds: number[],
): Promise<(RecipientHops & { noticeId: number })[]> {
  if (noticeIds.length === 0) return [];
  const rows = await tx
    .select({
      noticeId: noticeRecipients.noticeId,
      districtCode: districts.code,
      districtName: districts.nameKo,
      villageId: villages.id,
      villageName: villages.nameKo,
      headMemberId: noticeRecipients.headMemberId,
      headName: registrations.realName,
      acknowledgedAt: noticeRecipients.acknowledgedAt,
    })
    .from(noticeRecipients)
    .innerJoin(villages, eq(villages.id, noticeRecipients.villageId))
    .innerJoin(districts, eq(districts.code, villages.districtCode))
    .leftJoin(
      registrations,
      and(eq(registrations.memberId, noticeRecipients.headMemberId), eq(registrations.status, 'approved')),
    )
    .where(inArray(noticeRecipients.noticeId, noticeIds))
    .orderBy(asc(districts.position), asc(villages.id), asc(noticeRecipients.headMemberId));
  const sent = await tx
    .selectDistinct({ noticeId: outbox.noticeId, memberId: outbox.memberId })
    .from(outbox)
    .where(
      and(
        inArray(outbox.noticeId, noticeIds),
        eq(outbox.purpose, 'notice'),
        eq(outbox.status, 'sent'),
        isNotNull(outbox.memberId),
      ),
    );
  const relayed = await tx
    .selectDistinct({ noticeId: noticeRelays.noticeId, villageId: noticeRelays.villageId })
    .from(noticeRelays)
    .where(inArray(noticeRelays.noticeId, noticeIds));
  const delivered = new Set(sent.map((s) => `${s.noticeId}:${s.memberId}`));
  const relayedVillages = new Set(relayed.map((r) => `${r.noticeId}:${r.villageId}`));
  return rows.map((r) => ({
    ...r,
    delivered: delivered.has(`${r.noticeId}:${r.headMemberId}`),
    villageRelayed: relayedVillages.has(`${r.noticeId}:${r.villageId}`),
  }));
}

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

/** The recent notices the viewer may follow: county staff all, district staff those that reached their district. */
export async function recentNotices(tx: DbOrTx, viewer: readonly RoleGrant[], limit = 3): Promise<NoticeRow[]> {
  if (can(viewer, 'notice.send', {}))
    return tx.select().from(notices).orderBy(desc(notices.createdAt), desc(notices.id)).limit(limit);
  const codes = viewer.flatMap((g) => (g.role === 'district_staff' && g.districtCode ? [g.districtCode] : []));
  if (codes.length === 0) return [];
  const reached = tx
    .selectDistinct({ id: noticeRecipients.noticeId })
    .from(noticeRecipients)
    .innerJoin(villages, eq(villages.id, noticeRecipients.villageId))
    .where(inArray(villages.districtCode, codes));
  return tx
    .select()
    .from(notices)
    .where(or(inArray(notices.id, reached), eq(notices.scopeKind, 'county')))
    .orderBy(desc(notices.createdAt), desc(notices.id))
    .limit(limit);
}
