/**
 * The graphile-worker delivery process of bench/graphile.recovery.bench.ts, in a process of its own so that the
 * benchmark can kill it with SIGKILL. PostgreSQL at argv[2], LINE (the emulator) at argv[3] with the token argv[4];
 * the key in MAEUL_BENCH_KEY. Tells the benchmark when it runs ('started') and when its first job starts ('claimed').
 * It runs until it is killed.
 */
import { messagingApi } from '@line/bot-sdk';
import { createLineSender } from '../bots/line/line.sender.ts';
import { systemClock } from '../core/clock.port.ts';
import { createCipher, parseKey } from '../core/privacy/cipher.ts';
import { openPostgres } from '../db/db.client.ts';
import { silent } from './bench.support.ts';
import { startGraphileDelivery } from './graphile.delivery.ts';

const [databaseUrl, lineUrl, token] = process.argv.slice(2);
const key = process.env.MAEUL_BENCH_KEY;
if (!databaseUrl || !lineUrl || !token || !key)
  throw new Error('usage: graphile.recovery.worker.ts <db url> <LINE url> <token>');
const database = await openPostgres(databaseUrl, { migrate: false, max: 4 });
const deps = {
  db: database.db,
  cipher: createCipher(parseKey(key)),
  clock: systemClock,
  logger: silent,
  timezone: 'Asia/Seoul',
};
const api = new messagingApi.MessagingApiClient({ channelAccessToken: token, baseURL: lineUrl });
process.send?.('started');
const delivery = await startGraphileDelivery(deps, new Map([['line', createLineSender(api, () => new Date())]]), {
  connectionString: databaseUrl,
  // BENCH_GRAPHILE_TAKEOVER=off: graphile-worker alone, which frees a killed process's jobs after 4 hours.
  takeover: process.env.BENCH_GRAPHILE_TAKEOVER !== 'off',
});
delivery.events.once('job:start', () => process.send?.('claimed'));
