import type { DbOrTx } from '../../db/db.client.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
import { maskName } from '../privacy/privacy.mask.ts';
import * as repo from './broadcast.repository.ts';
import type { BroadcastRow } from './broadcast.repository.ts';
import { missedByVillage, type PlatformReach, scopeOf, tallyByPlatform } from './broadcast.rules.ts';

/**
 * One broadcast followed by the people who sent it (the staff console; 현황 in chat shows the totals): its reach by
 * village and platform, and who it did not reach. A viewer sees the villages they may broadcast to (district staff
 * their district's part of a county-wide broadcast), as 현황 limits them.
 */

export type VillageReach = {
  villageId: number;
  villageName: string;
  districtName: string;
  byPlatform: PlatformReach[];
};

export type BroadcastDetail =
  | {
      kind: 'detail';
      broadcast: BroadcastRow;
      villages: VillageReach[];
      /** Every direct delivery of the broadcast, staff without a village registration too (county viewers only). */
      total: PlatformReach[] | null;
      /** Deliveries are still waiting (queued or retrying): the counts will move. */
      sending: boolean;
    }
  | { kind: 'not_found' };

type Visible = { id: number; name: string; districtCode: string; districtName: string }[];

/** The broadcast and the villages of its scope the viewer may see; not found when none. */
async function visibleBroadcast(input: {
  tx: DbOrTx;
  viewer: readonly RoleGrant[];
  broadcastId: number;
}): Promise<{ broadcast: BroadcastRow; villages: Visible } | null> {
  const broadcast = await repo.findBroadcast(input.tx, input.broadcastId);
  if (!broadcast) return null;
  const inScope = await repo.villagesInScope(input.tx, scopeOf(broadcast));
  const villages = (
    await repo.villagesNamed(
      input.tx,
      inScope.map((v) => v.id),
    )
  ).filter((v) => can(input.viewer, 'broadcast.send', { villageId: v.id, districtCode: v.districtCode }));
  const whole = can(input.viewer, 'broadcast.send', {});
  if (villages.length === 0 && !whole) return null;
  return { broadcast, villages };
}

/** Reach by village and platform: sent (of them, after a fallback), waiting (queued or retrying), failed. */
export async function broadcastReachByVillage(input: {
  tx: DbOrTx;
  viewer: readonly RoleGrant[];
  broadcastId: number;
}): Promise<BroadcastDetail> {
  const { tx } = input;
  const found = await visibleBroadcast(input);
  if (!found) return { kind: 'not_found' };
  const counts = await repo.deliveryCountsByVillage(
    tx,
    found.broadcast.id,
    found.villages.map((v) => v.id),
  );
  const villages = found.villages.map((v) => ({
    villageId: v.id,
    villageName: v.name,
    districtName: v.districtName,
    byPlatform: tallyByPlatform(counts.get(v.id) ?? []),
  }));
  const total = can(input.viewer, 'broadcast.send', {})
    ? tallyByPlatform(await repo.deliveryCounts(tx, [found.broadcast.id]))
    : null;
  return {
    kind: 'detail',
    broadcast: found.broadcast,
    villages,
    total,
    sending: await repo.isStillSending(tx, found.broadcast.id),
  };
}

export type NonreceiptList =
  | {
      kind: 'list';
      /** Still sending: those listed may yet receive it. */
      sending: boolean;
      villages: { villageId: number; villageName: string; names: string[] }[];
    }
  | { kind: 'not_fanned_out' }
  | { kind: 'not_found' };

/**
 * The residents of the broadcast's moment it has not reached, by village — the list each head is sent once it has
 * finished (broadcast.nonreceipt.ts), by the same rule. Names in full where the viewer may see them
 * (person.seeRealName), masked elsewhere.
 */
export async function broadcastNonreceipt(input: {
  tx: DbOrTx;
  viewer: readonly RoleGrant[];
  broadcastId: number;
}): Promise<NonreceiptList> {
  const { tx } = input;
  const found = await visibleBroadcast(input);
  if (!found) return { kind: 'not_found' };
  const { broadcast } = found;
  if (!broadcast.fannedOutAt) return { kind: 'not_fanned_out' };
  const visible = new Map(found.villages.map((v) => [v.id, v]));
  const reached = await repo.reachedMemberIds(tx, broadcast.id);
  const residents = (await repo.residentsAtBroadcast(tx, broadcast)).filter((r) => visible.has(r.villageId));
  const villages = [...missedByVillage(residents, reached, broadcast.createdBy)].map(([villageId, people]) => {
    const village = visible.get(villageId);
    const seesNames = can(input.viewer, 'person.seeRealName', { villageId, districtCode: village?.districtCode });
    return {
      villageId,
      villageName: village?.name ?? '',
      names: people.map((p) => (seesNames ? (p.realName ?? '주민') : maskName(p.realName ?? '주민'))),
    };
  });
  const order = [...visible.keys()];
  villages.sort((a, b) => order.indexOf(a.villageId) - order.indexOf(b.villageId));
  return { kind: 'list', sending: await repo.isStillSending(tx, broadcast.id), villages };
}
