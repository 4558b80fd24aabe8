import { and, eq, inArray, sql } from 'drizzle-orm';
import { deliveryRequests, outbox } from '../../db/schema/index.ts';
import type { SendResult } from '../channel/channel.port.ts';
import type { CoreDeps } from '../core.deps.ts';
import { nextAttemptDelayMs } from './delivery.backoff.ts';
import {
  loadRows,
  type BatchRow,
  type Claim,
  type ClaimedRequest,
  type DeliveryRequestRow,
  type OutboxRow,
} from './delivery.claim.ts';
import { enqueueFallback } from './delivery.fallback.ts';

const open = ['queued', 'retrying'] as const;

/**
 * When a row sent one by one that has ended (sent, or failed for good) is due: never. The due index holds such rows
 * (it names no status, so that a batch row's outcome can be a HOT update), and this keeps them past every claim.
 */
export const ENDED = new Date('9999-12-31T00:00:00Z');

/**
 * Records the outcome of one row sent on its own (its second write: the claim wrote none): sent, retrying (with the
 * next attempt time) or failed, with the attempt it was (`row.attempts`, counted at the claim). Returns when it is to
 * be tried again, or null when it has ended.
 */
export async function recordRow(
  deps: CoreDeps,
  row: OutboxRow,
  result: SendResult,
  maxAttempts: number,
): Promise<Date | null> {
  const now = deps.clock.now();
  if (result.ok) {
    // The platform's id of the message (Discord), so that a correction can edit it later.
    const messageId = result.platformMessageId ? { platformMessageId: result.platformMessageId } : {};
    const ended = row.batchKey === null ? { nextAttemptAt: ENDED } : {};
    await deps.db
      .update(outbox)
      .set({ status: 'sent', sentAt: now, attempts: row.attempts, lastError: null, ...ended, ...messageId })
      .where(and(eq(outbox.id, row.id), inArray(outbox.status, [...open])));
    return null;
  }
  const final = result.permanent || row.attempts >= maxAttempts;
  const next = new Date(now.getTime() + nextAttemptDelayMs(row.attempts, result.retryAfterMs));
  await deps.db
    .update(outbox)
    .set({
      status: final ? 'failed' : 'retrying',
      attempts: row.attempts,
      lastError: result.error.slice(0, 1000),
      ...(final ? (row.batchKey === null ? { nextAttemptAt: ENDED } : {}) : { nextAttemptAt: next }),
    })
    .where(and(eq(outbox.id, row.id), inArray(outbox.status, [...open])));
  logFailure(deps, { outboxId: row.id, platform: row.platform, attempts: row.attempts }, result, final);
  if (final) await fallBack(deps, [row]);
  return final ? null : next;
}

/**
 * Records a request's outcomes (one per platform request it became) and the request's own state in one transaction:
 * a crash leaves either all of it or none, and none means the request is resumed as it was. A request that failed
 * and may be retried stays pending: its retry sends the same rows under the same key.
 */
export async function recordRequest(
  deps: CoreDeps,
  claimed: ClaimedRequest,
  outcomes: { rows: BatchRow[]; result: SendResult }[],
  maxAttempts: number,
): Promise<void> {
  const { request } = claimed;
  const now = deps.clock.now();
  const failed: BatchRow[] = [];
  let retryAt: Date | null = null;
  let lastError: string | null = null;
  await deps.db.transaction(async (tx) => {
    for (const { rows, result } of outcomes) {
      if (rows.length === 0) continue;
      const ids = inArray(
        outbox.id,
        rows.map((r) => r.id),
      );
      const still = and(ids, inArray(outbox.status, [...open]));
      const base = { attempts: request.attempts };
      if (result.ok) {
        await tx
          .update(outbox)
          .set({ ...base, status: 'sent', sentAt: now, lastError: null })
          .where(still);
        continue;
      }
      lastError = result.error.slice(0, 1000);
      const final = result.permanent || request.attempts >= maxAttempts;
      const next = new Date(now.getTime() + nextAttemptDelayMs(request.attempts, result.retryAfterMs));
      if (!final && (!retryAt || next > retryAt)) retryAt = next;
      if (final) failed.push(...rows);
      await tx
        .update(outbox)
        .set({ ...base, status: final ? 'failed' : 'retrying', lastError, ...(final ? {} : { nextAttemptAt: next }) })
        .where(still);
      logFailure(
        deps,
        { requestId: request.id, platform: request.platform, attempts: request.attempts, rows: rows.length },
        result,
        final,
      );
    }
    const counted = outcomes.filter((o) => o.rows.length > 0);
    const status = retryAt ? 'pending' : counted.every((o) => o.result.ok) ? 'sent' : 'failed';
    await tx
      .update(deliveryRequests)
      .set({ status, owner: null, leaseUntil: null, lastError, ...(retryAt ? { nextAttemptAt: retryAt } : {}) })
      .where(eq(deliveryRequests.id, request.id));
  });
  if (failed.length)
    await fallBack(
      deps,
      await loadRows(
        deps,
        failed.map((r) => r.id),
      ),
    );
}

/**
 * A batch request sent row by row (its platform has no multicast, or a smaller limit): each row went under its own
 * key, and the request is pending while any row waits for a retry, else ended.
 */
export async function settleBatch(deps: CoreDeps, request: DeliveryRequestRow, retryAt: Date | null): Promise<void> {
  await deps.db
    .update(deliveryRequests)
    .set({
      status: retryAt ? 'pending' : 'sent',
      owner: null,
      leaseUntil: null,
      ...(retryAt ? { nextAttemptAt: retryAt } : {}),
    })
    .where(eq(deliveryRequests.id, request.id));
}

/** A lease whose rows have all been sent or let go: they are due again to any worker, as recorded. */
export async function endLease(deps: CoreDeps, lease: DeliveryRequestRow | null): Promise<void> {
  if (lease) await deps.db.delete(deliveryRequests).where(eq(deliveryRequests.id, lease.id));
}

/** Lets claimed work go at once (not sent: its attempt does not count), rather than when its lease lapses. */
export async function releaseClaim(deps: CoreDeps, claim: Pick<Claim, 'lease' | 'requests'>): Promise<void> {
  await endLease(deps, claim.lease);
  const requestIds = claim.requests.map((r) => r.request.id);
  if (requestIds.length)
    await deps.db
      .update(deliveryRequests)
      .set({ owner: null, leaseUntil: null, attempts: sql`${deliveryRequests.attempts} - 1` })
      .where(and(inArray(deliveryRequests.id, requestIds), eq(deliveryRequests.status, 'pending')));
}

async function fallBack(deps: CoreDeps, rows: OutboxRow[]): Promise<void> {
  for (const row of rows)
    if (await enqueueFallback(deps, row))
      deps.logger.info({ outboxId: row.id }, 'delivery falls back to the next platform');
}

function logFailure(deps: CoreDeps, what: Record<string, unknown>, result: SendResult, final: boolean): void {
  if (result.ok) return;
  deps.logger.warn(
    { ...what, permanent: result.permanent, error: result.error, final },
    final ? 'delivery failed' : 'delivery will be retried',
  );
}
