import { and, eq, inArray, sql } from 'drizzle-orm';
import { deliveryRequests, outbox } from '../../db/schema/index.ts';
import type { SendResult } from '../channel/channel.port.ts';
import type { CoreDeps } from '../core.deps.ts';
import { nextAttemptDelayMs } from './delivery.backoff.ts';
import type { Claim, ClaimedRequest, OutboxRow } from './delivery.claim.ts';
import { enqueueFallback } from './delivery.fallback.ts';

const open = ['queued', 'retrying'] as const;

/** Records the outcome of one row sent on its own: sent, retrying (with the next attempt time) or failed. */
export async function recordRow(
  deps: CoreDeps,
  row: OutboxRow,
  result: SendResult,
  maxAttempts: number,
): Promise<void> {
  const now = deps.clock.now();
  if (result.ok) {
    // The platform's id of the message (Discord), so that a correction can edit it later.
    const messageId = result.platformMessageId ? { platformMessageId: result.platformMessageId } : {};
    await deps.db
      .update(outbox)
      .set({ status: 'sent', sentAt: now, leaseUntil: null, leaseOwner: null, lastError: null, ...messageId })
      .where(eq(outbox.id, row.id));
    return;
  }
  const final = result.permanent || row.attempts >= maxAttempts;
  await deps.db
    .update(outbox)
    .set({
      status: final ? 'failed' : 'retrying',
      lastError: result.error.slice(0, 1000),
      leaseUntil: null,
      leaseOwner: null,
      nextAttemptAt: final
        ? row.nextAttemptAt
        : new Date(now.getTime() + nextAttemptDelayMs(row.attempts, result.retryAfterMs)),
    })
    .where(eq(outbox.id, row.id));
  logFailure(deps, { outboxId: row.id, platform: row.platform, attempts: row.attempts }, result, final);
  if (final) await fallBack(deps, [row]);
}

/**
 * Records a request's outcomes (one per platform request it became) and the request's own state in one transaction:
 * a crash leaves either all of it or none, and none means the request is resumed as it was. A request that failed
 * and may be retried stays pending: its retry sends the same rows under the same key.
 */
export async function recordRequest(
  deps: CoreDeps,
  claimed: ClaimedRequest,
  outcomes: { rows: OutboxRow[]; result: SendResult }[],
  maxAttempts: number,
): Promise<void> {
  const { request } = claimed;
  const now = deps.clock.now();
  const failed: OutboxRow[] = [];
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
      const base = { leaseUntil: null, leaseOwner: null, attempts: request.attempts };
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
  if (failed.length) await fallBack(deps, failed);
}

/** Lets claimed work go at once (not sent: its attempt does not count), rather than when its lease lapses. */
export async function releaseClaim(deps: CoreDeps, claim: Pick<Claim, 'singles' | 'requests'>): Promise<void> {
  const rowIds = claim.singles.map((r) => r.id);
  if (rowIds.length)
    await deps.db
      .update(outbox)
      .set({ leaseUntil: null, leaseOwner: null, attempts: sql`${outbox.attempts} - 1` })
      .where(inArray(outbox.id, rowIds));
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
