import type { InboundEvent } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { acknowledgementDb } from '../../db/db.client.ts';
import { recordInboundBatch } from './inbound.pipeline.ts';

type Recorded = { id: number; duplicate: boolean }[];
type Waiting = { events: readonly InboundEvent[]; resolve(r: Recorded): void; reject(e: unknown): void };

/** Statements in flight at once: one being committed while the next is sent keeps the store busy without a queue. */
const IN_FLIGHT = 2;

/**
 * Stores webhook bodies that arrive together in one statement (group commit): a body that finds a statement free
 * goes at once, alone; the bodies that arrive while statements are in flight wait for the next free one and go
 * together. Idle, nothing waits; under a burst, one INSERT and one commit serve dozens of webhooks instead of one
 * each (measured: the store's round trips and PostgreSQL's commits were most of an acknowledgement's cost).
 * Each body's promise resolves only when the statement holding its events has committed: nothing is acknowledged
 * before it is stored. If the statement fails, every body in it fails (each webhook answers 5xx; LINE redelivers).
 */
export function createInboundStore(deps: CoreDeps): (events: readonly InboundEvent[]) => Promise<Recorded> {
  let inFlight = 0;
  let waiting: Waiting[] = [];

  function flush(): void {
    if (inFlight >= IN_FLIGHT || waiting.length === 0) return;
    const group = waiting;
    waiting = [];
    inFlight++;
    // An event repeated across bodies of one group is a duplicate of its first occurrence, as within a body.
    void recordInboundBatch(
      { ...deps, db: acknowledgementDb(deps.db) },
      group.flatMap((w) => w.events),
    )
      .then(
        (results) => {
          let at = 0;
          for (const w of group) {
            w.resolve(results.slice(at, at + w.events.length));
            at += w.events.length;
          }
        },
        (error: unknown) => {
          for (const w of group) w.reject(error);
        },
      )
      .finally(() => {
        inFlight--;
        flush();
      });
  }

  return (events) => {
    if (events.length === 0) return Promise.resolve([]);
    return new Promise<Recorded>((resolve, reject) => {
      waiting.push({ events, resolve, reject });
      flush();
    });
  };
}
