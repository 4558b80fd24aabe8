import type { InboundEvent } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { createInboundStore } from './inbound.coalesce.ts';
import { type InboundHandler, pendingInboundIds, processStoredEvent } from './inbound.pipeline.ts';
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
  hooks: {
    handle: InboundHandler;
    afterHandled?: () => void;
    concurrency?: number;
    /** A gap in the webhooks, and the longest a handled event waits for one (tests lengthen them). */
    quietMs?: number;
    maxYieldMs?: number;
  },
): InboundProcessor {
  const chains = new Map<string, Promise<void>>();
  // A burst of webhooks must not turn into a burst of transactions that starves the acknowledgements: at most a few
  // events are handled at once; the rest wait, already stored.
  const slots = createLimiter(hooks.concurrency ?? 4);
  const store = createInboundStore(deps);
  // Acknowledgements come first: while webhooks arrive, no new event starts being handled (handling is a dozen
  // queries on the same event loop and the same database, and queued acknowledgements wait behind them).
  const acks = createAckGate(hooks.quietMs ?? QUIET_MS, hooks.maxYieldMs ?? MAX_YIELD_MS);

  function schedule(key: string, id: number): Promise<void> {
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous.then(() =>
      slots(async () => {
        // PGlite answers through promises alone: a thousand events handled back to back would never let the event
        // loop reach I/O (the webhook's 200, other requests). Each event starts on a turn of its own.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const done = await acks.gap();
        try {
          await processStoredEvent(deps, hooks.handle, id);
        } finally {
          done();
        }
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
    const recorded = await acks.during(() => store(valid));
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

/** A gap in the webhooks: none stored for this long. */
const QUIET_MS = 5;
/** The longest a handled event waits for a gap, so that under a steady stream of webhooks handling still moves on. */
const MAX_YIELD_MS = 50;

/**
 * Counts the webhooks being stored. `gap()` resolves once none has been for `quietMs`; under a steady stream, one
 * event at a time is let through after waiting `maxYieldMs` (the returned function ends its turn).
 */
function createAckGate(
  quietMs: number,
  maxYieldMs: number,
): { during<T>(store: () => Promise<T>): Promise<T>; gap(): Promise<() => void> } {
  let storing = 0;
  let lastAck = -Infinity;
  let streamTurnTaken = false;
  const quiet = () => storing === 0 && performance.now() - lastAck >= quietMs;
  const free = () => {};
  return {
    async during(work) {
      storing++;
      lastAck = performance.now();
      try {
        return await work();
      } finally {
        storing--;
        lastAck = performance.now();
      }
    },
    async gap() {
      const giveUp = performance.now() + maxYieldMs;
      for (;;) {
        if (quiet()) return free;
        if (!streamTurnTaken && performance.now() >= giveUp) {
          streamTurnTaken = true;
          return () => {
            streamTurnTaken = false;
          };
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(quietMs, 5)));
      }
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
