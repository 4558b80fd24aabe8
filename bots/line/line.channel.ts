import { messagingApi } from '@line/bot-sdk';
import type { ChannelModule } from '../channel.registry.ts';
import { createLineSender } from './line.sender.ts';
import { LINE } from './line.translate.ts';
import { lineWebhookRouter } from './line.webhook.ts';

/** LINE Messaging API: on when LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are set. */
export const lineChannel: ChannelModule = {
  id: LINE,
  enabled: (config) => Boolean(config.LINE_CHANNEL_SECRET && config.LINE_CHANNEL_ACCESS_TOKEN),
  async start(ctx) {
    const client = new messagingApi.MessagingApiClient({
      channelAccessToken: ctx.config.LINE_CHANNEL_ACCESS_TOKEN ?? '',
      baseURL: ctx.config.LINE_API_BASE_URL,
    });
    const router = lineWebhookRouter({
      channelSecret: ctx.config.LINE_CHANNEL_SECRET ?? '',
      inbound: ctx.inbound,
      logger: ctx.deps.logger,
      now: () => ctx.deps.clock.now(),
      nicknameOf: async (userId) => (await client.getProfile(userId)).displayName,
    });
    return { sender: createLineSender(client, () => ctx.deps.clock.now()), router, stop: async () => {} };
  },
};
