import { eq } from 'drizzle-orm';
import { outbox } from '../../db/schema/index.ts';
import type { ChannelSender, SendResult } from '../channel/channel.port.ts';
import type { OutboundMessage, PlatformId } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { createBackgroundLoop } from '../background/background.loop.ts';
import { errorSummary } from '../error.summary.ts';
import {
  claimWork,
  loadRows,
  type BatchRow,
  type Claim,
  type ClaimedRequest,
  type OutboxRow,
} from './delivery.claim.ts';
import { createWorkerLiveness } from './delivery.liveness.ts';
import { FANOUT_BATCH } from './delivery.fanout.ts';
import { multicastRequest } from './delivery.request.ts';
import { endLease, recordRequest, recordRow, releaseClaim, settleBatch } from './delivery.record.ts';

/**
 * Where a send can be cut short by a crash: its request stored and nothing sent yet; the platform answered and
 * nothing recorded; its outcome recorded (others of the same wave perhaps not).
 */
export type DeliveryFaultPoint = 'stored' | 'sent' | 'recorded';

export type DeliveryWorkerOptions = {
  batchSize?: number;
  maxAttempts?: number;
  /** The longest a live worker holds a claim (a send that hangs); a dead worker's claims go after `aliveMs`. */
  leaseMs?: number;
  /** How long after its last renewal (every aliveMs / 4) a worker counts as gone and its claims are taken over. */
  aliveMs?: number;
  /** The only process on its database (embedded PGlite): every other registered worker is gone, taken over at once. */
  soleWorker?: boolean;
  idleIntervalMs?: number;
  /** Runs before every pass, failures logged (e.g. fanning out scheduled broadcasts whose time has come). */
  beforePass?: () => Promise<unknown>;
  /** Runs after a pass that sent something (e.g. reporting broadcasts whose deliveries have all ended). */
  afterPass?: () => Promise<unknown>;
  /** Crash tests: called at every point of a send; a test abandons the worker there (`abandon()`). */
  fault?: (point: DeliveryFaultPoint, sending: { requestId?: number; rowIds: number[] }) => void | Promise<void>;
};

export type DeliveryWorker = {
  /** Claims due rows once and sends them; returns how many were claimed. */
  runOnce(): Promise<number>;
  /** Runs until nothing is due now (tests and the simulator wait on this). */
  flush(): Promise<void>;
  kick(): void;
  start(): void;
  stop(): Promise<void>;
  /** Crash tests: stops dead, as `kill -9` would — nothing more is sent, recorded, renewed or let go. */
  abandon(): void;
};

/** Platform batch requests in flight at once within a pass. */
const MULTICAST_CONCURRENCY = 4;
/** Claims in one pass at most, each of batchSize rows (a county-wide broadcast is 37,000). */
const PASS_CLAIMS = 4;
const forever = new Promise<never>(() => {});

/**
 * Sends what the outbox holds and records each outcome: sent, retrying (with the next attempt time) or failed
 * (permanent, with the platform's error). Rows of one broadcast batch go as the platform request decided when they
 * were written, with its stored recipients and retry key (delivery.fanout.ts); a retry, a takeover after a crash or a
 * restart sends the same request again, which the platform recognises (LINE answers 409). A claim writes one row per
 * batch or lease, never one per recipient (delivery.claim.ts), and belongs to its worker while the worker is alive
 * (delivery.liveness.ts). Rows sent one by one go out in their chat's order.
 */
export function createDeliveryWorker(
  deps: CoreDeps,
  senders: ReadonlyMap<PlatformId, ChannelSender>,
  options: DeliveryWorkerOptions = {},
): DeliveryWorker {
  // A claim takes up to this many rows sent one by one and batchSize / 500 batches (twenty LINE multicasts): few,
  // large claims, as each weighs every due row against its chat's earlier ones.
  const batchSize = options.batchSize ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const leaseMs = options.leaseMs ?? 60_000;
  const idleIntervalMs = options.idleIntervalMs ?? 1_000;
  const liveness = createWorkerLiveness(deps, { aliveMs: options.aliveMs ?? 5_000, sole: options.soleWorker ?? false });
  let abandoned = false;

  /** A crash test's hook; once abandoned, whatever the worker was doing stops at its next step. */
  async function step(point: DeliveryFaultPoint, sending: { requestId?: number; rowIds: number[] }): Promise<void> {
    if (abandoned) await forever;
    await options.fault?.(point, sending);
    if (abandoned) await forever;
  }

  const requestLimit = Math.max(1, Math.ceil(batchSize / FANOUT_BATCH));
  async function claim(): Promise<Claim> {
    if (abandoned) await forever;
    await liveness.beat();
    return claimWork(deps, {
      owner: liveness.id,
      platforms: [...senders.keys()],
      batchSize,
      requestLimit,
      leaseMs,
      reapDead: liveness.locks,
    });
  }

  /** Sends one row under its own key and records it; `retryAt`: when it is to be tried again (null: it has ended). */
  async function deliver(row: OutboxRow): Promise<{ ok: boolean; retryAt: Date | null }> {
    const sender = senders.get(row.platform);
    const sending = { rowIds: [row.id] };
    let result: SendResult;
    await step('stored', sending);
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
          replyTried: row.replyTriedAt !== null,
          noteReply: (state) => noteReply(row, state),
        });
      } catch (error) {
        result = { ok: false, permanent: false, error: errorSummary(error) };
      }
    }
    await step('sent', sending);
    const retryAt = await recordRow(deps, row, result, maxAttempts);
    await step('recorded', sending);
    return { ok: result.ok, retryAt };
  }

  /** Written before the reply token is used, so that a retry after a crash knows the token may be spent by us. */
  async function noteReply(row: OutboxRow, state: 'tried' | 'refused' | 'untried'): Promise<void> {
    if (abandoned) await forever;
    const set =
      state === 'tried'
        ? { replyTriedAt: deps.clock.now() }
        : state === 'untried'
          ? { replyTriedAt: null }
          : { replyHandle: null, replyTriedAt: null };
    await deps.db.update(outbox).set(set).where(eq(outbox.id, row.id));
  }

  async function runOnce(): Promise<number> {
    if (options.beforePass)
      await options
        .beforePass()
        .catch((error: unknown) =>
          deps.logger.error({ err: errorSummary(error) }, 'work before the delivery pass failed'),
        );
    // While a claim comes back full, the pass claims again (up to PASS_CLAIMS times), each claim made while the
    // previous rows are being sent, as a second worker would: their claims keep them from it, and rows not yet sent
    // still hold their chats' later rows back.
    let claimed = 0;
    await liveness.hold();
    try {
      claimed = await claimAndDeliver();
    } finally {
      // The session lock is kept while there is work, and let go when a pass found none.
      if (!abandoned) await liveness.idle(claimed > 0);
    }
    if (claimed > 0 && options.afterPass) await options.afterPass();
    return claimed;
  }

  async function claimAndDeliver(): Promise<number> {
    let claimed = 0;
    let next: Promise<Claim> | undefined = claim();
    for (let claims = 1; next; claims++) {
      const work: Claim = await next;
      claimed += work.fresh + work.requests.length;
      const full = work.fresh === batchSize || work.requests.length === requestLimit;
      next = full && claims < PASS_CLAIMS ? claim() : undefined;
      next?.catch(() => {}); // awaited in turn (or released below)
      try {
        await deliverClaim(work);
      } catch (error) {
        // Work claimed for the rest of the pass is let go at once rather than when its lease lapses.
        const unsent = await next?.catch(() => undefined);
        if (unsent && !abandoned) await releaseClaim(deps, unsent);
        // Rows of this claim's lease not recorded are due again now (as recorded), not when the lease lapses.
        if (!abandoned) await endLease(deps, work.lease).catch(() => {});
        throw error;
      }
    }
    return claimed;
  }

  async function deliverClaim(work: Claim): Promise<void> {
    const byChat = new Map<string, OutboxRow[]>();
    for (const row of work.singles) {
      const key = `${row.platform}:${row.chatId}`;
      const group = byChat.get(key);
      if (group) group.push(row);
      else byChat.set(key, [row]);
    }
    // Chats in parallel, each chat's rows in order; a failed row holds back the rest of its chat until the next pass
    // (they stay in the lease, unsent, until it ends with the chats' sends).
    await Promise.all([
      (async () => {
        await Promise.all(
          [...byChat.values()].map(async (chatRows) => {
            for (const row of chatRows) if (!(await deliver(row)).ok) break;
          }),
        );
        if (!abandoned) await endLease(deps, work.lease);
      })(),
      deliverRequests(work.requests),
    ]);
  }

  /**
   * Requests go a few at a time (LINE takes concurrent requests), in waves: a request that never returns holds the
   * pass, so a worker that hangs has started no more than one wave, whose leases then lapse. A wave's outcomes are
   * recorded while the next wave is sent; the pass ends when all are recorded.
   */
  async function deliverRequests(all: ClaimedRequest[]): Promise<void> {
    const multicast = (c: ClaimedRequest) => {
      const sender = senders.get(c.request.platform ?? '');
      return sender?.multicast !== undefined && c.rows.length <= (sender.multicastLimit ?? FANOUT_BATCH);
    };
    const requests = all.filter(multicast);
    const recording: Promise<void>[] = all.filter((c) => !multicast(c)).map((c) => deliverBatchSingly(c));
    for (let i = 0; i < requests.length; i += MULTICAST_CONCURRENCY) {
      const wave = requests.slice(i, i + MULTICAST_CONCURRENCY);
      const sent = await Promise.all(wave.map(async (claimed) => ({ claimed, outcomes: await sendRequest(claimed) })));
      for (const { claimed, outcomes } of sent) {
        const recorded = (async () => {
          await recordRequest(deps, claimed, outcomes, maxAttempts);
          await step('recorded', sendingOf(claimed));
        })();
        recorded.catch(() => {}); // awaited below, with the rest: only a rejection that nobody awaits yet is muted here
        recording.push(recorded);
      }
    }
    await Promise.all(recording);
  }

  /**
   * A batch for a platform that cannot take it as one request goes row by row, each under the row's own key (so a
   * retry of the batch is recognised row by row); rows of one batch are of different chats, and go at once.
   */
  async function deliverBatchSingly(claimed: ClaimedRequest): Promise<void> {
    await step('stored', sendingOf(claimed));
    const open = claimed.rows.filter((r) => r.status === 'queued' || r.status === 'retrying');
    const rows = await loadRows(
      deps,
      open.map((r) => r.id),
    );
    for (const row of rows) row.attempts = claimed.request.attempts;
    const outcomes = await Promise.all(rows.map((row) => deliver(row)));
    let retryAt: Date | null = null;
    for (const { retryAt: next } of outcomes) if (next && (!retryAt || next > retryAt)) retryAt = next;
    if (abandoned) await forever;
    await settleBatch(deps, claimed.request, retryAt);
  }

  /** A request goes exactly as it was decided (delivery.request.ts), between the crash tests' points. */
  async function sendRequest(claimed: ClaimedRequest): Promise<{ rows: BatchRow[]; result: SendResult }[]> {
    await step('stored', sendingOf(claimed));
    const outcomes = await multicastRequest(deps, senders.get(claimed.request.platform ?? ''), claimed);
    await step('sent', sendingOf(claimed));
    return outcomes;
  }

  const loop = createBackgroundLoop({ name: 'delivery', pass: runOnce, logger: deps.logger, idleMs: idleIntervalMs });
  return {
    runOnce,
    ...loop,
    async stop() {
      await loop.stop();
      await liveness.release();
    },
    abandon() {
      abandoned = true;
      liveness.abandon();
      void loop.stop();
    },
  };
}

function sendingOf(claimed: ClaimedRequest): { requestId: number; rowIds: number[] } {
  return { requestId: claimed.request.id, rowIds: claimed.rows.map((r) => r.id) };
}
