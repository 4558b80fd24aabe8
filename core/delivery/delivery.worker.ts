import { and, asc, eq, inArray, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { outbox } from '../../db/schema/index.ts';
import type { ChannelSender, SendResult } from '../channel/channel.port.ts';
import type { OutboundMessage, PlatformId } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { createBackgroundLoop } from '../background/background.loop.ts';
import { errorSummary } from '../error.summary.ts';
import { nextAttemptDelayMs } from './delivery.backoff.ts';
import { enqueueFallback } from './delivery.fallback.ts';
import { uuidFrom } from './idempotency.key.ts';

export type DeliveryWorkerOptions = {
  batchSize?: number;
  maxAttempts?: number;
  leaseMs?: number;
  idleIntervalMs?: number;
  /** Runs before every pass, failures logged (e.g. fanning out scheduled broadcasts whose time has come). */
  beforePass?: () => Promise<unknown>;
  /** Runs after a pass that sent something (e.g. reporting broadcasts whose deliveries have all ended). */
  afterPass?: () => Promise<unknown>;
};

export type DeliveryWorker = {
  /** Claims due rows once and sends them; returns how many were claimed. */
  runOnce(): Promise<number>;
  /** Runs until nothing is due now (tests and the simulator wait on this). */
  flush(): Promise<void>;
  kick(): void;
  start(): void;
  stop(): Promise<void>;
};

type Row = typeof outbox.$inferSelect;

/** Platform batch requests in flight at once within a pass. */
const MULTICAST_CONCURRENCY = 4;
/** Claims in one pass at most, each of batchSize rows (a county-wide broadcast is 37,000). */
const PASS_CLAIMS = 4;

/**
 * Sends what the outbox holds and records each outcome: sent, retrying (with the next attempt time) or failed
 * (permanent, with the platform's error). A claimed row carries a lease; a crash lets it lapse and the row is sent
 * again with the same idempotency key, which the platform de-duplicates. Rows of one chat go out in order.
 */
export function createDeliveryWorker(
  deps: CoreDeps,
  senders: ReadonlyMap<PlatformId, ChannelSender>,
  options: DeliveryWorkerOptions = {},
): DeliveryWorker {
  // Twenty LINE multicast batches a claim: rows of a batch are contiguous, so a claim takes them whole. Few, large
  // claims: each weighs every due row against its chat's earlier ones, and a reply written during a broadcast comes
  // after all of the broadcast's rows (id order) whatever the claim size.
  const batchSize = options.batchSize ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const leaseMs = options.leaseMs ?? 60_000;
  const idleIntervalMs = options.idleIntervalMs ?? 1_000;

  async function claim(): Promise<Row[]> {
    const now = deps.clock.now();
    const earlier = alias(outbox, 'earlier');
    const due = deps.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          inArray(outbox.status, ['queued', 'retrying']),
          lte(outbox.nextAttemptAt, now),
          or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, now)),
          inArray(outbox.platform, [...senders.keys()]),
          notExists(
            deps.db
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
      .limit(batchSize)
      .for('update', { skipLocked: true });
    return deps.db
      .update(outbox)
      .set({ leaseUntil: new Date(now.getTime() + leaseMs), attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, due))
      .returning();
  }

  async function deliver(row: Row): Promise<boolean> {
    const sender = senders.get(row.platform);
    let result: SendResult;
    if (!sender) result = { ok: false, permanent: true, error: `no channel for platform ${row.platform}` };
    else if (!row.messagesEnc) result = { ok: false, permanent: true, error: 'message erased before delivery' };
    else {
      try {
        const messages = JSON.parse(deps.cipher.decrypt(row.messagesEnc)) as OutboundMessage[];
        result = await sender.send({
          to: { platform: row.platform, type: row.chatType, id: row.chatId },
          messages,
          idempotencyKey: row.idempotencyKey,
          attempt: row.attempts,
          replyHandle: row.replyHandle,
        });
      } catch (error) {
        result = { ok: false, permanent: false, error: errorSummary(error) };
      }
    }
    await record(row, result);
    return result.ok;
  }

  async function record(row: Row, result: SendResult): Promise<void> {
    const now = deps.clock.now();
    if (result.ok) {
      // The platform's id of the message (Discord), so that a correction can edit it later.
      const messageId = result.platformMessageId ? { platformMessageId: result.platformMessageId } : {};
      await deps.db
        .update(outbox)
        .set({ status: 'sent', sentAt: now, leaseUntil: null, lastError: null, ...messageId })
        .where(eq(outbox.id, row.id));
      return;
    }
    const final = result.permanent || row.attempts >= maxAttempts;
    const next = new Date(now.getTime() + nextAttemptDelayMs(row.attempts, result.retryAfterMs));
    await deps.db
      .update(outbox)
      .set({
        status: final ? 'failed' : 'retrying',
        lastError: result.error.slice(0, 1000),
        leaseUntil: null,
        nextAttemptAt: final ? row.nextAttemptAt : next,
      })
      .where(eq(outbox.id, row.id));
    deps.logger.warn(
      {
        outboxId: row.id,
        platform: row.platform,
        attempts: row.attempts,
        permanent: result.permanent,
        error: result.error,
        final,
      },
      final ? 'delivery failed' : 'delivery will be retried',
    );
    if (final && (await enqueueFallback(deps, row)))
      deps.logger.info({ outboxId: row.id }, 'delivery falls back to the next platform');
  }

  async function runOnce(): Promise<number> {
    if (options.beforePass)
      await options
        .beforePass()
        .catch((error: unknown) =>
          deps.logger.error({ err: errorSummary(error) }, 'work before the delivery pass failed'),
        );
    // While a claim comes back full, the pass claims again (up to PASS_CLAIMS times), each claim made while the
    // previous rows are being sent, as a second worker would: their leases keep them from it, and rows not yet sent
    // still hold their chats' later rows back.
    let claimed = 0;
    let next: Promise<Row[]> | undefined = claim();
    for (let claims = 1; next; claims++) {
      const rows: Row[] = await next;
      claimed += rows.length;
      next = rows.length === batchSize && claims < PASS_CLAIMS ? claim() : undefined;
      next?.catch(() => {}); // awaited in turn (or released below)
      try {
        await deliverRows(rows);
      } catch (error) {
        // Rows claimed for the rest of the pass are let go at once rather than when their lease lapses.
        const unsent = ((await next?.catch(() => [])) ?? []).map((r) => r.id);
        if (unsent.length)
          await deps.db
            .update(outbox)
            .set({ leaseUntil: null, attempts: sql`${outbox.attempts} - 1` })
            .where(inArray(outbox.id, unsent));
        throw error;
      }
    }
    if (claimed > 0 && options.afterPass) await options.afterPass();
    return claimed;
  }

  async function deliverRows(rows: Row[]): Promise<void> {
    const byChat = new Map<string, Row[]>();
    const byBatch = new Map<string, Row[]>();
    for (const row of rows) {
      const batchable =
        row.batchKey !== null && row.chatType === 'direct' && senders.get(row.platform)?.multicast !== undefined;
      const [map, key] = batchable
        ? [byBatch, `${row.platform}|${row.batchKey}`]
        : [byChat, `${row.platform}:${row.chatId}`];
      const group = map.get(key);
      if (group) group.push(row);
      else map.set(key, [row]);
    }
    // Chats in parallel, each chat's rows in order; a failed row holds back the rest of its chat until the next pass.
    await Promise.all([
      ...[...byChat.values()].map(async (chatRows) => {
        for (const row of chatRows) {
          if (!(await deliver(row))) {
            const rest = chatRows.slice(chatRows.indexOf(row) + 1).map((r) => r.id);
            if (rest.length)
              await deps.db
                .update(outbox)
                .set({ leaseUntil: null, attempts: sql`${outbox.attempts} - 1` })
                .where(inArray(outbox.id, rest));
            break;
          }
        }
      }),
      deliverBatches([...byBatch.values()]),
    ]);
  }

  /**
   * Batches go a few at a time (LINE takes concurrent requests), in waves: a request that never returns holds the
   * pass, so a worker that hangs has started no more than one wave, whose leases then lapse. A wave's outcomes are
   * recorded while the next wave is sent; the pass ends when all are recorded.
   */
  async function deliverBatches(batches: Row[][]): Promise<void> {
    const recording: Promise<void>[] = [];
    for (let i = 0; i < batches.length; i += MULTICAST_CONCURRENCY) {
      const sent = await Promise.all(batches.slice(i, i + MULTICAST_CONCURRENCY).map(sendBatch));
      for (const outcomes of sent) {
        const recorded = (async () => {
          for (const outcome of outcomes) await recordMany(outcome.rows, outcome.result);
        })();
        recorded.catch(() => {}); // awaited below, with the rest: only a rejection that nobody awaits yet is muted here
        recording.push(recorded);
      }
    }
    await Promise.all(recording);
  }

  /**
   * Rows of one batch go in as few platform requests as the platform allows. The key that reaches the platform is
   * derived from the batch and the exact rows in this request, so a retry of the same request is recognised (409)
   * and a request of other rows never is.
   */
  async function sendBatch(batch: Row[]): Promise<{ rows: Row[]; result: SendResult }[]> {
    const sender = senders.get(batch[0]?.platform ?? '');
    const sealed = batch.find((r) => r.messagesEnc)?.messagesEnc;
    const sendable = batch.filter((r) => r.messagesEnc);
    for (const erased of batch.filter((r) => !r.messagesEnc))
      await record(erased, { ok: false, permanent: true, error: 'message erased before delivery' });
    if (!sender?.multicast || !sealed || sendable.length === 0) return [];
    const ids = sendable.map((r) => r.id).sort((a, b) => a - b);
    let outcomes: { recipients: string[]; result: SendResult }[];
    try {
      outcomes = await sender.multicast({
        recipients: sendable.map((r) => r.chatId),
        messages: JSON.parse(deps.cipher.decrypt(sealed)) as OutboundMessage[],
        idempotencyKey: uuidFrom(`${sendable[0]?.batchKey}:${ids.join(',')}`),
      });
    } catch (error) {
      outcomes = [
        {
          recipients: sendable.map((r) => r.chatId),
          result: { ok: false, permanent: false, error: errorSummary(error) },
        },
      ];
    }
    return outcomes.map((outcome) => {
      const members = new Set(outcome.recipients);
      return { rows: sendable.filter((r) => members.has(r.chatId)), result: outcome.result };
    });
  }

  async function recordMany(rows: Row[], result: SendResult): Promise<void> {
    if (rows.length === 0) return;
    if (!result.ok) {
      for (const row of rows) await record(row, result);
      return;
    }
    const now = deps.clock.now();
    await deps.db
      .update(outbox)
      .set({ status: 'sent', sentAt: now, leaseUntil: null, lastError: null })
      .where(
        inArray(
          outbox.id,
          rows.map((r) => r.id),
        ),
      );
  }

  const loop = createBackgroundLoop({ name: 'delivery', pass: runOnce, logger: deps.logger, idleMs: idleIntervalMs });
  return { runOnce, ...loop };
}
