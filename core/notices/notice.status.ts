import type { DbOrTx } from '../../db/db.client.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
import type { NoticeRow } from './notice.repository.ts';
import { findNotice } from './notice.repository.ts';
import { type RecipientHops, withHops } from './notice.rules.ts';
import * as tracking from './notice.tracking.repository.ts';

export { countHops, missingHops, type NoticeCounts, type RecipientHops } from './notice.rules.ts';

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
export async function trackNotice(input: {
  tx: DbOrTx;
  viewer: readonly RoleGrant[];
  noticeId: number;
}): Promise<NoticeTracking | null> {
  const { tx, viewer } = input;
  const notice = await findNotice(tx, input.noticeId);
  if (!notice) return null;
  const all = await recipientHops({ tx, noticeIds: [notice.id] });
  const recipients = all.filter((r) =>
    can(viewer, 'notice.send', { villageId: r.villageId, districtCode: r.districtCode }),
  );
  if (recipients.length === 0 && !(all.length === 0 && can(viewer, 'notice.send', {}))) return null;
  const visible = new Set(recipients.map((r) => r.villageId));
  const relaysByPlatform: Record<string, number> = {};
  for (const r of await tracking.relaysOf(tx, notice.id))
    if (visible.has(r.villageId)) relaysByPlatform[r.platform] = (relaysByPlatform[r.platform] ?? 0) + 1;
  return { notice, recipients, relaysByPlatform };
}

/** The hops of the recipients of these notices, in the county's order of districts and villages. */
export async function recipientHops(input: {
  tx: DbOrTx;
  noticeIds: number[];
}): Promise<(RecipientHops & { noticeId: number })[]> {
  const { tx, noticeIds } = input;
  if (noticeIds.length === 0) return [];
  return withHops(
    await tracking.recipientRows(tx, noticeIds),
    await tracking.deliveredHeads(tx, noticeIds),
    await tracking.relayedVillages(tx, noticeIds),
  );
}

/** The recent notices the viewer may follow: county staff all, district staff those that reached their district. */
export async function recentNotices(input: {
  tx: DbOrTx;
  viewer: readonly RoleGrant[];
  limit?: number;
}): Promise<NoticeRow[]> {
  const limit = input.limit ?? 3;
  if (can(input.viewer, 'notice.send', {})) return tracking.recentAll(input.tx, limit);
  const codes = input.viewer.flatMap((g) => (g.role === 'district_staff' && g.districtCode ? [g.districtCode] : []));
  if (codes.length === 0) return [];
  return tracking.recentOfDistricts(input.tx, codes, limit);
}
