/**
 * The delivery worker of the recovery benchmark, in a process of its own so that the benchmark can kill it with
 * SIGKILL. PostgreSQL at argv[2], LINE (the emulator) at argv[3] with the token argv[4]; the key in MAEUL_BENCH_KEY.
 * It runs until it is killed.
 */
import { messagingApi } from '@line/bot-sdk';
import { createLineSender } from '../bots/line/line.sender.ts';
import { systemClock } from '../core/clock.port.ts';
import { createDeliveryWorker } from '../core/delivery/delivery.worker.ts';
import { createCipher, parseKey } from '../core/privacy/cipher.ts';
import { openPostgres } from '../db/db.client.ts';

const [databaseUrl, lineUrl, token] = process.argv.slice(2);
const key = process.env.MAEUL_BENCH_KEY;
if (!databaseUrl || !lineUrl || !token || !key)
  throw new Error('usage: delivery.recovery.worker.ts <db url> <LINE url> <token>');
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const database = await openPostgres(databaseUrl, { migrate: false, max: 10 });
const deps = {
  db: database.db,
  cipher: createCipher(parseKey(key)),
  clock: systemClock,
  logger: silent,
  timezone: 'Asia/Seoul',
};
const api = new messagingApi.MessagingApiClient({ channelAccessToken: token, baseURL: lineUrl });
let claimed = false;
const worker = createDeliveryWorker(deps, new Map([['line', createLineSender(api, () => new Date())]]), {
  // Tells the benchmark when the first claim of this process was stored (it is about to send).
  fault: (point) => {
    if (point !== 'stored' || claimed) return;
    claimed = true;
    process.send?.('claimed');
  },
});
worker.start();
process.send?.('started');
