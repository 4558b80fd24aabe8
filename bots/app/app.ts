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
import { conversation } from '../../core/features.ts';
import { createInboundProcessor, type InboundProcessor } from '../../core/inbound/inbound.processor.ts';
import { createCipher, type Cipher } from '../../core/privacy/cipher.ts';
import { openDatabase, type DatabaseHandle } from '../../db/db.client.ts';
import { seedDemo } from '../../db/seed/demo.seed.ts';
import { createJobs, createSummaryWriter } from '../../jobs/job.registry.ts';
import { createJobScheduler, type JobScheduler } from '../../jobs/job.scheduler.ts';
import { channelModules, type ChannelModule, type StartedChannel } from '../channel.registry.ts';
import type { AppConfig } from './app.config.ts';
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
    feedback: { slaWorkingDays: config.FEEDBACK_SLA_WORKING_DAYS, dailyLimit: config.FEEDBACK_DAILY_LIMIT },
  };
  // Links in messages (a workshop's .ics file) use PUBLIC_BASE_URL, else the address the server listens on.
  let listeningUrl = '';
  deps.publicUrl = () => (config.PUBLIC_BASE_URL ?? listeningUrl).replace(/\/$/, '');

  if (database.kind === 'pglite' && config.DEMO_DATA === 'auto') {
    const demo = await seedDemo(database.db, cipher, clock.now());
    if (demo.seeded) logger.info(demo, 'demo county seeded (Goseong)');
  }

  // The worker reads the map at each pass, so channels may register their senders after it is made.
  const senders = new Map<string, ChannelSender>();
  const delivery = createDeliveryWorker(deps, senders, {
    beforePass: () => fanOutDueBroadcasts(deps),
    afterPass: () => reportFinishedBroadcasts(deps),
    ...options.delivery,
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

  for (const module of options.channels ?? channelModules) {
    if (!module.enabled(config)) continue;
    const channel = await module.start({ config, deps, inbound, flushDeliveries: () => delivery.flush() });
    senders.set(module.id, channel.sender);
    if (channel.router) app.use(channel.router);
    started.push(channel);
    logger.info({ channel: module.id }, 'channel started');
  }
  app.use(errorHandler(logger));

  const recovered = await inbound.recover();
  if (recovered > 0) logger.info({ recovered }, 'handled events stored before the last stop');
  if (options.backgroundDelivery !== false) {
    delivery.start();
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
        await delivery.stop();
        for (const channel of started) await channel.stop();
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
      res.status(status).json({ error: status === 413 ? 'payload too large' : 'bad request' });
      return;
    }
    logger.error({ path: req.path, err: error instanceof Error ? error.message : String(error) }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  };
}
