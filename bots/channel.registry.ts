import type { Router } from 'express';
import type { ChannelSender } from '../core/channel/channel.port.ts';
import type { PlatformId } from '../core/channel/channel.types.ts';
import type { CoreDeps } from '../core/core.deps.ts';
import type { InboundProcessor } from '../core/inbound/inbound.processor.ts';
import type { AppConfig } from './app/app.config.ts';
import { discordChannel } from './discord/discord.channel.ts';
import { kakaoChannel } from './kakao/kakao.channel.ts';
import { lineChannel } from './line/line.channel.ts';
import { phoneChannel } from './phone/phone.channel.ts';
import { websimChannel } from './websim/websim.channel.ts';

/** What a channel gets from the composition root. */
export type ChannelContext = {
  config: AppConfig;
  deps: CoreDeps;
  inbound: InboundProcessor;
  /** Sends everything due now (the simulator answers synchronously with it). */
  flushDeliveries(): Promise<void>;
};

export type StartedChannel = {
  sender: ChannelSender;
  /** Mounted at the root of the HTTP server: the channel owns its paths (e.g. /webhooks/line). */
  router?: Router | undefined;
  stop(): Promise<void>;
};

/** A platform is a folder and a line here: the composition root starts every enabled one the same way. */
export type ChannelModule = {
  id: PlatformId;
  enabled(config: AppConfig): boolean;
  start(ctx: ChannelContext): Promise<StartedChannel>;
};

export const channelModules: readonly ChannelModule[] = [
  websimChannel,
  lineChannel,
  discordChannel,
  kakaoChannel,
  phoneChannel,
];
