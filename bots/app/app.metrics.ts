import { count, eq } from 'drizzle-orm';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import type { Db } from '../../db/db.client.ts';
import { inboundEvents } from '../../db/schema/index.ts';
import { queueDepth } from '../../core/delivery/delivery.subject.ts';
import { bearerAccess } from './app.access.ts';
import { isLoopbackHost, type AppConfig } from './app.config.ts';

/** Webhook paths are ours and few: the platform is a label, anything else is not measured. */
const WEBHOOK = /^\/webhooks\/(line|discord|kakao|band)$/;

/**
 * GET /metrics in Prometheus' text format: deliveries waiting by platform and status, events not yet handled, and
 * how long webhooks take to be answered. No personal data in any label (platforms and statuses only). Reachable like
 * the simulator: on a loopback HOST without a token; beyond loopback only with METRICS_TOKEN (else not served).
 */
export function createMetrics(input: { config: AppConfig; db: Db; logger: Logger }) {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'maeul_process_' });
  const webhookSeconds = new Histogram({
    name: 'maeul_webhook_duration_seconds',
    help: 'Time from a webhook request to its answer (verify, store, acknowledge), by platform and status class.',
    labelNames: ['platform', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [register],
  });
  new Gauge({
    name: 'maeul_outbox_messages',
    help: 'Outbox rows by platform and status (queued and retrying are the delivery queue).',
    labelNames: ['platform', 'status'] as const,
    registers: [register],
    async collect() {
      this.reset();
      for (const row of await queueDepth({ tx: input.db }))
        this.set({ platform: row.platform, status: row.status }, row.n);
    },
  });
  new Gauge({
    name: 'maeul_inbound_pending_events',
    help: 'Stored webhook events not yet handled, by platform.',
    labelNames: ['platform'] as const,
    registers: [register],
    async collect() {
      this.reset();
      const rows = await input.db
        .select({ platform: inboundEvents.platform, n: count() })
        .from(inboundEvents)
        .where(eq(inboundEvents.status, 'received'))
        .groupBy(inboundEvents.platform);
      for (const row of rows) this.set({ platform: row.platform }, Number(row.n));
    },
  });

  /** Times every webhook request (mounted before the channels' routers). */
  function observe(req: Request, res: Response, next: NextFunction): void {
    const platform = req.method === 'POST' ? WEBHOOK.exec(req.path)?.[1] : undefined;
    if (platform) {
      const end = webhookSeconds.startTimer({ platform });
      res.on('finish', () => end({ status: `${Math.floor(res.statusCode / 100)}xx` }));
    }
    next();
  }

  const router: Router = express.Router();
  const { config } = input;
  if (config.METRICS_TOKEN || isLoopbackHost(config.HOST)) {
    router.get('/metrics', bearerAccess(config.METRICS_TOKEN, '지표(/metrics)'), async (_req, res, next) => {
      try {
        res.set('Content-Type', register.contentType).send(await register.metrics());
      } catch (error) {
        next(error);
      }
    });
  } else
    input.logger.info({ host: config.HOST }, '/metrics not served: HOST is not loopback and METRICS_TOKEN is unset');
  return { observe, router };
}
