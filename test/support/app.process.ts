import { spawn } from 'node:child_process';

export type AppProcess = {
  url: string;
  output: () => string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
};

/**
 * `npm start` as a process of its own (bots/main.ts on this Node), on the data directory given. Blank values are
 * "unset" to the config, so the test's own environment does not leak in; `env` sets what the test means.
 */
export function runApp(dataDir: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['bots/main.ts'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      DATABASE_URL: '',
      SIMULATOR: '',
      SIMULATOR_TOKEN: '',
      METRICS_TOKEN: '',
      LINE_CHANNEL_SECRET: '',
      LINE_CHANNEL_ACCESS_TOKEN: '',
      DISCORD_TOKEN: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, exited, output: () => output };
}

/** Starts the app and waits for the address it prints; fails with its output if it exits first. */
export async function startApp(dataDir: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const { child, exited, output } = runApp(dataDir, env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /— (?:시뮬레이터|주소): (http:\/\/[^\s/]+)/.exec(output());
      if (m?.[1]) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 100);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`exited early:\n${output()}`));
    });
  });
  return {
    url,
    output,
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
