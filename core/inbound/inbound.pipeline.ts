import { and, asc, eq } from 'drizzle-orm';
import { inboundEvents } from '../../db/schema/index.ts';
import type { InboundEvent } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue } from '../delivery/outbox.write.ts';
import { errorSummary } from '../error.summary.ts';
import type { DbOrTx } from '../../db/db.client.ts';

/** What handles one event inside its transaction: the conversation built from the registered features. */
export type InboundHandler = (deps: CoreDeps, tx: DbOrTx, event: InboundEvent) => Promise<void>;

/**
 * Webhooks verify, store, acknowledge, then hand off (Chatwoot's thin webhook → job → service). Storing first
 * means a crash after the acknowledgement loses nothing; the unique (platform, event id) means a redelivered event
 * is stored once and handled once.
 */
export async function recordInbound(deps: CoreDeps, event: InboundEvent): Promise<{ id: number; duplicate: boolean }> {
  const [row] = await deps.db
    .insert(inboundEvents)
    .values({
      platform: event.platform,
      eventId: event.eventId,
      platformUserId: event.sender?.platformUserId ?? null,
      payloadEnc: deps.cipher.encrypt(JSON.stringify(event)),
      receivedAt: deps.clock.now(),
    })
    .onConflictDoNothing({ target: [inboundEvents.platform, inboundEvents.eventId] })
    .returning({ id: inboundEvents.id });
  if (row) return { id: row.id, duplicate: false };
  const [existing] = await deps.db
    .select({ id: inboundEvents.id })
    .from(inboundEvents)
    .where(and(eq(inboundEvents.platform, event.platform), eq(inboundEvents.eventId, event.eventId)));
  return { id: existing?.id ?? -1, duplicate: true };
}

/** Handles one stored event exactly once: the state change, its replies and the 'handled' mark commit together. */
export async function processStoredEvent(
  deps: CoreDeps,
  handle: InboundHandler,
  id: number,
): Promise<'handled' | 'skipped' | 'failed'> {
  try {
    return await deps.db.transaction(async (tx) => {
      const [row] = await tx.select().from(inboundEvents).where(eq(inboundEvents.id, id)).for('update');
      if (!row || row.status !== 'received' || !row.payloadEnc) return 'skipped';
      const event = JSON.parse(deps.cipher.decrypt(row.payloadEnc)) as InboundEvent;
      await handle(deps, tx, event);
      await tx
        .update(inboundEvents)
        .set({ status: 'handled', handledAt: deps.clock.now() })
        .where(eq(inboundEvents.id, id));
      return 'handled';
    });
  } catch (error) {
    // The event stays stored (nothing the person sent is lost); they get an apology instead of silence.
    deps.logger.error({ inboundId: id, err: errorSummary(error) }, 'inbound event failed');
    await deps.db.transaction(async (tx) => {
      const [row] = await tx
        .update(inboundEvents)
        .set({ status: 'failed', error: errorSummary(error).slice(0, 500), handledAt: deps.clock.now() })
        .where(and(eq(inboundEvents.id, id), eq(inboundEvents.status, 'received')))
        .returning();
      if (!row?.payloadEnc) return;
      const event = JSON.parse(deps.cipher.decrypt(row.payloadEnc)) as InboundEvent;
      if (event.chat.type !== 'direct') return;
      await enqueue(tx, deps, {
        dedupeKey: `event:${event.platform}:${event.eventId}:failure`,
        to: event.chat,
        purpose: 'reply.failure',
        messages: [
          {
            text: '죄송합니다. 잠시 문제가 생겨 처리하지 못했습니다. 보내신 내용은 저장해 두었습니다. 잠시 뒤 다시 보내 주세요.',
          },
        ],
        replyHandle: event.replyHandle ?? null,
      });
    });
    return 'failed';
  }
}

/** Events stored but not handled when the process stopped (a crash after the 200): handled now, in order. */
export async function pendingInboundIds(deps: CoreDeps): Promise<number[]> {
  const rows = await deps.db
    .select({ id: inboundEvents.id })
    .from(inboundEvents)
    .where(eq(inboundEvents.status, 'received'))
    .orderBy(asc(inboundEvents.id));
  return rows.map((r) => r.id);
}
