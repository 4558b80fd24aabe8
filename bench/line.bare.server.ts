/** The floor for bench/line.webhook.bench.ts: an express endpoint that only checks LINE's signature, in its own process. */
import { validateSignature } from '@line/bot-sdk';
import express from 'express';

const secret = process.env.LINE_CHANNEL_SECRET ?? '';
const app = express();
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
app.post('/webhooks/line', express.raw({ type: () => true, limit: '256kb' }), (req, res) => {
  res.status(validateSignature(req.body as Buffer, secret, req.get('x-line-signature') ?? '') ? 200 : 401).json({});
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
