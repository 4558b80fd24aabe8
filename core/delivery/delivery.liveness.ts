import { randomUUID } from 'node:crypto';
import { and, eq, gte, isNull, lt, ne, notExists, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { deliveryWorkers } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { errorSummary } from '../error.summary.ts';

export type WorkerLiveness = {
  /** This worker's id: the owner written on everything it claims. */
  readonly id: string;
  /** Whether claims should first take over the claims of workers whose session lock is free (PostgreSQL). */
  readonly locks: boolean;
  /** Before a pass: takes the session lock (PostgreSQL), registers the worker and renews its liveness. */
  hold(): Promise<void>;
  /** After a pass: when no pass is running and the last found nothing, the session lock and its connection go. */
  idle(foundWork: boolean): Promise<void>;
  /** Renews the worker's liveness when due by the clock; before every claim. */
  beat(): Promise<void>;
  /** A clean stop: the row goes, so anything still claimed is taken over at once. */
  release(): Promise<void>;
  /** Stops renewing without letting anything go, as a killed process would (crash tests). */
  abandon(): void;
};

/**
 * A worker's claims are tied to its liveness, not only to their lease: a row in `delivery_workers` that the worker
 * renews every `aliveMs / 4` and that lapses `aliveMs` after the last renewal. A process killed with `kill -9` stops
 * renewing, and its claims are taken over within `aliveMs` instead of at the end of their (minute-long) lease. On
 * PostgreSQL, sooner: while it has claims the worker also holds a session-level advisory lock on a connection of its
 * own, which the server lets go the moment the process dies (forgetDeadWorkers). With `sole` (embedded PGlite: one
 * process per data directory, enforced by its lock file) a worker that starts knows every other registered worker is
 * gone and takes their claims over at once.
 */
export function createWorkerLiveness(deps: CoreDeps, options: { aliveMs: number; sole: boolean }): WorkerLiveness {
  const id = randomUUID();
  const client = (deps.db as unknown as { $client?: Partial<PooledClient> }).$client;
  const pool = !options.sole && typeof client?.reserve === 'function' ? (client as PooledClient) : undefined;
  let session: ReservedConnection | undefined;
  let locking: Promise<void> | undefined;
  let passes = 0;
  const renewMs = Math.max(50, Math.floor(options.aliveMs / 4));
  let registered: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let renewedAt = 0;
  let gone = false;

  async function renew(): Promise<void> {
    if (gone) return;
    const now = deps.clock.now();
    const aliveUntil = new Date(now.getTime() + options.aliveMs);
    await deps.db
      .insert(deliveryWorkers)
      .values({ id, aliveUntil, startedAt: now })
      .onConflictDoUpdate({ target: deliveryWorkers.id, set: { aliveUntil } });
    renewedAt = now.getTime();
  }

  async function register(): Promise<void> {
    const now = deps.clock.now();
    // Workers gone for an hour own nothing anyone waits for (their claims were taken over long ago): forgotten.
    await deps.db
      .delete(deliveryWorkers)
      .where(
        options.sole ? ne(deliveryWorkers.id, id) : lt(deliveryWorkers.aliveUntil, new Date(now.getTime() - 3_600_000)),
      );
    await renew();
    timer = setInterval(() => {
      renew().catch((error: unknown) =>
        deps.logger.warn({ err: errorSummary(error) }, 'delivery worker could not renew its liveness'),
      );
    }, renewMs);
    timer.unref();
  }

  async function lock(): Promise<void> {
    if (!pool || session) return;
    const reserved = await pool.reserve();
    try {
      // Blocks only while a claimer checks this worker (a moment): the lock is this worker's alone.
      await reserved.unsafe(`select pg_advisory_lock(hashtextextended($1, ${LOCK_SEED}))`, [id]);
    } catch (error) {
      reserved.release();
      throw error;
    }
    session = reserved;
  }

  async function letGo(): Promise<void> {
    const held = session;
    session = undefined;
    locking = undefined;
    if (!held) return;
    try {
      await held.unsafe('select pg_advisory_unlock_all()');
    } finally {
      held.release();
    }
  }

  return {
    id,
    locks: pool !== undefined,
    async hold() {
      if (gone) throw new Error('delivery worker abandoned');
      passes++;
      try {
        locking ??= lock();
        await locking;
        registered ??= register();
        await registered;
        // Locked first, then (re)registered: a claimer that found the lock free may have forgotten the worker.
        await renew();
      } catch (error) {
        passes--;
        locking = session ? locking : undefined; // a lock not taken is tried again at the next pass
        throw error;
      }
    },
    async idle(foundWork) {
      passes--;
      // Passes of one worker overlap (a simulator request flushes beside the loop): the lock goes with the last.
      if (passes === 0 && !foundWork) await letGo();
    },
    async beat() {
      if (gone) throw new Error('delivery worker abandoned');
      // A clock that jumped (tests) or a renewal that fell behind: renewed now, before claiming.
      if (deps.clock.now().getTime() - renewedAt >= renewMs) await renew();
    },
    async release() {
      clearInterval(timer);
      if (gone || !registered) return;
      gone = true;
      await letGo();
      await deps.db.delete(deliveryWorkers).where(eq(deliveryWorkers.id, id));
    },
    abandon() {
      gone = true;
      clearInterval(timer);
      // Its connection would close with its process: the session lock goes with it.
      void letGo().catch(() => {});
    },
  };
}

/** The advisory-lock key space of delivery workers: hashtextextended(worker id, LOCK_SEED). */
const LOCK_SEED = 7262202;
type ReservedConnection = {
  unsafe(query: string, parameters?: string[]): Promise<unknown>;
  release(): void;
};
/** postgres.js, as drizzle's `$client`: a connection of the pool can be reserved for the worker's session lock. */
type PooledClient = { reserve(): Promise<ReservedConnection> };

/**
 * On PostgreSQL every worker holds a session-level advisory lock while it has claims, on a connection of its own,
 * which dies with its process: a worker whose lock can be taken is gone, and forgetting it here makes its claims
 * takeable at once (kill -9 → taken over on the next claim, not after `aliveMs`). Trying the lock shared, for the
 * transaction only, leaves it for the worker to take back at its next pass.
 */
export function forgetDeadWorkers(owner: string): SQL {
  return sql`delete from ${deliveryWorkers} where ${deliveryWorkers.id} <> ${owner}::uuid
    and pg_try_advisory_xact_lock_shared(hashtextextended(${deliveryWorkers.id}::text, ${sql.raw(String(LOCK_SEED))}))`;
}

/**
 * A claim another worker may take: never leased, its lease lapsed (a worker that hangs), or its owner no longer
 * alive (a worker that died).
 */
export function takeable(owner: AnyColumn, leaseUntil: AnyColumn, now: Date): SQL {
  return or(
    isNull(leaseUntil),
    lt(leaseUntil, now),
    notExists(
      sql`(select 1 from ${deliveryWorkers} where ${and(eq(deliveryWorkers.id, owner), gte(deliveryWorkers.aliveUntil, now))})`,
    ),
  ) as SQL;
}
