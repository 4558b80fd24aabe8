import { Writable } from 'node:stream';
import { startApp, type RunningApp, type StartOptions } from '../../bots/app/app.ts';
import { loadConfig } from '../../bots/app/app.config.ts';
import { createLogger } from '../../bots/app/app.logger.ts';
import type { DatabaseHandle } from '../../db/db.client.ts';
import { createTestClock } from './test.clock.ts';
import { createTestDatabase } from './test.database.ts';
import { TEST_SECRET_KEY, testCipher } from './test.keys.ts';

export type TestApp = {
  app: RunningApp;
  database: DatabaseHandle;
  clock: ReturnType<typeof createTestClock>;
  /** Every log line the app wrote, as text: tests assert no personal data is in it. */
  logs: string[];
  /** Stops the app and starts it again on the same database, like a process restart. */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

/** The whole app on a real database of its own, on a free port, with an injected clock and captured logs. */
export async function startTestApp(
  options: { env?: Record<string, string>; database?: DatabaseHandle } & Partial<
    Pick<StartOptions, 'channels' | 'delivery'>
  > = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const clock = createTestClock();
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  // The simulator drives most tests, beside LINE and Discord too (SIMULATOR=auto would turn it off with them).
  const config = loadConfig({
    PORT: '0',
    DEMO_DATA: 'off',
    SIMULATOR: 'on',
    MAEUL_SECRET_KEY: TEST_SECRET_KEY,
    ...options.env,
  });
  const boot = () =>
    startApp({
      config,
      logger,
      clock,
      database,
      cipher: testCipher(),
      channels: options.channels,
      delivery: options.delivery,
      backgroundDelivery: false,
    });
  const handle: TestApp = {
    app: await boot(),
    database,
    clock,
    logs,
    async restart() {
      await handle.app.stop();
      handle.app = await boot();
    },
    async stop() {
      await handle.app.stop();
      await database.close();
    },
  };
  return handle;
}
