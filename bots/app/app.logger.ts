import { pino, type DestinationStream, type Logger } from 'pino';
import { scrubPersonalData } from '../../core/privacy/privacy.mask.ts';

/**
 * pino with personal data kept out: known fields are redacted, and every string that looks like a phone number
 * or a resident number is scrubbed, in case one slips into an error message.
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: {
        paths: [
          'realName',
          'name',
          'mobile',
          'phone',
          'text',
          '*.realName',
          '*.mobile',
          '*.phone',
          '*.text',
          'req.headers.authorization',
          'req.headers["x-line-signature"]',
        ],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrubPersonalData(a) : a)) as Parameters<typeof method>,
          );
        },
      },
      formatters: {
        log: (object) => JSON.parse(scrubPersonalData(JSON.stringify(object))) as Record<string, unknown>,
      },
    },
    options.destination,
  );
}
