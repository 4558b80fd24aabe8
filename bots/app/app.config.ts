import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { isValidSchedule } from '../../jobs/cron.slots.ts';

function schedule(fallback: string) {
  return z
    .string()
    .refine(isValidSchedule, 'a five-field cron expression (minute hour day month weekday), e.g. "30 8 * * *"')
    .default(fallback);
}

/**
 * The configuration contract (README, product brief): environment variables, with a `.env` file read when present.
 * Every adapter starts only when its settings are present.
 */
const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  COUNTY_TIMEZONE: z.string().default('Asia/Seoul'),
  MAEUL_SECRET_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO_DATA: z.enum(['auto', 'off']).default('auto'),
  LINE_CHANNEL_SECRET: z.string().optional(),
  LINE_CHANNEL_ACCESS_TOKEN: z.string().optional(),
  LINE_API_BASE_URL: z.string().url().default('https://api.line.me'),
  DISCORD_TOKEN: z.string().optional(),
  DISCORD_API_BASE_URL: z.string().url().default('https://discord.com/api'),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_MODEL: z.string().optional(),
  /** How long a digest waits for the model's summary paragraph before using the template. */
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Schedules (five-field cron, county time) and how late a slot missed while down is still caught up on start. */
  JOB_STAFF_DIGEST_SCHEDULE: schedule('30 8 * * *'),
  JOB_RESIDENT_DIGEST_SCHEDULE: schedule('*/30 * * * *'),
  JOB_HEAD_DIGEST_SCHEDULE: schedule('0 8 * * 1'),
  JOB_FEEDBACK_SLA_SCHEDULE: schedule('*/15 * * * *'),
  /** Feedback: working days until a first answer is due (weekends do not count), and how many items a person may send a day. */
  FEEDBACK_SLA_WORKING_DAYS: z.coerce.number().int().min(1).max(30).default(3),
  FEEDBACK_DAILY_LIMIT: z.coerce.number().int().min(1).max(100).default(5),
  JOB_CATCHUP_GRACE_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(120),
  /** The app's address as residents reach it, for links in messages (a workshop's .ics file); unset: where it listens. */
  PUBLIC_BASE_URL: z.string().url().optional(),
});

export type AppConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const blanksRemoved = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(blanksRemoved);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`설정이 올바르지 않습니다 (invalid configuration):\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Reads `.env` into process.env without overriding what the environment already says (Node's own loader). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path) && readFileSync(path, 'utf8').trim()) process.loadEnvFile(path);
}
