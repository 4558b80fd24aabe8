import { validateSignature, type webhook } from '@line/bot-sdk';
import express, { type Router } from 'express';
import type { InboundEvent } from '../../core/channel/channel.types.ts';
import type { Logger } from '../../core/logger.port.ts';
import type { InboundProcessor } from '../../core/inbound/inbound.processor.ts';
import { lineEventToInbound } from './line.translate.ts';

export const LINE_WEBHOOK_PATH = '/webhooks/line';
/** A body of a thousand events is about 450 kB (LINE sets no limit on events a body); anything far larger is not LINE. */
const BODY_LIMIT = '1mb';

/**
 * POST /webhooks/line: verify the signature on the raw bytes, store every event, answer 200, handle after.
 * A bad or missing signature is 401, a body that is not JSON 400, an oversized one 413: never a 5xx for bad input.
 * https://developers.line.biz/en/reference/messaging-api/#signature-validation
 */
export function lineWebhookRouter(input: {
  channelSecret: string;
  inbound: InboundProcessor;
  logger: Logger;
  now: () => Date;
  /** A display name from LINE's profile API, used as a nickname only; may fail (then no nickname). */
  nicknameOf?: (userId: string) => Promise<string | undefined>;
}): Router {
  const router = express.Router();
  router.post(LINE_WEBHOOK_PATH, express.raw({ type: () => true, limit: BODY_LIMIT }), async (req, res) => {
    const signature = req.get('x-line-signature');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!signature || !validateSignature(body, input.channelSecret, signature)) {
      input.logger.warn(
        { path: LINE_WEBHOOK_PATH, reason: signature ? 'bad signature' : 'missing signature', bytes: body.length },
        'LINE webhook refused',
      );
      res.status(401).json({ error: 'invalid signature' });
      return;
    }
    let events: unknown[];
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { events?: unknown };
      if (!Array.isArray(parsed.events)) throw new Error('no events array');
      events = parsed.events;
    } catch {
      input.logger.warn({ path: LINE_WEBHOOK_PATH, bytes: body.length }, 'LINE webhook body is not a webhook JSON');
      res.status(400).json({ error: 'malformed body' });
      return;
    }
    const now = input.now();
    const translated: InboundEvent[] = [];
    for (const raw of events) {
      const inbound = isEvent(raw) ? safely(() => lineEventToInbound(raw, now)) : null;
      if (inbound) translated.push(inbound);
      else input.logger.info({ type: isObject(raw) ? String(raw.type) : typeof raw }, 'LINE event not acted on');
    }
    // One statement for the whole body (a body may carry a thousand events), then each is handled in order.
    await input.inbound.acceptBatch(await withNicknames(translated, input.nicknameOf));
    res.status(200).json({});
  });
  return router;
}

/** Follow events get the display name when LINE answers within a second; all of a body's lookups run at once. */
async function withNicknames(
  events: InboundEvent[],
  nicknameOf?: (userId: string) => Promise<string | undefined>,
): Promise<InboundEvent[]> {
  if (!nicknameOf || !events.some((e) => e.kind === 'follow')) return events;
  const deadline = sleep(1_000);
  return Promise.all(
    events.map(async (event) => {
      if (event.kind !== 'follow' || !event.sender) return event;
      const nickname = await Promise.race([nicknameOf(event.sender.platformUserId).catch(() => undefined), deadline]);
      return nickname ? { ...event, sender: { ...event.sender, nickname } } : event;
    }),
  );
}

/** A malformed event (fields missing or of the wrong type) is logged and ignored like an unknown one. */
function safely<T>(translate: () => T): T | null {
  try {
    return translate();
  } catch {
    return null;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Enough of the shape to translate safely; anything else is logged and ignored. */
function isEvent(v: unknown): v is webhook.Event {
  return (
    isObject(v) && typeof v.type === 'string' && typeof v.webhookEventId === 'string' && typeof v.timestamp === 'number'
  );
}

const sleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref());
