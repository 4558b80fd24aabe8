import { and, eq, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { broadcasts, groupChats, outbox, villages } from '../../db/schema/index.ts';
import type { BroadcastCategory } from '../../db/schema/messaging.schema.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue } from '../delivery/outbox.write.ts';
import { holdsNoRole } from '../members/resident.rule.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { audienceCtes, rowsOf } from './broadcast.audience.ts';
import { type BroadcastScope, mayAddressScope } from './broadcast.scope.ts';

export const BROADCAST_MAX_LENGTH = 1000;
const categoryKo: Record<BroadcastCategory, string> = {
  general: '마을방송',
  event: '마을방송·행사',
  urgent: '긴급 마을방송',
};

export type CreateResult =
  | { kind: 'sent'; broadcastId: number; residents: number; others: number; digest: number; groupChats: number }
  | { kind: 'scheduled'; broadcastId: number; sendAt: Date }
  | { kind: 'forbidden' }
  | { kind: 'empty' }
  | { kind: 'too_long'; length: number }
  | { kind: 'past'; sendAt: Date }
  | { kind: 'too_far'; sendAt: Date };

/** How far ahead a broadcast may be scheduled: a month covers a village's calendar; further is a mistyped date. */
export const SCHEDULE_HORIZON_DAYS = 31;

type BroadcastRow = typeof broadcasts.$inferSelect;

export type BroadcastDraft = {
  tx: DbOrTx;
  deps: CoreDeps;
  sender: { memberId: number; grants: readonly RoleGrant[]; label: string };
  scope: BroadcastScope;
  category: BroadcastCategory;
  body: string;
  sendAt?: Date | undefined;
};

export type DraftRefusal = Exclude<CreateResult, { kind: 'sent' } | { kind: 'scheduled' }>;

/**
 * What may be sent, checked the same way for the preview and for the sending: the text, the time (now when none or
 * already come), the sender's right over the whole scope. The villages in scope come with it.
 */
export async function checkBroadcast(
  input: BroadcastDraft,
): Promise<
  | DraftRefusal
  | { kind: 'ok'; body: string; sendAt: Date; scheduled: boolean; inScope: { id: number; districtCode: string }[] }
> {
  const body = input.body.trim();
  if (!body) return { kind: 'empty' };
  if ([...body].length > BROADCAST_MAX_LENGTH) return { kind: 'too_long', length: [...body].length };
  const now = input.deps.clock.now();
  const sendAt = input.sendAt && input.sendAt > now ? input.sendAt : now;
  if (input.sendAt && input.sendAt.getTime() < now.getTime() - 60_000) return { kind: 'past', sendAt: input.sendAt };
  if (sendAt.getTime() - now.getTime() > SCHEDULE_HORIZON_DAYS * 86_400_000) return { kind: 'too_far', sendAt };
  const inScope = await villagesInScope(input.tx, input.scope);
  if (!mayAddressScope(input.sender.grants, 'broadcast.send', input.scope, inScope)) return { kind: 'forbidden' };
  return { kind: 'ok', body, sendAt, scheduled: sendAt > now, inScope };
}

/** What a resident (and a village chat) receives: the category, the text, who sent it and when it went out. */
export function broadcastMessage(
  b: { category: BroadcastCategory; body: string; senderLabel: string },
  at: Date,
  timeZone: string,
): OutboundMessage {
  return { text: `[${categoryKo[b.category]}]\n${b.body}\n— ${b.senderLabel} · ${formatKoreanDateTime(at, timeZone)}` };
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
  const [created] = await tx
    .insert(broadcasts)
    .values({
      scopeKind: input.scope.kind,
      scopeDistricts: input.scope.kind === 'districts' ? input.scope.codes : [],
      scopeVillages: input.scope.kind === 'villages' ? input.scope.ids : [],
      category: input.category,
      body,
      senderLabel: input.sender.label,
      createdBy: input.sender.memberId,
      createdAt: now,
      sendAt,
    })
    .returning();
  if (!created) throw new Error('broadcast insert returned nothing');
  if (sendAt > now) return { kind: 'scheduled', broadcastId: created.id, sendAt };
  return { kind: 'sent', broadcastId: created.id, ...(await fanOutBroadcast(tx, deps, created)) };
}

/**
 * Scheduled broadcasts whose time has come are fanned out, each exactly once: the row is claimed by setting
 * fannedOutAt in the transaction that writes its outbox rows (another instance's claim finds it taken).
 * The delivery worker runs this before each pass.
 */
export async function fanOutDueBroadcasts(deps: CoreDeps): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db
    .select({ id: broadcasts.id })
    .from(broadcasts)
    .where(and(isNull(broadcasts.fannedOutAt), lte(broadcasts.sendAt, now)))
    .orderBy(broadcasts.sendAt, broadcasts.id);
  let fanned = 0;
  for (const { id } of due)
    await deps.db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(broadcasts)
        .set({ fannedOutAt: now })
        .where(and(eq(broadcasts.id, id), isNull(broadcasts.fannedOutAt)))
        .returning();
      if (!claimed) return;
      const reach = await fanOutBroadcast(tx, deps, claimed);
      deps.logger.info({ broadcastId: id, ...reach }, 'scheduled broadcast fanned out');
      fanned++;
    });
  return fanned;
}

/** A scheduled broadcast not yet sent can be withdrawn by whoever may broadcast to its whole scope. */
export async function cancelScheduledBroadcast(input: {
  tx: DbOrTx;
  sender: { grants: readonly RoleGrant[] };
  broadcastId: number;
}): Promise<
  { kind: 'cancelled'; sendAt: Date } | { kind: 'not_found' } | { kind: 'already_sent' } | { kind: 'forbidden' }
> {
  const [row] = await input.tx.select().from(broadcasts).where(eq(broadcasts.id, input.broadcastId));
  if (!row) return { kind: 'not_found' };
  if (row.fannedOutAt) return { kind: 'already_sent' };
  const scope = scopeOf(row);
  if (!mayAddressScope(input.sender.grants, 'broadcast.send', scope, await villagesInScope(input.tx, scope)))
    return { kind: 'forbidden' };
  // Nothing refers to a broadcast before it fans out: it goes whole, with the claim so a due fan-out cannot race it.
  const deleted = await input.tx
    .delete(broadcasts)
    .where(and(eq(broadcasts.id, row.id), isNull(broadcasts.fannedOutAt)))
    .returning({ id: broadcasts.id });
  return deleted.length ? { kind: 'cancelled', sendAt: row.sendAt } : { kind: 'already_sent' };
}

export function scopeOf(row: Pick<BroadcastRow, 'scopeKind' | 'scopeDistricts' | 'scopeVillages'>): BroadcastScope {
  if (row.scopeKind === 'county') return { kind: 'county' };
  if (row.scopeKind === 'districts') return { kind: 'districts', codes: row.scopeDistricts };
  return { kind: 'villages', ids: row.scopeVillages };
}

async function fanOutBroadcast(
  tx: DbOrTx,
  deps: CoreDeps,
  broadcast: BroadcastRow,
): Promise<{ residents: number; others: number; digest: number; groupChats: number }> {
  const now = deps.clock.now();
  const message = broadcastMessage(broadcast, now, deps.timezone);
  const villageIds = (await villagesInScope(tx, scopeOf(broadcast))).map((v) => v.id);
  const reach = await fanOutToResidents(tx, deps, {
    broadcastId: broadcast.id,
    villageIds,
    senderId: broadcast.createdBy,
    urgent: broadcast.category === 'urgent',
    sealed: deps.cipher.encrypt(JSON.stringify([message])),
  });
  const chats = villageIds.length
    ? await tx
        .select()
        .from(groupChats)
        .where(and(inArray(groupChats.villageId, villageIds), isNotNull(groupChats.villageId)))
    : [];
  for (const chat of chats)
    await enqueue(tx, deps, {
      dedupeKey: `broadcast:${broadcast.id}:group:${chat.platform}:${chat.chatId}`,
      to: { platform: chat.platform, type: 'group', id: chat.chatId },
      purpose: 'broadcast',
      broadcastId: broadcast.id,
      messages: [message],
    });
  await tx
    .update(broadcasts)
    .set({ fannedOutAt: now, recipients: reach.recipients })
    .where(eq(broadcasts.id, broadcast.id));
  return {
    residents: reach.residents,
    others: reach.recipients - reach.residents,
    digest: reach.digest,
    groupChats: chats.length,
  };
}

/** LINE takes 500 recipients a request. */
const BATCH = 500;

/**
 * One outbox row per resident, on the platform they used most recently, held for their quiet hours unless urgent —
 * written in bulk (37,000 residents is one county's broadcast). Residents of one platform and one send time share
 * batch keys of at most 500, so that the engine can reach them with one platform request per batch.
 *
 * One statement, so that no resident travels through the process and the counts are of exactly the rows written
 * (one snapshot). The quiet-hours hold is quietUntil's, in SQL: `now` in the county's time zone as minutes of the day,
 * inside a window that may cross midnight (none when start = end), held until the window's end, truncated to the
 * minute. Batch keys (`broadcast:<id>:<platform>:<held ISO | now>:<n>`, n counting 500s in member order) are what
 * the platform's retry keys derive from. bench/fanout.equivalence.check.ts compares all this with the rule in JS.
 */
async function fanOutToResidents(
  tx: DbOrTx,
  deps: CoreDeps,
  input: { broadcastId: number; villageIds: number[]; senderId: number; urgent: boolean; sealed: string },
): Promise<{ recipients: number; residents: number; digest: number }> {
  if (input.villageIds.length === 0) return { recipients: 0, residents: 0, digest: 0 };
  const now = deps.clock.now().toISOString();
  const id = input.broadcastId;
  const ctes = audienceCtes({ ...input, at: now, timezone: deps.timezone });
  const result = await tx.execute(sql`
    with ${ctes},
    written as (
      insert into ${outbox} (dedupe_key, batch_key, platform, chat_type, chat_id, member_id, purpose, broadcast_id, messages_enc, next_attempt_at, created_at)
      select 'broadcast:' || ${id}::int || ':member:' || member_id,
        'broadcast:' || ${id}::int || ':' || platform || ':' || coalesce(to_char(held at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'now')
          || ':' || (row_number() over (partition by platform, held order by member_id) - 1) / ${BATCH}::int,
        platform, 'direct', platform_user_id, member_id, 'broadcast', ${id}::int, ${input.sealed}::text, coalesce(held, ${now}::timestamptz), ${now}::timestamptz
      from timed
      order by member_id -- ids in member order: a batch's rows are contiguous, and the worker claims them whole
      on conflict (dedupe_key) do nothing
    )
    select (select count(*) from timed)::int as recipients,
      (select count(*) from timed where ${holdsNoRole(sql.raw('timed.member_id'))})::int as residents,
      (select count(*) from chosen where digest)::int as digest`);
  // Everyone in scope is reached (heads and staff too); "주민" counts residents only (core/members/resident.rule.ts).
  const [counts] = rowsOf<{ recipients: number; residents: number; digest: number }>(result);
  return { recipients: counts?.recipients ?? 0, residents: counts?.residents ?? 0, digest: counts?.digest ?? 0 };
}

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
