import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../core/clock.port.ts';
import type { ChannelSender } from '../../core/channel/channel.port.ts';
import { reportFinishedBroadcasts } from '../../core/broadcasts/broadcast.nonreceipt.ts';
import { fanOutDueBroadcasts } from '../../core/broadcasts/broadcast.usecases.ts';
import type { CoreDeps } from '../../core/core.deps.ts';
import { createOpenAiTriage } from '../../core/ai/openai.triage.ts';
import { createBackgroundLoop, type BackgroundLoop } from '../../core/background/background.loop.ts';
import { triagePendingFeedback, type FeedbackClassifier } from '../../core/feedback/feedback.triage.ts';
import {
  createDeliveryWorker,
  type DeliveryWorker,
  type DeliveryWorkerOptions,
} from '../../core/delivery/delivery.worker.ts';
import { registerRequestLimit } from '../../core/channel/platform.facts.ts';
import { conversation } from '../../core/features.ts';
import { reclaimsDone } from '../../core/registration/withdrawal.reclaim.ts';
import { createInboundProcessor, type InboundProcessor } from '../../core/inbound/inbound.processor.ts';
import { createCipher, type Cipher } from '../../core/privacy/cipher.ts';
import { openDatabase, type DatabaseHandle } from '../../db/db.client.ts';
import { seedDemo } from '../../db/seed/demo.seed.ts';
import { createJobs, createSummaryWriter } from '../../jobs/job.registry.ts';
import { createJobScheduler, type JobScheduler } from '../../jobs/job.scheduler.ts';
import { channelModules, type ChannelModule, type StartedChannel } from '../channel.registry.ts';
import { consoleRouter } from '../console/console.router.ts';
import { assertSafeExposure, simulatorOn, type AppConfig } from './app.config.ts';
import { createMetrics } from './app.metrics.ts';
import { loadSecretKey } from './app.secret.ts';
import { workshopIcsRouter } from './workshop.ics.ts';

export type RunningApp = {
  url: string;
  deps: CoreDeps;
  database: DatabaseHandle;
  inbound: InboundProcessor;
  delivery: DeliveryWorker;
  /** Feedback triage: classifies new items and shows them in the staff rooms. */
  triage: BackgroundLoop;
  /** Null when the scheduler is off (tests run jobs themselves). */
  scheduler: JobScheduler | null;
  stop(): Promise<void>;
};

export type StartOptions = {
  config: AppConfig;
  logger: Logger;
  clock?: Clock;
  /** Tests pass their own (a cloned PGlite, a fresh PostgreSQL database) and key. */
  database?: DatabaseHandle;
  cipher?: Cipher;
  channels?: readonly ChannelModule[];
  delivery?: DeliveryWorkerOptions;
  /** Tests drive delivery themselves (flush) instead of a background loop. */
  backgroundDelivery?: boolean;
  /** Scheduled jobs (digests); defaults to `backgroundDelivery`: tests that drive delivery drive jobs too. */
  scheduler?: boolean;
};

/** The composition root: database, core, channels, delivery, HTTP. Everything the process runs starts here. */
export async function startApp(options: StartOptions): Promise<RunningApp> {
  const { config, logger } = options;
  // Before anything is opened: a simulator reachable from outside without a token is refused (README, "Going live").
  assertSafeExposure(config);
  const database =
    options.database ?? (await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }));
  const cipher =
    options.cipher ??
    createCipher(
      loadSecretKey({ secret: config.MAEUL_SECRET_KEY, databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }),
    );
  const clock = options.clock ?? systemClock;
  const deps: CoreDeps = {
    db: database.db,
    cipher,
    clock,
    logger,
    timezone: config.COUNTY_TIMEZONE,
    feedback: {
      slaWorkingDays: config.FEEDBACK_SLA_WORKING_DAYS,
      dailyLimit: config.FEEDBACK_DAILY_LIMIT,
      replyDailyLimit: config.FEEDBACK_REPLY_DAILY_LIMIT,
    },
  };
  // Links in messages (a workshop's .ics file) use PUBLIC_BASE_URL, else the address the server listens on.
  let listeningUrl = '';
  deps.publicUrl = () => (config.PUBLIC_BASE_URL ?? listeningUrl).replace(/\/$/, '');

  // Demo staff personas are only reachable through the simulator: no simulator, no demo county.
  if (database.kind === 'pglite' && config.DEMO_DATA === 'auto' && simulatorOn(config)) {
    const demo = await seedDemo(database.db, cipher, clock.now());
    if (demo.seeded) logger.info(demo, 'demo county seeded (Goseong)');
  }

  // The worker reads the map at each pass, so channels may register their senders after it is made.
  const senders = new Map<string, ChannelSender>();
  // Scheduled broadcasts are fanned out, and finished ones reported to the village heads, in loops of their own, so
  // that a long fan-out or report never holds a delivery pass back. Tests that drive delivery themselves (flush) get
  // both from the delivery pass instead, as one step.
  const backgroundDelivery = options.backgroundDelivery !== false;
  const broadcastReports = createBackgroundLoop({
    name: 'broadcast-nonreceipt',
    pass: () => reportFinishedBroadcasts(deps),
    logger,
    idleMs: 10_000,
  });
  const delivery = createDeliveryWorker(deps, senders, {
    // Embedded PGlite is one process per data directory: a worker that starts takes its dead predecessor's claims.
    soleWorker: database.singleConnection,
    ...(backgroundDelivery
      ? { afterPass: async () => broadcastReports.kick() }
      : { beforePass: () => fanOutDueBroadcasts(deps), afterPass: () => reportFinishedBroadcasts(deps) }),
    ...options.delivery,
  });
  const broadcastSchedule = createBackgroundLoop({
    name: 'broadcast-schedule',
    pass: () => fanOutDueBroadcasts(deps),
    logger,
    idleMs: 1_000,
    afterWork: () => delivery.kick(),
  });
  // Feedback triage may wait for a model: its own loop, so that neither a receipt nor a delivery waits for it.
  const classifier = createTriageClassifier(config);
  const triage = createBackgroundLoop({
    name: 'feedback-triage',
    pass: () => triagePendingFeedback(deps, classifier),
    logger,
    afterWork: () => delivery.kick(),
  });
  const inbound = createInboundProcessor(deps, {
    handle: conversation.handleInboundEvent,
    afterHandled: () => {
      delivery.kick();
      triage.kick();
    },
  });
  const started: StartedChannel[] = [];
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', async (_req, res) => {
    try {
      await database.ping();
      res.json({ status: 'ok', database: database.kind });
    } catch {
      res.status(503).json({ status: 'unavailable', database: database.kind });
    }
  });
  app.use(workshopIcsRouter(deps));
  // The staff console (README, "Staff console"): Secure cookies when the public address is https.
  app.use(
    '/console',
    consoleRouter(deps, {
      secureCookies: config.PUBLIC_BASE_URL?.startsWith('https:') ?? false,
      afterWrite: () => delivery.kick(),
    }),
  );
  const metrics = createMetrics({ config, db: database.db, logger });
  app.use(metrics.observe, metrics.router);

  for (const module of options.channels ?? channelModules) {
    if (!module.enabled(config)) continue;
    const channel = await module.start({ config, deps, inbound, flushDeliveries: () => delivery.flush() });
    senders.set(module.id, channel.sender);
    // A broadcast is cut into batches of what one request of the platform takes, when its rows are written.
    registerRequestLimit(module.id, channel.sender.multicast ? channel.sender.multicastLimit : undefined);
    if (channel.router) app.use(channel.router);
    started.push(channel);
    logger.info({ channel: module.id }, 'channel started');
  }
  // Unknown paths (the simulator's, when it is off) answer a plain 404, saying nothing about what else exists.
  app.use((_req, res) => {
    res.status(404).json({ error: '없는 주소입니다.' });
  });
  app.use(errorHandler(logger));

  const recovered = await inbound.recover();
  if (recovered > 0) logger.info({ recovered }, 'handled events stored before the last stop');
  if (options.backgroundDelivery !== false) {
    delivery.start();
    broadcastSchedule.start();
    broadcastReports.start();
    triage.start();
  }
  const scheduler =
    (options.scheduler ?? options.backgroundDelivery !== false)
      ? createJobScheduler({
          deps: { ...deps, summary: createSummaryWriter(config, logger) },
          jobs: createJobs(config),
          graceMinutes: config.JOB_CATCHUP_GRACE_MINUTES,
        })
      : null;
  await scheduler?.start();

  const server = await listen(app, config.PORT, config.HOST);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  listeningUrl = url;
  logger.info({ url, database: database.kind, channels: [...senders.keys()] }, 'maeul is listening');

  let stopping: Promise<void> | undefined;
  return {
    url,
    deps,
    database,
    inbound,
    delivery,
    triage,
    scheduler,
    stop() {
      stopping ??= (async () => {
        await scheduler?.stop();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await inbound.idle();
        await triage.stop();
        await broadcastSchedule.stop();
        await broadcastReports.stop();
        await delivery.stop();
        for (const channel of started) await channel.stop();
        // A 탈퇴 just before the stop still has its table files rewritten before the database closes.
        await reclaimsDone();
        if (!options.database) await database.close();
      })();
      return stopping;
    },
  };
}

/** The model when one is configured (OPENAI_MODEL and an endpoint or key); else the keyword rules alone. */
function createTriageClassifier(config: AppConfig): FeedbackClassifier | null {
  if (!config.OPENAI_MODEL || !(config.OPENAI_BASE_URL || config.OPENAI_API_KEY)) return null;
  return createOpenAiTriage({
    model: config.OPENAI_MODEL,
    baseURL: config.OPENAI_BASE_URL,
    apiKey: config.OPENAI_API_KEY,
    timeoutMs: config.OPENAI_TIMEOUT_MS,
  });
}

function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

/** Bad input from a network gets a 4xx and a log line, never a 5xx; only our own faults are 500s. */
function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status =
      (error as { status?: number; statusCode?: number }).status ??
      (error as { statusCode?: number }).statusCode ??
      500;
    if (status >= 400 && status < 500) {
      logger.warn({ path: req.path, status, type: (error as { type?: string }).type }, 'bad request');
      res.status(status).json({
        error: status === 413 ? '보내신 내용이 너무 큽니다. 나누어 보내 주세요.' : '요청을 이해하지 못했습니다.',
      });
      return;
    }
    logger.error({ path: req.path, err: error instanceof Error ? error.message : String(error) }, 'request failed');
    res.status(500).json({ error: '죄송합니다. 처리하지 못했습니다. 잠시 뒤 다시 해 주세요.' });
  };
}
