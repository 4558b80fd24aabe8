import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { InboundEvent } from '../core/channel/channel.types.ts';
import type { CoreDeps } from '../core/core.deps.ts';
import { createInboundStore } from '../core/inbound/inbound.coalesce.ts';
import { createCipher, generateKey, parseKey } from '../core/privacy/cipher.ts';
import { acknowledgementDb, type DatabaseHandle } from '../db/db.client.ts';
import { createTestDatabase } from './support/test.database.ts';

let database: DatabaseHandle;
let deps: CoreDeps;
beforeAll(async () => {
  database = await createTestDatabase();
  deps = {
    db: database.db,
    cipher: createCipher(parseKey(generateKey())),
    clock: { now: () => new Date() },
    logger: pino({ level: 'silent' }),
    timezone: 'Asia/Seoul',
  };
});
afterAll(() => database.close());

function textEvent(eventId: string): InboundEvent {
  return {
    platform: 'line',
    eventId,
    occurredAt: new Date().toISOString(),
    chat: { platform: 'line', type: 'direct', id: 'Ustore' },
    sender: { platformUserId: 'Ustore' },
    kind: 'text',
    text: '안녕하세요',
    addressed: true,
  };
}

test('a webhook is stored, and may be acknowledged, while every pooled connection is busy handling', async () => {
  const store = createInboundStore(deps);
  if (database.kind === 'pglite') {
    // One embedded connection serves everything: the store goes through it, after what holds it.
    expect(acknowledgementDb(database.db)).toBe(database.db);
    expect(await store([textEvent('store-pglite')])).toEqual([{ id: expect.any(Number), duplicate: false }]);
    return;
  }
  expect(acknowledgementDb(database.db)).not.toBe(database.db);
  await store([textEvent('store-warm')]); // the store's own connections are opened on first use
  // Every connection of the pool (5 in tests) held by a transaction, as a burst of handling would.
  const order: string[] = [];
  const handling = Array.from({ length: 5 }, () =>
    database.db
      .transaction(async (tx) => {
        await tx.execute(sql`select pg_sleep(2)`);
      })
      .then(() => order.push('handled')),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  const stored = store([textEvent('store-while-busy')]).then((r) => {
    order.push('stored');
    return r;
  });
  expect(await stored).toEqual([{ id: expect.any(Number), duplicate: false }]);
  await Promise.all(handling);
  // Stored before any handling transaction let its connection go: it never waited for one.
  expect(order[0]).toBe('stored');
});
