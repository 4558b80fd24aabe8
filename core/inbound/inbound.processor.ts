import type { InboundEvent } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { type InboundHandler, pendingInboundIds, processStoredEvent, recordInboundBatch } from './inbound.pipeline.ts';
import { cleanInboundEvent } from './inbound.text.ts';

export type Accepted = { duplicate: boolean; handled: Promise<void> };

export type InboundProcessor = {
  /** Stores the event (the caller may acknowledge once this resolves) and hands it off; `handled` settles after. */
  accept(event: InboundEvent): Promise<Accepted>;
  /**
   * A webhook body's events, stored in one statement, then each handed off in order. An event the pipeline refuses
   * (an id with control characters) is logged and answered as a duplicate: nothing is stored, nothing is handled.
   */
  acceptBatch(events: readonly InboundEvent[]): Promise<Accepted[]>;
  /** Handles what was stored but never handled before a restart. */
  recover(): Promise<number>;
  /** Resolves when everything accepted so far has been handled (graceful shutdown, tests). */
  idle(): Promise<void>;
};

/**
 * Events of one chat are handled one after another, in arrival order (a dialog's answers must not overtake each
 * other); different chats proceed side by side.
 */
export function createInboundProcessor(
  deps: CoreDeps,
  hooks: { handle: InboundHandler; afterHandled?: () => void; concurrency?: number },
): InboundProcessor {
  const chains = new Map<string, Promise<void>>();
  // A burst of webhooks must not turn into a burst of transactions that starves the acknowledgements: at most a few
  // events are handled at once; the rest wait, already stored.
  const slots = createLimiter(hooks.concurrency ?? 4);

  function schedule(key: string, id: number): Promise<void> {
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous.then(() =>
      slots(async () => {
        // PGlite answers through promises alone: a thousand events handled back to back would never let the event
        // loop reach I/O (the webhook's 200, other requests). Each event starts on a turn of its own.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await processStoredEvent(deps, hooks.handle, id);
        hooks.afterHandled?.();
      }),
    );
    chains.set(key, next);
    void next.finally(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
    return next;
  }

  async function acceptBatch(events: readonly InboundEvent[]): Promise<Accepted[]> {
    const cleaned = events.map(cleanInboundEvent);
    const valid = cleaned.filter((e): e is InboundEvent => e !== null);
    if (valid.length < events.length)
      deps.logger.warn({ refused: events.length - valid.length }, 'inbound events with malformed ids not stored');
    const recorded = await recordInboundBatch(deps, valid);
    const accepted = new Map<InboundEvent, Accepted>();
    valid.forEach((event, i) => {
      const { id, duplicate } = recorded[i] ?? { id: -1, duplicate: true };
      if (duplicate) {
        deps.logger.info({ platform: event.platform, eventId: event.eventId }, 'duplicate inbound event ignored');
        accepted.set(event, { duplicate, handled: Promise.resolve() });
      } else accepted.set(event, { duplicate, handled: schedule(`${event.platform}:${event.chat.id}`, id) });
    });
    return cleaned.map((e) => (e && accepted.get(e)) || { duplicate: true, handled: Promise.resolve() });
  }

  return {
    acceptBatch,
    async accept(event) {
      const [accepted] = await acceptBatch([event]);
      return accepted ?? { duplicate: true, handled: Promise.resolve() };
    },
    async recover() {
      const ids = await pendingInboundIds(deps);
      for (const id of ids) await schedule('recovery', id);
      return ids.length;
    },
    async idle() {
      while (chains.size > 0) await Promise.allSettled([...chains.values()]);
    },
  };
}

function createLimiter(max: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
