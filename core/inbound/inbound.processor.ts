import type { InboundEvent } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { type InboundHandler, pendingInboundIds, processStoredEvent, recordInbound } from './inbound.pipeline.ts';

export type InboundProcessor = {
  /** Stores the event (the caller may acknowledge once this resolves) and hands it off; `handled` settles after. */
  accept(event: InboundEvent): Promise<{ duplicate: boolean; handled: Promise<void> }>;
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

  return {
    async accept(event) {
      const { id, duplicate } = await recordInbound(deps, event);
      if (duplicate) {
        deps.logger.info({ platform: event.platform, eventId: event.eventId }, 'duplicate inbound event ignored');
        return { duplicate, handled: Promise.resolve() };
      }
      return { duplicate, handled: schedule(`${event.platform}:${event.chat.id}`, id) };
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
