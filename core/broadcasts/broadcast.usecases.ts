import type { DbOrTx } from '../../db/db.client.ts';
import type { AuditVia } from '../../db/schema/audit.schema.ts';
import { recordAudit } from '../audit/audit.usecases.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue } from '../delivery/outbox.write.ts';
import { callsOfBroadcasts, enqueueBroadcastByPhone } from '../phone/phone.broadcast.usecases.ts';
import { fanOutToResidents } from './broadcast.audience.repository.ts';
import * as repo from './broadcast.repository.ts';
import type { ArchivedBroadcast, BroadcastCategory, BroadcastRow } from './broadcast.repository.ts';
import {
  broadcastMessage,
  checkTextAndTime,
  type PlatformReach,
  scopeColumns,
  scopeOf,
  senderLabelOf,
  tallyByPlatform,
} from './broadcast.rules.ts';
import { type BroadcastScope, describeScope, mayAddressScope, type PlaceCatalog } from './broadcast.scope.ts';

export { BROADCAST_MAX_LENGTH, broadcastMessage, SCHEDULE_HORIZON_DAYS, scopeOf } from './broadcast.rules.ts';
export type { ArchivedBroadcast };

/** Who else a usecase told (written to the outbox in its transaction), for every entry point to show. */
export type Told = { to: 'residents' | 'village_chats'; count: number; messages: OutboundMessage[] };

export type CreateResult =
  | {
      kind: 'sent';
      broadcastId: number;
      residents: number;
      others: number;
      digest: number;
      groupChats: number;
      told: Told[];
    }
  | { kind: 'scheduled'; broadcastId: number; sendAt: Date }
  | { kind: 'forbidden' }
  | { kind: 'empty' }
  | { kind: 'too_long'; length: number }
  | { kind: 'past'; sendAt: Date }
  | { kind: 'too_far'; sendAt: Date };

export type BroadcastDraft = {
  tx: DbOrTx;
  deps: CoreDeps;
  sender: { memberId: number; grants: readonly RoleGrant[]; label: string };
  scope: BroadcastScope;
  category: BroadcastCategory;
  body: string;
  sendAt?: Date | undefined;
  /** Where a person sent it from, for the audit log (기록); none: a programmatic send (a workshop's announcement). */
  via?: AuditVia | undefined;
};

export type DraftRefusal = Exclude<CreateResult, { kind: 'sent' } | { kind: 'scheduled' }>;

type Village = { id: number; districtCode: string };

/** The villages a scope covers (a district: all of its villages). */
export async function villagesInScope(input: { tx: DbOrTx; scope: BroadcastScope }): Promise<Village[]> {
  return repo.villagesInScope(input.tx, input.scope);
}

/** Every district and village, to match names typed and to say a scope in words. */
export async function placeCatalog(input: { tx: DbOrTx }): Promise<PlaceCatalog & { countyName: string }> {
  return repo.loadPlaceCatalog(input.tx);
}

/** A scope in words: "고성읍 고성1리", "고성군 전체". */
export async function scopeInWords(input: { tx: DbOrTx; scope: BroadcastScope }): Promise<string> {
  return describeScope(input.scope, await repo.loadPlaceCatalog(input.tx));
}

/**
 * What may be sent, checked the same way for the preview and for the sending: the text, the time (now when none or
 * already come), the sender's right over the whole scope. The villages in scope come with it.
 */
export async function checkBroadcast(
  input: BroadcastDraft,
): Promise<DraftRefusal | { kind: 'ok'; body: string; sendAt: Date; scheduled: boolean; inScope: Village[] }> {
  const checked = checkTextAndTime(input, input.deps.clock.now());
  if (checked.kind !== 'ok') return checked;
  const inScope = await repo.villagesInScope(input.tx, input.scope);
  if (!mayAddressScope(input.sender.grants, 'broadcast.send', input.scope, inScope)) return { kind: 'forbidden' };
  return { ...checked, inScope };
}

/**
 * Creates a broadcast. Sent now, it fans out in the same transaction: one outbox row per resident and per village
 * chat. With a later `sendAt` it is kept and fanned out when due (fanOutDueBroadcasts), to the residents of that
 * moment and with their quiet hours of that moment. Chat commands preview it first (previewBroadcast); the staff
 * console and programmatic sends (workshop announcements) call this directly.
 */
export async function sendBroadcast(input: BroadcastDraft): Promise<CreateResult> {
  const { tx, deps } = input;
  const checked = await checkBroadcast(input);
  if (checked.kind !== 'ok') return checked;
  const { body, sendAt } = checked;
  const now = deps.clock.now();
  const created = await repo.insertBroadcast(tx, {
    ...scopeColumns(input.scope),
    category: input.category,
    body,
    senderLabel: input.sender.label,
    createdBy: input.sender.memberId,
    createdAt: now,
    sendAt,
  });
  if (input.via)
    await recordAudit(
      { tx, deps },
      {
        actorMemberId: input.sender.memberId,
        action: 'broadcast.send',
        subject: `broadcast:${created.id}`,
        scope: auditScope({ scope: input.scope, inScope: checked.inScope }),
        via: input.via,
      },
    );
  if (sendAt > now) return { kind: 'scheduled', broadcastId: created.id, sendAt };
  return { kind: 'sent', broadcastId: created.id, ...(await fanOutBroadcast(tx, deps, created)) };
}

/** Where a broadcast or a notice lands, for the audit log: one district or one village when it is one, else none. */
export function auditScope(input: { scope: BroadcastScope; inScope: readonly Village[] }): {
  districtCode: string | null;
  villageId: number | null;
} {
  const { scope } = input;
  const districts = [...new Set(input.inScope.map((v) => v.districtCode))];
  const village = scope.kind === 'villages' && scope.ids.length === 1 ? scope.ids[0] : undefined;
  return {
    districtCode: scope.kind !== 'county' && districts.length === 1 ? (districts[0] ?? null) : null,
    villageId: village ?? null,
  };
}

/**
 * Scheduled broadcasts whose time has come are fanned out, each exactly once: the row is claimed by setting
 * fannedOutAt in the transaction that writes its outbox rows (another instance's claim finds it taken).
 * The delivery worker runs this before each pass.
 */
export async function fanOutDueBroadcasts(deps: CoreDeps): Promise<number> {
  const now = deps.clock.now();
  let fanned = 0;
  for (const id of await repo.dueBroadcastIds(deps.db, now))
    await deps.db.transaction(async (tx) => {
      const claimed = await repo.claimForFanOut(tx, id, now);
      if (!claimed) return;
      const { told: _told, ...reach } = await fanOutBroadcast(tx, deps, claimed);
      deps.logger.info({ broadcastId: id, ...reach }, 'scheduled broadcast fanned out');
      fanned++;
    });
  return fanned;
}

export type CancelResult =
  { kind: 'cancelled'; sendAt: Date } | { kind: 'not_found' } | { kind: 'already_sent' } | { kind: 'forbidden' };

/** A scheduled broadcast not yet sent can be withdrawn by whoever may broadcast to its whole scope. */
export async function cancelScheduledBroadcast(input: {
  tx: DbOrTx;
  deps: Pick<CoreDeps, 'clock'>;
  sender: { memberId: number; grants: readonly RoleGrant[] };
  broadcastId: number;
  via: AuditVia;
}): Promise<CancelResult> {
  const row = await repo.findBroadcast(input.tx, input.broadcastId);
  if (!row) return { kind: 'not_found' };
  if (row.fannedOutAt) return { kind: 'already_sent' };
  const scope = scopeOf(row);
  const inScope = await repo.villagesInScope(input.tx, scope);
  if (!mayAddressScope(input.sender.grants, 'broadcast.send', scope, inScope)) return { kind: 'forbidden' };
  // Nothing refers to a broadcast before it fans out: it goes whole, with the claim so a due fan-out cannot race it.
  if (!(await repo.deleteUnsent(input.tx, row.id))) return { kind: 'already_sent' };
  await recordAudit(input, {
    actorMemberId: input.sender.memberId,
    action: 'broadcast.cancel',
    subject: `broadcast:${row.id}`,
    scope: auditScope({ scope, inScope }),
    via: input.via,
  });
  return { kind: 'cancelled', sendAt: row.sendAt };
}

async function fanOutBroadcast(
  tx: DbOrTx,
  deps: CoreDeps,
  broadcast: BroadcastRow,
): Promise<{ residents: number; others: number; digest: number; groupChats: number; told: Told[] }> {
  const now = deps.clock.now();
  const message = broadcastMessage(broadcast, now, deps.timezone);
  const villageIds = (await repo.villagesInScope(tx, scopeOf(broadcast))).map((v) => v.id);
  const reach = await fanOutToResidents(tx, deps, {
    broadcastId: broadcast.id,
    villageIds,
    senderId: broadcast.createdBy,
    urgent: broadcast.category === 'urgent',
    sealed: deps.cipher.encrypt(JSON.stringify([message])),
  });
  // By phone besides (issue 17): calls to those who chose 전화로 듣기; for 긴급, an SMS to everyone who consented.
  const urgent = broadcast.category === 'urgent';
  const senderId = broadcast.createdBy;
  await enqueueBroadcastByPhone({ tx, deps, broadcastId: broadcast.id, villageIds, senderId, urgent, message });
  const chats = await repo.villageChats(tx, villageIds);
  for (const chat of chats)
    await enqueue(tx, deps, {
      dedupeKey: `broadcast:${broadcast.id}:group:${chat.platform}:${chat.chatId}`,
      to: { platform: chat.platform, type: 'group', id: chat.chatId },
      purpose: 'broadcast',
      subject: { kind: 'broadcast', id: broadcast.id },
      messages: [message],
    });
  await repo.markFannedOut(tx, broadcast.id, now, reach.recipients);
  return {
    residents: reach.residents,
    others: reach.recipients - reach.residents,
    digest: reach.digest,
    groupChats: chats.length,
    told: [
      { to: 'residents', count: reach.recipients, messages: [message] },
      { to: 'village_chats', count: chats.length, messages: [message] },
    ],
  };
}

/** 방송 [검색어]: the broadcasts that reached a resident's village, newest first, optionally searched. */
export async function listVillageBroadcasts(input: {
  tx: DbOrTx;
  villageId: number;
  districtCode: string;
  query?: string;
  limit?: number;
}): Promise<ArchivedBroadcast[]> {
  return repo.archiveOfVillage(input.tx, {
    villageId: input.villageId,
    districtCode: input.districtCode,
    query: input.query?.trim() ?? '',
    limit: input.limit ?? 5,
  });
}

export type BroadcastReach = {
  id: number;
  body: string;
  sendAt: Date;
  /** Null while a scheduled broadcast waits for its time. */
  fannedOutAt: Date | null;
  /** `fallback`: of `sent`, how many reached the person here after another platform failed for good. */
  byPlatform: PlatformReach[];
  /** Calls (issue 17): residents who answered, who answered none of their calls, whose calls are still to come. */
  calls: { listened: number; unanswered: number; waiting: number };
};

/** 현황: for the recent broadcasts within the viewer's scope, how many deliveries are waiting, sent and failed, by platform. */
export async function broadcastReach(input: {
  tx: DbOrTx;
  scope: BroadcastScope;
  limit?: number;
}): Promise<BroadcastReach[]> {
  const recent = await repo.recentInScope(input.tx, input.scope, input.limit ?? 5);
  const counts = await repo.deliveryCounts(
    input.tx,
    recent.map((b) => b.id),
  );
  const calls = await callsOfBroadcasts({ tx: input.tx, broadcastIds: recent.map((b) => b.id) });
  return recent.map((b) => {
    const mine = calls.filter((c) => c.broadcastId === b.id);
    return {
      ...b,
      byPlatform: tallyByPlatform(counts.filter((c) => c.broadcastId === b.id)),
      calls: {
        listened: mine.filter((c) => c.answered).length,
        unanswered: mine.filter((c) => !c.answered && !c.open).length,
        waiting: mine.filter((c) => !c.answered && c.open).length,
      },
    };
  });
}

/** Who a broadcast (or a notice) is from, as people read it: by the sender's widest role. */
export async function senderLabelFor(input: { tx: DbOrTx; grants: readonly RoleGrant[] }): Promise<string> {
  const { tx, grants } = input;
  if (grants.some((g) => g.role === 'county_staff' || g.role === 'admin'))
    return senderLabelOf({ kind: 'county', name: await repo.countyName(tx) });
  const staff = grants.find((g) => g.role === 'district_staff');
  if (staff?.districtCode)
    return senderLabelOf({ kind: 'district', name: await repo.districtName(tx, staff.districtCode) });
  const head = grants.find((g) => g.role === 'village_head');
  return senderLabelOf({ kind: 'village', name: await repo.villageName(tx, head?.villageId ?? -1) });
}
