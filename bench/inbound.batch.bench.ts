/**
 * Storing one LINE webhook body of 1,000 text events: one statement (`recordInboundBatch`, what the webhook does)
 * against one INSERT per event (what it did before), on the embedded database, and on PostgreSQL when
 * BENCH_DATABASE_URL is set. Prints milliseconds for each; not a test (numbers depend on the machine).
 *
 *   node bench/inbound.batch.bench.ts            (BENCH_DATABASE_URL=postgres://… for PostgreSQL too)
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pino from 'pino';
import type { InboundEvent } from '../core/channel/channel.types.ts';
import type { CoreDeps } from '../core/core.deps.ts';
import { recordInbound, recordInboundBatch } from '../core/inbound/inbound.pipeline.ts';
import { createCipher, generateKey, parseKey } from '../core/privacy/cipher.ts';
import { openPglite, openPostgres, pgliteOptions, type DatabaseHandle } from '../db/db.client.ts';

const EVENTS = 1000;
const ROUNDS = 3;

function body(): InboundEvent[] {
  return Array.from({ length: EVENTS }, () => {
    const user = `U${randomBytes(16).toString('hex')}`;
    return {
      platform: 'line',
      eventId: randomBytes(13).toString('hex').toUpperCase(),
      occurredAt: new Date().toISOString(),
      chat: { platform: 'line', type: 'direct', id: user },
      sender: { platformUserId: user },
      replyHandle: { token: randomBytes(16).toString('hex'), expiresAt: new Date().toISOString() },
      kind: 'text',
      text: '안녕하세요, 내일 마을회관 행사가 몇 시인지 알려 주세요.',
      addressed: true,
    };
  });
}

async function measure(name: string, database: DatabaseHandle): Promise<void> {
  const deps = {
    db: database.db,
    cipher: createCipher(parseKey(generateKey())),
    clock: { now: () => new Date() },
    logger: pino({ level: 'silent' }),
    timezone: 'Asia/Seoul',
  } satisfies CoreDeps;
  for (let round = 1; round <= ROUNDS; round++) {
    const batch = body();
    let started = performance.now();
    await recordInboundBatch(deps, batch);
    const oneStatement = performance.now() - started;
    started = performance.now();
    await recordInboundBatch(deps, batch);
    const redelivered = performance.now() - started;
    started = performance.now();
    for (const event of body()) await recordInbound(deps, event);
    const perEvent = performance.now() - started;
    console.log(
      `${name} round ${round}: one statement ${oneStatement.toFixed(0)} ms, the same body again ${redelivered.toFixed(0)} ms, one INSERT per event ${perEvent.toFixed(0)} ms`,
    );
  }
}

const pglite = await openPglite(new PGlite(pgliteOptions));
await measure('PGlite', pglite);
await pglite.close();
if (process.env.BENCH_DATABASE_URL) {
  const pg = await openPostgres(process.env.BENCH_DATABASE_URL);
  await measure('PostgreSQL', pg);
  await pg.close();
}
