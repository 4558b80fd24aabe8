import type { ChannelModule } from '../channel.registry.ts';
import { createBackgroundLoop } from '../../core/background/background.loop.ts';
import { setUnitPrices } from '../../core/phone/phone.prices.ts';
import { pollReports } from './phone.poll.ts';
import { createPhoneSender, PHONE } from './phone.sender.ts';
import { phoneWebhookRouter } from './phone.webhook.ts';
import { createSolapiClient } from './solapi.client.ts';

/**
 * SMS/LMS and calls through a Korean provider (SOLAPI): on when PHONE_PROVIDER, its key and secret and the county's
 * sender number are set. Delivery reports are polled from the provider's status API every PHONE_REPORT_POLL_MS, and
 * taken from its webhook too when PHONE_WEBHOOK_SECRET is set.
 */
export const phoneChannel: ChannelModule = {
  id: PHONE,
  enabled: (config) =>
    config.PHONE_PROVIDER === 'solapi' &&
    Boolean(config.SOLAPI_API_KEY && config.SOLAPI_API_SECRET && config.PHONE_SENDER_NUMBER),
  async start(ctx) {
    const { config, deps } = ctx;
    const provider = createSolapiClient({
      apiKey: config.SOLAPI_API_KEY ?? '',
      apiSecret: config.SOLAPI_API_SECRET ?? '',
      baseUrl: config.PHONE_API_BASE_URL,
    });
    const callRetryMinutes = config.PHONE_CALL_RETRY_MINUTES.split(',').map(Number);
    setUnitPrices({
      sms: config.PRICE_SMS_WON,
      lms: config.PRICE_LMS_WON,
      voice: config.PRICE_VOICE_WON,
      kakao: config.PRICE_KAKAO_WON,
    });
    const sender = createPhoneSender({
      provider,
      deps,
      from: config.PHONE_SENDER_NUMBER ?? '',
      callbackNumber: config.PHONE_CALLBACK_NUMBER,
    });
    const reports = createBackgroundLoop({
      name: 'phone-reports',
      pass: () => pollReports({ deps, provider, callRetryMinutes }),
      logger: deps.logger,
      idleMs: config.PHONE_REPORT_POLL_MS,
      afterWork: () => void ctx.flushDeliveries().catch(() => {}),
    });
    reports.start();
    const router = config.PHONE_WEBHOOK_SECRET
      ? phoneWebhookRouter({ secret: config.PHONE_WEBHOOK_SECRET, deps, callRetryMinutes })
      : undefined;
    return { sender, router, stop: () => reports.stop() };
  },
};
