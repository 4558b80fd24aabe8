import { and, arrayOverlaps, desc, eq, ilike, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  broadcasts,
  counties,
  districts,
  groupChats,
  members,
  registrations,
  roles,
  villages,
} from '../../db/schema/index.ts';
import type { BroadcastCategory } from '../../db/schema/messaging.schema.ts';
import { reachGrouped, reachOf, reachedMembers, stillQueued } from '../delivery/delivery.subject.ts';
import type { BroadcastScope, PlaceCatalog } from './broadcast.scope.ts';

/**
 * Every query of the broadcast feature but the audience (broadcast.audience.repository.ts, shared by the fan-out and
 * the preview). Rows go in and out as stored.
 */
export type BroadcastRow = typeof broadcasts.$inferSelect;
export type NewBroadcast = typeof broadcasts.$inferInsert;
export type { BroadcastCategory };

export async function villagesInScope(
  tx: DbOrTx,
  scope: BroadcastScope,
): Promise<{ id: number; districtCode: string }[]> {
  const columns = { id: villages.id, districtCode: villages.districtCode };
  if (scope.kind === 'county') return tx.select(columns).from(villages);
  if (scope.kind === 'districts')
    return scope.codes.length
      ? tx.select(columns).from(villages).where(inArray(villages.districtCode, scope.codes))
      : [];
  return scope.ids.length ? tx.select(columns).from(villages).where(inArray(villages.id, scope.ids)) : [];
}

export async function insertBroadcast(tx: DbOrTx, values: NewBroadcast): Promise<BroadcastRow> {
  const [created] = await tx.insert(broadcasts).values(values).returning();
  if (!created) throw new Error('broadcast insert returned nothing');
  return created;
}

export async function findBroadcast(tx: DbOrTx, id: number): Promise<BroadcastRow | undefined> {
  const [row] = await tx.select().from(broadcasts).where(eq(broadcasts.id, id));
  return row;
}

/** Scheduled broadcasts whose time has come and that no one has fanned out yet, oldest first. */
export async function dueBroadcastIds(tx: DbOrTx, now: Date): Promise<number[]> {
  const due = await tx
    .select({ id: broadcasts.id })
    .from(broadcasts)
    .where(and(isNull(broadcasts.fannedOutAt), lte(broadcasts.sendAt, now)))
    .orderBy(broadcasts.sendAt, broadcasts.id);
  return due.map((d) => d.id);
}

/** Claims a due broadcast for its fan-out; undefined when another instance claimed it first. */
export async function claimForFanOut(tx: DbOrTx, id: number, now: Date): Promise<BroadcastRow | undefined> {
  const [claimed] = await tx
    .update(broadcasts)
    .set({ fannedOutAt: now })
    .where(and(eq(broadcasts.id, id), isNull(broadcasts.fannedOutAt)))
    .returning();
  return claimed;
}

/** Deletes a broadcast not yet fanned out; false when its fan-out came first. */
export async function deleteUnsent(tx: DbOrTx, id: number): Promise<boolean> {
  const deleted = await tx
    .delete(broadcasts)
    .where(and(eq(broadcasts.id, id), isNull(broadcasts.fannedOutAt)))
    .returning({ id: broadcasts.id });
  return deleted.length > 0;
}

export async function markFannedOut(tx: DbOrTx, id: number, now: Date, recipients: number): Promise<void> {
  await tx.update(broadcasts).set({ fannedOutAt: now, recipients }).where(eq(broadcasts.id, id));
}

export async function villageChats(tx: DbOrTx, villageIds: number[]) {
  return villageIds.length
    ? tx
        .select()
        .from(groupChats)
        .where(and(inArray(groupChats.villageId, villageIds), isNotNull(groupChats.villageId)))
    : [];
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
  return { districts: districtRows, villages: villageRows, countyName: (await countyName(tx)) ?? '군' };
}

export async function countyName(tx: DbOrTx): Promise<string | undefined> {
  const [county] = await tx.select({ nameKo: counties.nameKo }).from(counties).limit(1);
  return county?.nameKo;
}

export async function districtName(tx: DbOrTx, code: string): Promise<string | undefined> {
  const [d] = await tx.select({ nameKo: districts.nameKo }).from(districts).where(eq(districts.code, code));
  return d?.nameKo;
}

export async function villageName(tx: DbOrTx, id: number): Promise<string | undefined> {
  const [v] = await tx.select({ nameKo: villages.nameKo }).from(villages).where(eq(villages.id, id));
  return v?.nameKo;
}

export type ArchivedBroadcast = Pick<BroadcastRow, 'id' | 'category' | 'body' | 'senderLabel' | 'sendAt'>;

/** The archive a resident may read again: broadcasts that reached their village, newest first, optionally searched. */
export async function archiveOfVillage(
  tx: DbOrTx,
  input: { villageId: number; districtCode: string; query: string; limit: number },
): Promise<ArchivedBroadcast[]> {
  const reaches = or(
    eq(broadcasts.scopeKind, 'county'),
    and(eq(broadcasts.scopeKind, 'districts'), arrayOverlaps(broadcasts.scopeDistricts, [input.districtCode])),
    and(eq(broadcasts.scopeKind, 'villages'), arrayOverlaps(broadcasts.scopeVillages, [input.villageId])),
  );
  const matches = input.query
    ? ilike(broadcasts.body, `%${input.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
    : sql`true`;
  return (
    tx
      .select({
        id: broadcasts.id,
        category: broadcasts.category,
        body: broadcasts.body,
        senderLabel: broadcasts.senderLabel,
        sendAt: broadcasts.sendAt,
      })
      .from(broadcasts)
      // A scheduled broadcast joins the archive once it has gone out.
      .where(and(reaches, matches, isNotNull(broadcasts.fannedOutAt)))
      .orderBy(desc(broadcasts.sendAt), desc(broadcasts.id))
      .limit(input.limit)
  );
}

/** The recent broadcasts within a scope: district staff see their district's, the county's, and its villages'. */
export async function recentInScope(tx: DbOrTx, scope: BroadcastScope, limit: number) {
  const districtVillages = scope.kind === 'districts' ? (await villagesInScope(tx, scope)).map((v) => v.id) : [];
  const visible =
    scope.kind === 'county'
      ? undefined
      : scope.kind === 'districts'
        ? or(
            eq(broadcasts.scopeKind, 'county'),
            arrayOverlaps(broadcasts.scopeDistricts, scope.codes),
            arrayOverlaps(broadcasts.scopeVillages, districtVillages),
          )
        : arrayOverlaps(broadcasts.scopeVillages, scope.ids);
  return tx
    .select({
      id: broadcasts.id,
      body: broadcasts.body,
      sendAt: broadcasts.sendAt,
      fannedOutAt: broadcasts.fannedOutAt,
    })
    .from(broadcasts)
    .where(visible)
    .orderBy(desc(broadcasts.sendAt), desc(broadcasts.id))
    .limit(limit);
}

export type DeliveryCount = {
  broadcastId: number | null;
  platform: string;
  status: string;
  fallback: boolean;
  n: number;
};

/** Direct deliveries of these broadcasts by platform, status and whether they were a fallback. */
export async function deliveryCounts(tx: DbOrTx, broadcastIds: number[]): Promise<DeliveryCount[]> {
  const reach = await reachOf({ tx, kind: 'broadcast', ids: broadcastIds });
  return reach.map(({ subjectId, ...r }) => ({ broadcastId: subjectId, ...r }));
}

/**
 * The direct deliveries of one broadcast to the people of each village (by their approved registration there), by
 * platform, status and fallback: one count a village, for the console's chart. People with no registration in these
 * villages (staff) are left out; the whole broadcast's counts are deliveryCounts.
 */
export async function deliveryCountsByVillage(
  tx: DbOrTx,
  broadcastId: number,
  villageIds: number[],
): Promise<Map<number, DeliveryCount[]>> {
  const byVillage = new Map<number, DeliveryCount[]>(villageIds.map((id) => [id, []]));
  // One statement for every village: each delivery counted in the village of its recipient's approved registration.
  const reach = await reachGrouped({
    tx,
    kind: 'broadcast',
    id: broadcastId,
    groupOf: (memberId) =>
      sql<
        number | null
      >`(select r.village_id from ${registrations} r where r.member_id = ${memberId} and r.status = 'approved' limit 1)`,
  });
  for (const { group, ...r } of reach) if (group !== null) byVillage.get(group)?.push({ broadcastId, ...r });
  return byVillage;
}

/** Whether a broadcast still has a delivery waiting to go out. */
export async function isStillSending(tx: DbOrTx, broadcastId: number): Promise<boolean> {
  return (await stillQueued({ tx, kind: 'broadcast', ids: [broadcastId] })).has(broadcastId);
}

/** Villages with their district, by id, in the county's order. */
export async function villagesNamed(tx: DbOrTx, ids: number[]) {
  if (ids.length === 0) return [];
  return tx
    .select({
      id: villages.id,
      name: villages.nameKo,
      districtCode: villages.districtCode,
      districtName: districts.nameKo,
    })
    .from(villages)
    .innerJoin(districts, eq(districts.code, villages.districtCode))
    .where(inArray(villages.id, ids))
    .orderBy(districts.position, villages.id);
}

/** Fanned-out broadcasts not yet reported whose every delivery has ended. */
export async function finishedUnreported(tx: DbOrTx): Promise<BroadcastRow[]> {
  const unreported = await tx
    .select()
    .from(broadcasts)
    .where(and(isNotNull(broadcasts.fannedOutAt), isNull(broadcasts.reportedAt)));
  const waiting = await stillQueued({ tx, kind: 'broadcast', ids: unreported.map((b) => b.id) });
  return unreported.filter((b) => !waiting.has(b.id));
}

/** Claims a finished broadcast for its report; false when another instance reported it. */
export async function claimReport(tx: DbOrTx, id: number, now: Date): Promise<boolean> {
  const [claimed] = await tx
    .update(broadcasts)
    .set({ reportedAt: now })
    .where(and(eq(broadcasts.id, id), isNull(broadcasts.reportedAt)))
    .returning({ id: broadcasts.id });
  return claimed !== undefined;
}

export async function reachedMemberIds(tx: DbOrTx, broadcastId: number): Promise<Set<number | null>> {
  const reached = await reachedMembers({ tx, kind: 'broadcast', ids: [broadcastId] });
  return new Set(reached.map((r) => r.memberId));
}

/**
 * Residents of the broadcast's moment: not those approved since, and not those who chose the evening digest
 * (a non-urgent broadcast reaches them there).
 */
export async function residentsAtBroadcast(tx: DbOrTx, broadcast: BroadcastRow) {
  const villageFilter =
    broadcast.scopeKind === 'county'
      ? undefined
      : broadcast.scopeKind === 'districts'
        ? inArray(villages.districtCode, broadcast.scopeDistricts)
        : inArray(villages.id, broadcast.scopeVillages);
  return tx
    .select({
      memberId: registrations.memberId,
      realName: registrations.realName,
      villageId: villages.id,
      villageName: villages.nameKo,
    })
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .innerJoin(members, eq(members.id, registrations.memberId))
    .where(
      and(
        eq(registrations.status, 'approved'),
        villageFilter,
        or(isNull(registrations.decidedAt), lte(registrations.decidedAt, broadcast.fannedOutAt ?? broadcast.sendAt)),
        broadcast.category === 'urgent' ? undefined : eq(members.broadcastMode, 'instant'),
      ),
    );
}

export async function villageHeadIds(tx: DbOrTx, villageId: number): Promise<number[]> {
  const heads = await tx
    .select({ memberId: roles.memberId })
    .from(roles)
    .where(and(eq(roles.role, 'village_head'), eq(roles.villageId, villageId)));
  return heads.map((h) => h.memberId);
}
