import { and, asc, eq, inArray, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { deliveryRequests, outbox } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { forgetDeadWorkers, takeable } from './delivery.liveness.ts';

export type OutboxRow = typeof outbox.$inferSelect;
export type DeliveryRequestRow = typeof deliveryRequests.$inferSelect;
/**
 * A row of a batch as its request needs it: who, whether still to be sent, whether its message is still there.
 * The batch's message is the same on every row and read once (`ClaimedRequest.sealed`): 37,000 copies of it need not
 * travel to the worker.
 */
export type BatchRow = Pick<OutboxRow, 'id' | 'chatId' | 'status' | 'attempts'> & { hasMessage: boolean };
/** A platform request and its rows: sent, and retried, as one. */
export type ClaimedRequest = { request: DeliveryRequestRow; rows: BatchRow[]; sealed: string | null };
export type Claim = {
  /** Rows that go one by one (replies, group chats, notices), held by `lease`. */
  singles: OutboxRow[];
  /** The one row that holds `singles` for this worker (none when there are none). */
  lease: DeliveryRequestRow | null;
  /** Batches due: first sends and retries alike, each with the rows and the retry key stored with it. */
  requests: ClaimedRequest[];
  /** Rows this claim took one by one (a full claim means more may be due). */
  fresh: number;
};

export type ClaimInput = {
  owner: string;
  platforms: string[];
  batchSize: number;
  requestLimit: number;
  leaseMs: number;
  /** PostgreSQL: first forget workers whose session lock is free (their process died). */
  reapDead: boolean;
};

/** Claims are made one at a time (a transaction-level advisory lock): see claimWork. */
const CLAIM_LOCK = 7262203;

/**
 * Claims work in one transaction, writing one row per batch or lease, never one per recipient:
 *
 * - Batches due (a broadcast's requests of at most 500, written with their rows at fan-out): each is leased to this
 *   worker on its own row (`owner`, `leaseUntil`, `attempts`), whoever had it before — a first send, a retry after a
 *   429, or a takeover from a dead worker — and its rows are read by the ids stored with it.
 * - Rows sent one by one (a chat's rows in order): one `lease` row lists all that this claim took.
 *
 * A row is therefore written twice: when it is created and with its outcome. Rows are not marked as claimed, so
 * claims are serialised by a transaction-level advisory lock: a claim that waited for another sees its lease (with
 * `FOR UPDATE SKIP LOCKED` alone, a claim whose snapshot predates the other's commit could take the same rows).
 * Leases of workers that died, or that lapsed, are deleted first: their rows are due again.
 */
export async function claimWork(deps: CoreDeps, input: ClaimInput): Promise<Claim> {
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + input.leaseMs);
  if (input.platforms.length === 0) return { singles: [], lease: null, requests: [], fresh: 0 };
  return deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`);
    if (input.reapDead) await tx.execute(forgetDeadWorkers(input.owner));
    await tx
      .delete(deliveryRequests)
      .where(
        and(eq(deliveryRequests.kind, 'lease'), takeable(deliveryRequests.owner, deliveryRequests.leaseUntil, now)),
      );

    const dueRequests = tx
      .select({ id: deliveryRequests.id })
      .from(deliveryRequests)
      .where(
        and(
          eq(deliveryRequests.status, 'pending'),
          eq(deliveryRequests.kind, 'batch'),
          lte(deliveryRequests.nextAttemptAt, now),
          inArray(deliveryRequests.platform, input.platforms),
          takeable(deliveryRequests.owner, deliveryRequests.leaseUntil, now),
        ),
      )
      .orderBy(asc(deliveryRequests.id))
      .limit(input.requestLimit)
      .for('update', { skipLocked: true });
    const claimed = await tx
      .update(deliveryRequests)
      .set({ owner: input.owner, leaseUntil, attempts: sql`${deliveryRequests.attempts} + 1` })
      .where(inArray(deliveryRequests.id, dueRequests))
      .returning();
    claimed.sort((a, b) => a.id - b.id);
    const ids = claimed.flatMap((r) => r.rowIds);
    const batchRows = ids.length
      ? await tx
          .select({
            id: outbox.id,
            chatId: outbox.chatId,
            status: outbox.status,
            attempts: outbox.attempts,
            hasMessage: sql<boolean>`${outbox.messagesEnc} is not null`,
            // The message once a batch: its first row that still has it.
            sealed: sql<
              string | null
            >`case when row_number() over (partition by ${outbox.batchKey} order by ${outbox.messagesEnc} is null, ${outbox.id}) = 1 then ${outbox.messagesEnc} end`,
            batchKey: outbox.batchKey,
          })
          .from(outbox)
          .where(sql`${outbox.id} = any(${`{${ids.join(',')}}`}::int[])`)
          .orderBy(asc(outbox.id))
      : [];
    const byId = new Map(batchRows.map((r) => [r.id, r]));
    const requests = claimed.map((request) => {
      const rows = request.rowIds.flatMap((id) => byId.get(id) ?? []).sort((a, b) => a.id - b.id);
      const sealed = rows.find((r) => r.sealed !== null)?.sealed ?? null;
      return {
        request,
        sealed,
        rows: rows.map(({ id, chatId, status, attempts, hasMessage }) => ({
          id,
          chatId,
          status,
          attempts,
          hasMessage,
        })),
      };
    });

    const earlier = alias(outbox, 'earlier');
    const singles = await tx
      .select()
      .from(outbox)
      .where(
        and(
          inArray(outbox.status, ['queued', 'retrying']),
          lte(outbox.nextAttemptAt, now),
          isNull(outbox.batchKey),
          inArray(outbox.platform, input.platforms),
          sql`${outbox.id} not in (select unnest(${deliveryRequests.rowIds}) from ${deliveryRequests} where ${deliveryRequests.kind} = 'lease')`,
          notExists(
            tx
              .select({ id: earlier.id })
              .from(earlier)
              .where(
                and(
                  eq(earlier.platform, outbox.platform),
                  eq(earlier.chatId, outbox.chatId),
                  lt(earlier.id, outbox.id),
                  // A failed send that waits to be retried holds the chat's later messages back (order); a message
                  // held for quiet hours does not: a conversation at 23:00 still gets its answers.
                  or(
                    eq(earlier.status, 'retrying'),
                    and(eq(earlier.status, 'queued'), lte(earlier.nextAttemptAt, now)),
                  ),
                ),
              ),
          ),
        ),
      )
      .orderBy(asc(outbox.id))
      .limit(input.batchSize);
    const [lease] = singles.length
      ? await tx
          .insert(deliveryRequests)
          .values({
            kind: 'lease',
            platform: null,
            rowIds: singles.map((r) => r.id),
            recipients: singles.length,
            attempts: 1,
            nextAttemptAt: now,
            owner: input.owner,
            leaseUntil,
            createdAt: now,
          })
          .returning()
      : [];
    // The attempt this is, in memory only: it is written with the outcome.
    for (const row of singles) row.attempts += 1;
    for (const { request, rows } of requests) for (const row of rows) row.attempts = request.attempts;
    return { singles, lease: lease ?? null, requests, fresh: singles.length };
  });
}

/** Whole rows by id (a batch sent row by row, a fallback), in id order. */
export async function loadRows(deps: CoreDeps, ids: number[]): Promise<OutboxRow[]> {
  if (ids.length === 0) return [];
  return deps.db.select().from(outbox).where(inArray(outbox.id, ids)).orderBy(asc(outbox.id));
}
