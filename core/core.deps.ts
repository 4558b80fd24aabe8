import type { Db } from '../db/db.client.ts';
import type { Clock } from './clock.port.ts';
import type { Logger } from './logger.port.ts';
import type { Cipher } from './privacy/cipher.ts';

/**
 * What every usecase of the core may need; passed as one object. `publicUrl`: the app's public address
 * (PUBLIC_BASE_URL, else where it listens), for links in messages such as a workshop's .ics file.
 */
export type CoreDeps = {
  db: Db;
  cipher: Cipher;
  clock: Clock;
  logger: Logger;
  timezone: string;
  publicUrl?: () => string;
  /** The county's feedback rules where they differ from the defaults (service level, daily limit). */
  feedback?: { slaWorkingDays?: number; dailyLimit?: number; replyDailyLimit?: number } | undefined;
};
