import { and, asc, eq, sql } from 'drizzle-orm';
import { inboundEvents } from '../../db/schema/index.ts';
import type { InboundEvent } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue } from '../delivery/outbox.write.ts';
import { errorSummary } from '../error.summary.ts';
import type { DbOrTx } from '../../db/db.client.ts';

/** What handles one event inside its transaction: the conversation built from the registered features. */
export type InboundHandler = (deps: CoreDeps, tx: DbOrTx, event: InboundEvent) => Promise<void>;

/** Rows of one INSERT at most (a LINE body of a thousand events is one statement). */
const INSERT_CHUNK = 2_000;

/**
 * Webhooks verify, store, acknowledge, then hand off (Chatwoot's thin webhook → job → service). Storing first
 * means a crash after the acknowledgement loses nothing; the unique (platform, event id) means a redelivered event
 * is stored once and handled once. A webhook body's events are stored in one statement (a LINE body may carry a
 * thousand): the rows it inserts come back; the others were stored before, and one query finds their ids.
 * Results are in the order of `events`; an event repeated within the batch is a duplicate of its first occurrence.
 */
export async function recordInboundBatch(
  deps: CoreDeps,
  events: readonly InboundEvent[],
): Promise<{ id: number; duplicate: boolean }[]> {
  if (events.length === 0) return [];
  // Platform ids hold no colon (they are ours: 'line', 'discord', 'websim'), so the key is unambiguous.
  const keyOf = (platform: string, eventId: string) => `${platform}:${eventId}`;
  const receivedAt = deps.clock.now();
  const firstOf = new Map<string, InboundEvent>();
  for (const event of events)
    if (!firstOf.has(keyOf(event.platform, event.eventId))) firstOf.set(keyOf(event.platform, event.eventId), event);
  const unique = [...firstOf.values()];
  const inserted = new Map<string, number>();
  for (let i = 0; i < unique.length; i += INSERT_CHUNK) {
    // The rows travel as one JSON parameter: PGlite parses a thousand bind parameters about four times slower.
    const rows = unique.slice(i, i + INSERT_CHUNK).map((event) => ({
      platform: event.platform,
      event_id: event.eventId,
      platform_user_id: event.sender?.platformUserId ?? null,
      payload_enc: deps.cipher.encrypt(JSON.stringify(event)),
    }));
    const result = await deps.db.execute(sql`
      insert into ${inboundEvents} (platform, event_id, platform_user_id, payload_enc, received_at)
      select r.platform, r.event_id, r.platform_user_id, r.payload_enc, ${receivedAt.toISOString()}::timestamptz
      from json_to_recordset(${JSON.stringify(rows)}::json)
        as r(platform text, event_id text, platform_user_id text, payload_enc text)
      on conflict (platform, event_id) do nothing
      returning id, platform, event_id`);
    for (const row of resultRows<KeyRow>(result)) inserted.set(keyOf(row.platform, row.event_id), row.id);
  }
  const existing = new Map<string, number>();
  const missing = unique.filter((e) => !inserted.has(keyOf(e.platform, e.eventId)));
  if (missing.length > 0) {
    const keys = missing.map((e) => ({ platform: e.platform, event_id: e.eventId }));
    const result = await deps.db.execute(sql`
      select e.id, e.platform, e.event_id
      from ${inboundEvents} e
      join json_to_recordset(${JSON.stringify(keys)}::json) as k(platform text, event_id text)
        on e.platform = k.platform and e.event_id = k.event_id`);
    for (const row of resultRows<KeyRow>(result)) existing.set(keyOf(row.platform, row.event_id), row.id);
  }
  const claimed = new Set<string>();
  return events.map((event) => {
    const key = keyOf(event.platform, event.eventId);
    const id = inserted.get(key);
    if (id !== undefined && !claimed.has(key)) {
      claimed.add(key);
      return { id, duplicate: false };
    }
    return { id: id ?? existing.get(key) ?? -1, duplicate: true };
  });
}

type KeyRow = { id: number; platform: string; event_id: string };

/** Raw query results: postgres.js gives the rows as an array, PGlite as `{ rows }`. */
function resultRows<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

/** One event: `recordInboundBatch` of one. */
export async function recordInbound(deps: CoreDeps, event: InboundEvent): Promise<{ id: number; duplicate: boolean }> {
  const [result] = await recordInboundBatch(deps, [event]);
  return result ?? { id: -1, duplicate: true };
}

/** Handles one stored event exactly once: the state change, its replies and the 'handled' mark commit together. */
export async function processStoredEvent(
  deps: CoreDeps,
  handle: InboundHandler,
  id: number,
): Promise<'handled' | 'skipped' | 'failed'> {
  try {
    return await deps.db.transaction(async (tx) => {
      const [row] = await tx.select().from(inboundEvents).where(eq(inboundEvents.id, id)).for('update');
      if (!row || row.status !== 'received' || !row.payloadEnc) return 'skipped';
      const event = JSON.parse(deps.cipher.decrypt(row.payloadEnc)) as InboundEvent;
      await handle(deps, tx, event);
      await tx
        .update(inboundEvents)
        .set({ status: 'handled', handledAt: deps.clock.now() })
        .where(eq(inboundEvents.id, id));
      return 'handled';
    });
  } catch (error) {
    // The event stays stored (nothing the person sent is lost); they get an apology instead of silence.
    deps.logger.error({ inboundId: id, err: errorSummary(error) }, 'inbound event failed');
    await deps.db.transaction(async (tx) => {
      const [row] = await tx
        .update(inboundEvents)
        .set({ status: 'failed', error: errorSummary(error).slice(0, 500), handledAt: deps.clock.now() })
        .where(and(eq(inboundEvents.id, id), eq(inboundEvents.status, 'received')))
        .returning();
      if (!row?.payloadEnc) return;
      const event = JSON.parse(deps.cipher.decrypt(row.payloadEnc)) as InboundEvent;
      if (event.chat.type !== 'direct') return;
      await enqueue(tx, deps, {
        dedupeKey: `event:${event.platform}:${event.eventId}:failure`,
        to: event.chat,
        purpose: 'reply.failure',
        messages: [
          {
            text: '죄송합니다. 잠시 문제가 생겨 처리하지 못했습니다. 보내신 내용은 저장해 두었습니다. 잠시 뒤 다시 보내 주세요.',
          },
        ],
        replyHandle: event.replyHandle ?? null,
      });
    });
    return 'failed';
  }
}

/** Events stored but not handled when the process stopped (a crash after the 200): handled now, in order. */
export async function pendingInboundIds(deps: CoreDeps): Promise<number[]> {
  const rows = await deps.db
    .select({ id: inboundEvents.id })
    .from(inboundEvents)
    .where(eq(inboundEvents.status, 'received'))
    .orderBy(asc(inboundEvents.id));
  return rows.map((r) => r.id);
}
