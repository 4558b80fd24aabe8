import { startApp } from './app/app.ts';
import { loadConfig, loadDotEnv, simulatorOn, type AppConfig } from './app/app.config.ts';
import { createLogger } from './app/app.logger.ts';

/** `npm start`: the county bot with every channel whose settings are present, and the simulator while SIMULATOR says so. */
loadDotEnv();
let config: AppConfig;
try {
  config = loadConfig();
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
const logger = createLogger({ level: config.LOG_LEVEL });

try {
  const app = await startApp({ config, logger });
  console.log(
    simulatorOn(config)
      ? `\n  마을 (maeul) — 시뮬레이터: ${app.url}/\n`
      : `\n  마을 (maeul) — 주소: ${app.url} (시뮬레이터 꺼짐: SIMULATOR=${config.SIMULATOR})\n`,
  );
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  logger.fatal({ err: error instanceof Error ? error.message : String(error) }, 'maeul could not start');
  console.error(`\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
