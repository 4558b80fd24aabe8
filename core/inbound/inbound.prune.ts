import { and, inArray, isNotNull, lt } from 'drizzle-orm';
import { inboundEvents } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';

/**
 * How long stored events are kept (README, "Going live"). The body (what the person sent, encrypted) is needed only
 * until the event is handled; it is kept a while longer for an operator looking into a failure, then cleared. The row
 * without its body (platform, event id, status, times) is what makes a redelivered event a duplicate: LINE and
 * Discord redeliver within hours, so it is kept far longer than any redelivery, then deleted.
 */
export const INBOUND_RETENTION = { bodyDays: 30, rowDays: 90 };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Clears the bodies and deletes the rows of handled or failed events past their retention; pending ones are never touched. */
export async function pruneInboundEvents(
  deps: Pick<CoreDeps, 'db'>,
  now: Date,
  retention = INBOUND_RETENTION,
): Promise<{ bodiesCleared: number; rowsDeleted: number }> {
  const finished = inArray(inboundEvents.status, ['handled', 'failed']);
  const deleted = await deps.db
    .delete(inboundEvents)
    .where(and(finished, lt(inboundEvents.receivedAt, new Date(now.getTime() - retention.rowDays * DAY_MS))))
    .returning({ id: inboundEvents.id });
  const cleared = await deps.db
    .update(inboundEvents)
    .set({ payloadEnc: null })
    .where(
      and(
        finished,
        isNotNull(inboundEvents.payloadEnc),
        lt(inboundEvents.receivedAt, new Date(now.getTime() - retention.bodyDays * DAY_MS)),
      ),
    )
    .returning({ id: inboundEvents.id });
  return { bodiesCleared: cleared.length, rowsDeleted: deleted.length };
}
