import type { Logger } from '../logger.port.ts';
import { errorSummary } from '../error.summary.ts';

export type BackgroundLoop = {
  /** Runs passes until one finds nothing to do (tests and shutdown wait on this); a failing pass throws here. */
  flush(): Promise<void>;
  kick(): void;
  start(): void;
  stop(): Promise<void>;
};

/**
 * A pass that finds work in the database and does it, run when kicked or every `idleMs`: the shape of work that
 * must not wait in a request (deliveries; feedback triage, which may wait for a model). In the background a failing
 * pass is logged and the loop goes on.
 */
export function createBackgroundLoop(input: {
  name: string;
  pass: () => Promise<number>;
  logger: Logger;
  idleMs?: number;
  afterWork?: () => void;
}): BackgroundLoop {
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let loop: Promise<void> = Promise.resolve();

  async function once(): Promise<number> {
    const done = await input.pass();
    if (done > 0) input.afterWork?.();
    return done;
  }

  async function run(): Promise<void> {
    while (running) {
      let done = 0;
      try {
        done = await once();
      } catch (error) {
        input.logger.error({ loop: input.name, err: errorSummary(error) }, 'background pass failed');
      }
      if (done === 0 && running)
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, input.idleMs ?? 5_000);
        });
    }
  }

  return {
    async flush() {
      while ((await once()) > 0);
    },
    kick() {
      if (timer) clearTimeout(timer);
      wake?.();
    },
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
