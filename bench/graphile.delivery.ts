/**
 * The delivery queue on graphile-worker (issue 15 item 7), for the benchmarks only: the same outbox rows as the
 * hand-written engine (created by the fan-out, then their outcome), with graphile-worker's jobs in place of
 * delivery_requests, claims, leases and the worker liveness table.
 *
 * - Batches per platform capability: one job per fan-out batch (at most 500 rows, LINE's multicast), created in the
 *   broadcast's transaction (`enqueueBroadcastJobs`); its rows and its retry key are in the job's payload, decided
 *   once, so a retry (graphile's, or after a crash) sends the same request under the same X-Line-Retry-Key → 409.
 * - Per-recipient outcomes: each row recorded sent / retrying / failed with the platform's error, in one statement.
 * - Fallback on a permanent failure: core's `enqueueFallback`, and a job for each fallback row (job key per row).
 * - Quiet hours: the job's `run_at` is the batch's send time (the fan-out holds a batch until its quiet hours end).
 * - Takeover after `kill -9`: graphile-worker frees a dead process's jobs only after 4 hours; each process names a
 *   connection of its own after its pool (`application_name`), and every process frees, at start and every second,
 *   the jobs of pools that have no connection left (`forceUnlockWorkers`).
 *
 * https://worker.graphile.org/docs/library/add-job · https://worker.graphile.org/docs/sql-add-job
 */
import { EventEmitter } from 'node:events';
import { run, runMigrations, Logger, type Runner, type Task, type WorkerEvents } from 'graphile-worker';
import { and, inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { ChannelSender, SendResult } from '../core/channel/channel.port.ts';
import type { OutboundMessage } from '../core/channel/channel.types.ts';
import type { CoreDeps } from '../core/core.deps.ts';
import { enqueueFallback } from '../core/delivery/delivery.fallback.ts';
import { errorSummary } from '../core/error.summary.ts';
import type { DbOrTx } from '../db/db.client.ts';
import { outbox } from '../db/schema/index.ts';

type Row = typeof outbox.$inferSelect;
export type BatchPayload = { rowIds: number[]; platform: string; retryKey: string };
export type RowPayload = { rowId: number };

/** As the hand-written engine: 8 attempts, then failed for good. */
const MAX_ATTEMPTS = 8;
/** A pool's jobs are freed only when it has had no connection for this long after it locked them. */
const LOCK_GRACE = '2 seconds';
const open = ['queued', 'retrying'] as const;

/**
 * One job per batch of the broadcast's rows, in the caller's transaction (the broadcast and its jobs commit
 * together): the rows' ids, a retry key drawn now, the batch's send time as `run_at`, the batch key as job key.
 */
export async function enqueueBroadcastJobs(tx: DbOrTx, broadcastId: number): Promise<number> {
  const result = await tx.execute(sql`
    select count(*)::int as jobs from graphile_worker.add_jobs(array(
      select row('deliver_batch',
          json_build_object('rowIds', array_agg(id order by id), 'platform', min(platform), 'retryKey', gen_random_uuid()),
          null, min(next_attempt_at), ${MAX_ATTEMPTS}, batch_key, 0, null)::graphile_worker.job_spec
      from ${outbox}
      where batch_key like ${`broadcast:${broadcastId}:%`} and status = 'queued'
      group by batch_key))`);
  const rows = Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? []);
  return (rows[0] as { jobs: number } | undefined)?.jobs ?? 0;
}

const quiet = new Logger(() => () => {});

/** graphile-worker's own schema (graphile_worker), installed before the first job is added. */
export async function migrateGraphile(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: quiet });
}

export type GraphileDelivery = { runner: Runner; events: WorkerEvents; stop(): Promise<void> };

/** Starts graphile-worker on `connectionString` with the two delivery tasks; `concurrency` jobs at once (4, as ours). */
export async function startGraphileDelivery(
  deps: CoreDeps,
  senders: ReadonlyMap<string, ChannelSender>,
  options: {
    connectionString: string;
    concurrency?: number;
    pollInterval?: number;
    /** False: graphile-worker's own behaviour, a dead process's jobs locked for 4 hours (to measure it). */
    takeover?: boolean;
  },
): Promise<GraphileDelivery> {
  const takeover = options.takeover !== false;
  const events: WorkerEvents = new EventEmitter();
  // The pool's jobs carry its id in `locked_by`: a connection named after it says the pool is alive while it is open
  // (the name is a connection parameter, so that it survives a reconnect).
  let liveness: postgres.Sql | undefined;
  events.on('pool:create', ({ workerPool }) => {
    liveness = postgres(options.connectionString, {
      max: 1,
      onnotice: () => {},
      connection: { application_name: workerPool.id },
    });
    void liveness`select 1`;
  });
  const sweeps = postgres(options.connectionString, { max: 1, onnotice: () => {} });
  if (takeover) await freeDeadPools(sweeps);
  const runner = await run({
    connectionString: options.connectionString,
    maxPoolSize: (options.concurrency ?? 4) + 2,
    concurrency: options.concurrency ?? 4,
    pollInterval: options.pollInterval ?? 1_000,
    noHandleSignals: true,
    logger: quiet,
    events,
    taskList: {
      deliver_batch: batchTask(deps, senders),
      deliver_row: rowTask(deps, senders),
    },
  });
  const sweeper = setInterval(() => {
    if (takeover) void freeDeadPools(sweeps).catch(() => {});
  }, 1_000);
  return {
    runner,
    events,
    async stop() {
      clearInterval(sweeper);
      await runner.stop();
      await Promise.all([liveness?.end({ timeout: 5 }), sweeps.end({ timeout: 5 })]);
    },
  };
}

/** The jobs of pools with no connection left (their process is gone) go back to the queue at once. */
async function freeDeadPools(sweeps: postgres.Sql): Promise<void> {
  const dead = await sweeps<{ locked_by: string }[]>`
    select distinct locked_by from graphile_worker._private_jobs j
    where locked_by is not null and locked_at < now() - ${LOCK_GRACE}::interval
      and not exists (select 1 from pg_stat_activity a where a.application_name = j.locked_by)`;
  if (dead.length > 0)
    await sweeps`select graphile_worker.force_unlock_workers(${dead.map((r) => r.locked_by)}::text[])`;
}

function batchTask(deps: CoreDeps, senders: ReadonlyMap<string, ChannelSender>): Task {
  return async (payload, helpers) => {
    const { rowIds, platform, retryKey } = payload as BatchPayload;
    const rows = await deps.db.select().from(outbox).where(inArray(outbox.id, rowIds));
    const attempt = helpers.job.attempts;
    const final = attempt >= helpers.job.max_attempts;
    if (!rows.some((r) => isOpen(r))) return ensureFallbacks(deps, helpers, rows);
    // The request as it was decided: every row of the batch still there (a row erased on 탈퇴 is gone or has no body).
    const sendable = rows.filter((r) => r.messagesEnc);
    const sender = senders.get(platform);
    let result: SendResult;
    if (!sender) result = { ok: false, permanent: true, error: `no channel for platform ${platform}` };
    else if (sendable.length === 0) result = { ok: false, permanent: true, error: 'message erased before delivery' };
    else {
      const messages = JSON.parse(deps.cipher.decrypt(sendable[0]?.messagesEnc ?? '[]')) as OutboundMessage[];
      try {
        if (sender.multicast) {
          const outcomes = await sender.multicast({
            recipients: sendable.map((r) => r.chatId),
            messages,
            idempotencyKey: retryKey,
          });
          result = outcomes.find((o) => !o.result.ok)?.result ?? { ok: true };
        } else {
          // A platform that cannot multicast: each row on its own, under its own key (its own job would do the same).
          for (const row of sendable)
            await helpers.addJob('deliver_row', { rowId: row.id }, { jobKey: `row:${row.id}` });
          return;
        }
      } catch (error) {
        result = { ok: false, permanent: false, error: errorSummary(error) };
      }
    }
    await record(deps, sendable, result, attempt, final);
    if (!result.ok && !result.permanent && !final) throw new Error(result.error); // graphile retries, same payload
    await ensureFallbacks(deps, helpers, rows);
  };
}

function rowTask(deps: CoreDeps, senders: ReadonlyMap<string, ChannelSender>): Task {
  return async (payload, helpers) => {
    const { rowId } = payload as RowPayload;
    const rows = await deps.db
      .select()
      .from(outbox)
      .where(inArray(outbox.id, [rowId]));
    const row = rows[0];
    if (!row || !isOpen(row)) return ensureFallbacks(deps, helpers, rows);
    const attempt = helpers.job.attempts;
    const final = attempt >= helpers.job.max_attempts;
    const sender = senders.get(row.platform);
    let result: SendResult;
    if (!sender) result = { ok: false, permanent: true, error: `no channel for platform ${row.platform}` };
    else if (!row.messagesEnc) result = { ok: false, permanent: true, error: 'message erased before delivery' };
    else {
      try {
        result = await sender.send({
          to: { platform: row.platform, type: row.chatType, id: row.chatId },
          messages: JSON.parse(deps.cipher.decrypt(row.messagesEnc)) as OutboundMessage[],
          idempotencyKey: row.idempotencyKey,
          attempt,
        });
      } catch (error) {
        result = { ok: false, permanent: false, error: errorSummary(error) };
      }
    }
    await record(deps, [row], result, attempt, final);
    if (!result.ok && !result.permanent && !final) throw new Error(result.error);
    await ensureFallbacks(deps, helpers, rows);
  };
}

const isOpen = (row: Row) => (open as readonly string[]).includes(row.status);

/** One statement for the request's rows: sent, or retrying / failed with the platform's error. */
async function record(deps: CoreDeps, rows: Row[], result: SendResult, attempt: number, final: boolean) {
  if (rows.length === 0) return;
  const still = and(
    inArray(
      outbox.id,
      rows.map((r) => r.id),
    ),
    inArray(outbox.status, [...open]),
  );
  const now = deps.clock.now();
  if (result.ok) {
    await deps.db.update(outbox).set({ status: 'sent', sentAt: now, attempts: attempt, lastError: null }).where(still);
    return;
  }
  const failed = result.permanent || final;
  await deps.db
    .update(outbox)
    .set({ status: failed ? 'failed' : 'retrying', attempts: attempt, lastError: result.error.slice(0, 1000) })
    .where(still);
}

/**
 * Rows failed for good fall back to the member's next platform, each fallback row with a job of its own. Also run
 * when a job finds its rows already recorded (a crash after the outcome, before the job completed), so that no
 * fallback is lost; the fallback's dedupe key and the job key make a second pass add nothing.
 */
async function ensureFallbacks(deps: CoreDeps, helpers: Parameters<Task>[1], rows: Row[]): Promise<void> {
  const failed = await deps.db
    .select()
    .from(outbox)
    .where(
      and(
        inArray(
          outbox.id,
          rows.map((r) => r.id),
        ),
        inArray(outbox.status, ['failed']),
      ),
    );
  if (failed.length === 0) return;
  for (const row of failed) await enqueueFallback(deps, row);
  const fallbacks = await deps.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        inArray(
          outbox.fallbackOf,
          failed.map((r) => r.id),
        ),
        inArray(outbox.status, [...open]),
      ),
    );
  for (const { id } of fallbacks)
    await helpers.addJob('deliver_row', { rowId: id }, { jobKey: `row:${id}`, jobKeyMode: 'unsafe_dedupe' });
}
