import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
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
  /** The web chat simulator (README, "Going live"): auto = on only while no real platform is configured. */
  SIMULATOR: z.enum(['auto', 'on', 'off']).default('auto'),
  /** Required when the simulator is on and HOST is not a loopback address: every simulator request must carry it. */
  SIMULATOR_TOKEN: z.string().min(16, 'at least 16 characters (openssl rand -base64 24)').optional(),
  /** Required for /metrics when HOST is not a loopback address. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters (openssl rand -base64 24)').optional(),
  LINE_CHANNEL_SECRET: z.string().optional(),
  LINE_CHANNEL_ACCESS_TOKEN: z.string().optional(),
  LINE_API_BASE_URL: z.string().url().default('https://api.line.me'),
  DISCORD_TOKEN: z.string().optional(),
  DISCORD_API_BASE_URL: z.string().url().default('https://discord.com/api'),
  /** The phone channel (SMS/LMS and calls, issue 17): on with a provider, its key and secret, and a sender number. */
  PHONE_PROVIDER: z.enum(['solapi']).optional(),
  SOLAPI_API_KEY: z.string().optional(),
  SOLAPI_API_SECRET: z.string().optional(),
  /** The county's caller number registered with the provider (발신번호 사전등록). */
  PHONE_SENDER_NUMBER: z
    .string()
    .regex(/^[\d-]{8,13}$/, 'digits, e.g. 033-680-3114')
    .optional(),
  PHONE_API_BASE_URL: z.string().url().default('https://api.solapi.com'),
  /** A number residents call to hear recent broadcasts again (the provider's ARS); named where a text is shortened. */
  PHONE_CALLBACK_NUMBER: z.string().optional(),
  /** How often the provider is asked for delivery reports, and the minutes after which an unanswered call is tried again. */
  PHONE_REPORT_POLL_MS: z.coerce.number().int().min(50).default(30_000),
  PHONE_CALL_RETRY_MINUTES: z
    .string()
    .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, 'minutes, comma-separated, e.g. "3,15"')
    .default('3,15'),
  /** Required for the provider's report webhook (POST /webhooks/phone/<secret>): without it, reports are polled only. */
  PHONE_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** Unit prices in won, for the broadcast preview's estimate and the staff digest's month (the provider's price list). */
  PRICE_SMS_WON: z.coerce.number().min(0).default(20),
  PRICE_LMS_WON: z.coerce.number().min(0).default(50),
  PRICE_VOICE_WON: z.coerce.number().min(0).default(60),
  PRICE_KAKAO_WON: z.coerce.number().min(0).default(15),
  /** KakaoTalk (bots/kakao): the skill's secret header, the Event API's key and bot, the event's name, the API origin. */
  KAKAO_SKILL_SECRET: z.string().min(16, 'at least 16 characters (openssl rand -base64 24)').optional(),
  KAKAO_REST_API_KEY: z.string().optional(),
  KAKAO_BOT_ID: z.string().optional(),
  KAKAO_EVENT_NAME: z.string().default('maeul_message'),
  KAKAO_API_BASE_URL: z.string().url().default('https://bot-api.kakao.com'),
  /** `on` when the bot is an AI chatbot with callbacks enabled (Kakao approves it): slow answers use the callback URL. */
  KAKAO_CALLBACK: z.enum(['on', 'off']).default('off'),
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
  FEEDBACK_REPLY_DAILY_LIMIT: z.coerce.number().int().min(1).max(100).default(5),
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

/** A real platform has its settings: the same conditions as the LINE, Discord and KakaoTalk channels' own `enabled`. */
export function realPlatformConfigured(config: AppConfig): boolean {
  return (
    Boolean(config.LINE_CHANNEL_SECRET && config.LINE_CHANNEL_ACCESS_TOKEN) ||
    Boolean(config.DISCORD_TOKEN) ||
    Boolean(config.KAKAO_SKILL_SECRET && config.KAKAO_REST_API_KEY && config.KAKAO_BOT_ID) ||
    // Residents' phones are as real as their chat apps: a county on SMS alone gets no open demo simulator either.
    Boolean(config.PHONE_PROVIDER && config.SOLAPI_API_KEY && config.SOLAPI_API_SECRET && config.PHONE_SENDER_NUMBER)
  );
}

/** Whether the simulator (and with it the demo data) runs: SIMULATOR=auto means only while no real platform is set. */
export function simulatorOn(config: AppConfig): boolean {
  if (config.SIMULATOR === 'auto') return !realPlatformConfigured(config);
  return config.SIMULATOR === 'on';
}

/** 127.0.0.0/8, ::1 and localhost: addresses nobody else can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare.startsWith('::ffff:127.');
}

/**
 * The simulator lets whoever reaches it speak as anyone, staff included: reachable from outside only behind a token.
 * Throws the reason when the configuration would expose it.
 */
export function assertSafeExposure(config: AppConfig): void {
  if (!simulatorOn(config) || isLoopbackHost(config.HOST) || config.SIMULATOR_TOKEN) return;
  throw new Error(
    `시뮬레이터가 켜진 채로 HOST=${config.HOST} 에서 시작할 수 없습니다: 누구나 직원으로 방송을 보낼 수 있게 됩니다. ` +
      'SIMULATOR=off 로 끄거나, SIMULATOR_TOKEN 을 정하거나(openssl rand -base64 24), HOST=127.0.0.1 로 두세요. ' +
      '(The simulator is on and HOST is not a loopback address: set SIMULATOR=off, SIMULATOR_TOKEN, or HOST=127.0.0.1.)',
  );
}

/** Reads `.env` into process.env without overriding what the environment already says (Node's own loader). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path) && readFileSync(path, 'utf8').trim()) process.loadEnvFile(path);
}
