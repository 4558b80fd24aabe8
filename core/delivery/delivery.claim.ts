import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { deliveryRequests, outbox } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { forgetDeadWorkers, takeable } from './delivery.liveness.ts';

export type OutboxRow = typeof outbox.$inferSelect;
export type DeliveryRequestRow = typeof deliveryRequests.$inferSelect;
/** A platform request and its rows: sent, and retried, as one. */
export type ClaimedRequest = { request: DeliveryRequestRow; rows: OutboxRow[] };
export type Claim = {
  /** Rows that go one by one (replies, group chats, platforms without multicast). */
  singles: OutboxRow[];
  requests: ClaimedRequest[];
  /** Due rows this claim took (a full claim means more may be due). */
  fresh: number;
  /** Requests decided earlier that this claim took over or retries. */
  resumed: number;
};

export type ClaimInput = {
  owner: string;
  platforms: string[];
  /** Platforms that take one request to many, with how many recipients a request may have. */
  multicastLimits: ReadonlyMap<string, number>;
  batchSize: number;
  requestLimit: number;
  leaseMs: number;
  /** PostgreSQL: first forget workers whose session lock is free (their process died). */
  reapDead: boolean;
};

/**
 * Claims work in one transaction. First the requests decided earlier that are due again or whose owner is gone: they
 * are resumed whole, with the rows and the retry key stored with them. Then due rows of no request (a chat's rows in
 * order): rows of one broadcast batch that this claim took become requests of at most the platform's limit, stored
 * with their retry keys before anything is sent. A claim that takes only part of a batch (its size limit, or another
 * worker took the rest) makes requests of that part; whatever happens later, each request is sent as it was decided.
 */
export async function claimWork(deps: CoreDeps, input: ClaimInput): Promise<Claim> {
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + input.leaseMs);
  if (input.platforms.length === 0) return { singles: [], requests: [], fresh: 0, resumed: 0 };
  return deps.db.transaction(async (tx) => {
    if (input.reapDead) await tx.execute(forgetDeadWorkers(input.owner));
    const dueRequests = tx
      .select({ id: deliveryRequests.id })
      .from(deliveryRequests)
      .where(
        and(
          eq(deliveryRequests.status, 'pending'),
          lte(deliveryRequests.nextAttemptAt, now),
          inArray(deliveryRequests.platform, input.platforms),
          takeable(deliveryRequests.owner, deliveryRequests.leaseUntil, now),
        ),
      )
      .orderBy(asc(deliveryRequests.id))
      .limit(input.requestLimit)
      .for('update', { skipLocked: true });
    const resumed = await tx
      .update(deliveryRequests)
      .set({ owner: input.owner, leaseUntil, attempts: sql`${deliveryRequests.attempts} + 1` })
      .where(inArray(deliveryRequests.id, dueRequests))
      .returning();
    const resumedRows = resumed.length
      ? await tx
          .select()
          .from(outbox)
          .where(
            inArray(
              outbox.requestId,
              resumed.map((r) => r.id),
            ),
          )
          .orderBy(asc(outbox.id))
      : [];

    const earlier = alias(outbox, 'earlier');
    const fresh = await tx
      .select()
      .from(outbox)
      .where(
        and(
          inArray(outbox.status, ['queued', 'retrying']),
          lte(outbox.nextAttemptAt, now),
          isNull(outbox.requestId),
          takeable(outbox.leaseOwner, outbox.leaseUntil, now),
          inArray(outbox.platform, input.platforms),
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
      .limit(input.batchSize)
      .for('update', { skipLocked: true });

    // Rows of one batch, in id order, cut into requests of at most the platform's limit.
    const batches = new Map<string, OutboxRow[]>();
    for (const row of fresh) {
      if (row.batchKey === null || row.chatType !== 'direct' || !input.multicastLimits.has(row.platform)) continue;
      const key = `${row.platform}|${row.batchKey}`;
      const batch = batches.get(key);
      if (batch) batch.push(row);
      else batches.set(key, [row]);
    }
    const planned: { retryKey: string; platform: string; rows: OutboxRow[] }[] = [];
    for (const rows of batches.values()) {
      const platform = rows[0]?.platform ?? '';
      const limit = input.multicastLimits.get(platform) ?? rows.length;
      for (let i = 0; i < rows.length; i += limit)
        planned.push({ retryKey: randomUUID(), platform, rows: rows.slice(i, i + limit) });
    }
    const created = planned.length
      ? await tx
          .insert(deliveryRequests)
          .values(
            planned.map((p) => ({
              platform: p.platform,
              retryKey: p.retryKey,
              recipients: p.rows.length,
              nextAttemptAt: now,
              owner: input.owner,
              leaseUntil,
              createdAt: now,
            })),
          )
          .returning()
      : [];
    const byKey = new Map(created.map((r) => [r.retryKey, r]));
    const requestOf = new Map<number, number>();
    const requests: ClaimedRequest[] = [];
    for (const p of planned) {
      const request = byKey.get(p.retryKey);
      if (!request) throw new Error('a delivery request was not stored');
      for (const row of p.rows) requestOf.set(row.id, request.id);
      requests.push({ request, rows: p.rows });
    }
    if (fresh.length) {
      // One statement leases every row and puts each batch row into its request: {row id: request id or null}.
      const map = JSON.stringify(Object.fromEntries(fresh.map((r) => [r.id, requestOf.get(r.id) ?? null])));
      await tx.execute(sql`
        update ${outbox} set lease_until = ${leaseUntil.toISOString()}::timestamptz, lease_owner = ${input.owner}::uuid,
          attempts = ${outbox.attempts} + 1, request_id = (m.value #>> '{}')::int
        from jsonb_each(${map}::jsonb) m where ${outbox.id} = m.key::int`);
      for (const row of fresh) {
        row.attempts += 1;
        row.leaseUntil = leaseUntil;
        row.leaseOwner = input.owner;
        row.requestId = requestOf.get(row.id) ?? null;
      }
    }
    const rowsOf = new Map<number, OutboxRow[]>();
    for (const row of resumedRows) {
      const list = rowsOf.get(row.requestId ?? -1);
      if (list) list.push(row);
      else rowsOf.set(row.requestId ?? -1, [row]);
    }
    return {
      singles: fresh.filter((r) => r.requestId === null),
      requests: [...resumed.map((request) => ({ request, rows: rowsOf.get(request.id) ?? [] })), ...requests],
      fresh: fresh.length,
      resumed: resumed.length,
    };
  });
}
