import { timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { CoreDeps } from '../../core/core.deps.ts';
import { type PhoneReport, recordReports } from '../../core/phone/phone.reports.usecases.ts';
import { isOptOutReply } from '../../core/phone/phone.rules.ts';
import { optOutByReply } from '../../core/registration/registration.proxy.usecases.ts';
import { solapiState } from './solapi.client.ts';

export const PHONE_WEBHOOK_PATH = '/webhooks/phone';

/**
 * POST /webhooks/phone/<PHONE_WEBHOOK_SECRET>: the provider's report webhook (SOLAPI sends a list of message reports
 * with messageId, type and statusCode) and replies to the county's number (a `거부`). The secret in the path is the
 * check (SOLAPI signs nothing); wrong or missing is 404, as for any unknown path. Reports are recorded once each
 * (a report sent again changes nothing), then answered 200; the status poll covers a webhook that never comes.
 * https://developers.solapi.com/references/webhook
 */
const reportSchema = z.object({
  messageId: z.string().min(1).max(100),
  type: z.string().max(20).optional(),
  statusCode: z.string().max(10),
});
const bodySchema = z.union([
  z.array(reportSchema).max(10_000),
  z.object({ kind: z.literal('reply'), from: z.string().max(20), text: z.string().max(2_000) }),
]);

export function phoneWebhookRouter(input: {
  secret: string;
  deps: CoreDeps;
  callRetryMinutes: readonly number[];
}): Router {
  const router = express.Router();
  const expected = Buffer.from(input.secret);
  router.post(`${PHONE_WEBHOOK_PATH}/:secret`, express.json({ limit: '2mb' }), async (req, res, next) => {
    const given = Buffer.from(String(req.params.secret ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      input.deps.logger.warn({ path: PHONE_WEBHOOK_PATH }, 'phone webhook refused');
      res.status(404).json({ error: '없는 주소입니다.' });
      return;
    }
    const parsed = bodySchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: '요청을 이해하지 못했습니다.' });
      return;
    }
    try {
      if (Array.isArray(parsed.data)) {
        const reports: PhoneReport[] = parsed.data.map((r) => ({
          messageId: r.messageId,
          code: r.statusCode,
          state: solapiState(r.type ?? '', r.statusCode),
        }));
        await recordReports({ deps: input.deps, reports, callRetryMinutes: input.callRetryMinutes });
      } else if (isOptOutReply(parsed.data.text)) {
        await optOutByReply({ deps: input.deps, from: parsed.data.from });
      }
      res.status(200).json({ ok: true });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
