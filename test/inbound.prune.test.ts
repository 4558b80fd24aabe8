import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { noSummaryWriter } from '../core/ai/summary.port.ts';
import type { InboundEvent } from '../core/channel/channel.types.ts';
import { INBOUND_RETENTION } from '../core/inbound/inbound.prune.ts';
import { recordInboundBatch } from '../core/inbound/inbound.pipeline.ts';
import { inboundEvents } from '../db/schema/index.ts';
import { createJobs } from '../jobs/job.registry.ts';
import { loadConfig } from '../bots/app/app.config.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const DAY = 24 * 60 * 60 * 1000;
const pruneJob = createJobs(loadConfig({})).find((j) => j.name === 'inbound-prune');

function textEvent(eventId: string, text: string): InboundEvent {
  return {
    platform: 'websim',
    eventId,
    occurredAt: t.clock.now().toISOString(),
    chat: { platform: 'websim', type: 'direct', id: 'prune-visitor' },
    sender: { platformUserId: 'prune-visitor' },
    kind: 'text',
    text,
    addressed: true,
  };
}

async function rowsOf(eventIds: string[]) {
  return t.database.db
    .select({ eventId: inboundEvents.eventId, status: inboundEvents.status, payloadEnc: inboundEvents.payloadEnc })
    .from(inboundEvents)
    .where(inArray(inboundEvents.eventId, eventIds));
}

async function runPrune() {
  if (!pruneJob) throw new Error('the inbound-prune job is not registered');
  return pruneJob.run({ ...t.app.deps, summary: noSummaryWriter }, t.clock.now());
}

test('a daily job clears stored message bodies after 30 days and forgets the events after 90, while a redelivery inside that window is still recognised', async () => {
  expect(pruneJob?.schedule).toBe('30 3 * * *');
  expect(INBOUND_RETENTION).toEqual({ bodyDays: 30, rowDays: 90 });
  const handled = ['prune-a', 'prune-b'];
  for (const id of handled) await (await t.app.inbound.accept(textEvent(id, '도움말'))).handled;
  // Stored, never handled (the process stopped in between): never pruned, it is still to be answered.
  await recordInboundBatch(t.app.deps, [textEvent('prune-pending', '010-1234-5678')]);

  t.clock.advance(29 * DAY);
  expect(await runPrune()).toMatchObject({ bodiesCleared: 0, rowsDeleted: 0 });
  expect((await rowsOf(handled)).every((r) => r.payloadEnc !== null)).toBe(true);

  t.clock.advance(2 * DAY);
  expect((await runPrune()).bodiesCleared).toBeGreaterThanOrEqual(2);
  const after30 = await rowsOf([...handled, 'prune-pending']);
  expect(after30.filter((r) => r.status === 'handled').map((r) => r.payloadEnc)).toEqual([null, null]);
  expect(after30.find((r) => r.eventId === 'prune-pending')?.payloadEnc).not.toBeNull();

  // LINE redelivers the same event: still a duplicate, handled no second time.
  const redelivered = await t.app.inbound.accept(textEvent('prune-a', '도움말'));
  expect(redelivered.duplicate).toBe(true);

  t.clock.advance(60 * DAY);
  expect((await runPrune()).rowsDeleted).toBeGreaterThanOrEqual(2);
  expect((await rowsOf(handled)).length).toBe(0);
  const [pending] = await t.database.db
    .select({ status: inboundEvents.status, payloadEnc: inboundEvents.payloadEnc })
    .from(inboundEvents)
    .where(eq(inboundEvents.eventId, 'prune-pending'));
  expect(pending).toMatchObject({ status: 'received' });
  expect(pending?.payloadEnc).not.toBeNull();
});
