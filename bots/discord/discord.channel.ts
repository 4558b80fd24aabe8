import { REST, RESTEvents, Routes, InteractionResponseType } from 'discord.js';
import type { InboundEvent } from '../../core/channel/channel.types.ts';
import { errorSummary } from '../../core/error.summary.ts';
import type { ChannelContext, ChannelModule } from '../channel.registry.ts';
import { slashCommandDefinitions } from './discord.commands.ts';
import { createGatewayKeeper, type GatewayDispatch, type GatewayOptions } from './discord.gateway.ts';
import { createDiscordSender } from './discord.sender.ts';
import { DISCORD, interactionToInbound, messageToInbound, type InteractionAck } from './discord.translate.ts';

export type DiscordChannelOptions = GatewayOptions & {
  /** A rate limit longer than this is not waited out inside a send: the delivery is retried after it instead. */
  maxRateLimitWaitMs?: number;
};

/**
 * Discord: on when DISCORD_TOKEN is set. REST (sending, slash command registration, interaction acknowledgements)
 * works in every instance; the gateway (receiving) in the one instance holding the token's lease.
 */
export function createDiscordChannel(options: DiscordChannelOptions = {}): ChannelModule {
  return {
    id: DISCORD,
    enabled: (config) => Boolean(config.DISCORD_TOKEN),
    async start(ctx) {
      const token = ctx.config.DISCORD_TOKEN ?? '';
      const { logger } = ctx.deps;
      const maxWait = options.maxRateLimitWaitMs ?? 10_000;
      const rest = new REST({
        api: ctx.config.DISCORD_API_BASE_URL,
        rejectOnRateLimit: (limit) => limit.retryAfter > maxWait,
      }).setToken(token);
      // discord.js waits on a 429 and retries by itself; we only watch. The route has ids and tokens masked.
      // https://discord.com/developers/docs/topics/rate-limits
      rest.on(RESTEvents.RateLimited, (limit) =>
        logger.warn(
          {
            route: limit.route,
            method: limit.method,
            retryAfterMs: limit.retryAfter,
            global: limit.global,
            scope: limit.scope,
          },
          'Discord rate limited: waiting',
        ),
      );
      await registerCommands(ctx, rest);
      const inbox = createInbox(ctx, rest);
      const gateway = createGatewayKeeper({
        deps: ctx.deps,
        token,
        apiBase: ctx.config.DISCORD_API_BASE_URL,
        options,
        onDispatch: inbox.receive,
      });
      await gateway.start();
      logger.info(
        { gateway: gateway.connected() },
        gateway.connected()
          ? 'Discord gateway held by this instance'
          : 'Discord: sending only (another instance holds the gateway)',
      );
      return {
        sender: createDiscordSender(rest, () => ctx.deps.clock.now()),
        stop: async () => {
          await gateway.stop();
          await inbox.idle();
          await ctx.inbound.idle();
        },
      };
    },
  };
}

export const discordChannel = createDiscordChannel();

/**
 * Slash commands are bulk-overwritten globally on every start (idempotent). A failure is logged, not fatal: typed
 * commands keep working. https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands
 */
async function registerCommands(ctx: ChannelContext, rest: REST): Promise<void> {
  try {
    const application = (await rest.get(Routes.currentApplication())) as { id: string };
    await rest.put(Routes.applicationCommands(application.id), { body: slashCommandDefinitions() });
  } catch (error) {
    ctx.deps.logger.warn({ err: errorSummary(error) }, 'Discord slash commands not registered');
  }
}

/**
 * Gateway events in arrival order: each is translated, stored (ctx.inbound.accept de-duplicates a replayed event by
 * its id) and handed to the conversation engine. An interaction is acknowledged first, within Discord's 3 seconds,
 * as "deferred"; the engine's reply then edits that response through the delivery engine.
 * https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
 */
function createInbox(ctx: ChannelContext, rest: REST) {
  const { logger } = ctx.deps;
  let chain: Promise<void> = Promise.resolve();

  async function defer(ack: InteractionAck): Promise<boolean> {
    try {
      await rest.post(Routes.interactionCallback(ack.id, ack.token), {
        body: { type: InteractionResponseType.DeferredChannelMessageWithSource },
        auth: false,
      });
      return true;
    } catch (error) {
      // Already acknowledged (a replayed event) or too late: the reply goes to the channel instead.
      logger.info({ interactionId: ack.id, err: errorSummary(error) }, 'Discord interaction not deferred');
      return false;
    }
  }

  async function store(event: InboundEvent): Promise<void> {
    const { duplicate } = await ctx.inbound.accept(event);
    if (!duplicate)
      logger.debug({ platform: DISCORD, kind: event.kind, chat: event.chat.type }, 'Discord event stored');
  }

  function receive(dispatch: GatewayDispatch): void {
    const receivedAt = ctx.deps.clock.now();
    let work: () => Promise<void>;
    if (dispatch.t === 'INTERACTION_CREATE') {
      const translated = interactionToInbound(dispatch.d, receivedAt);
      if (!translated) return ignored(dispatch.t);
      // Acknowledged at once, not behind earlier events: the 3-second window is Discord's, not ours.
      const deferred = defer(translated.ack);
      work = async () => {
        const event = translated.event;
        await store((await deferred) ? event : { ...event, replyHandle: undefined });
      };
    } else {
      const event = dispatch.botUserId
        ? messageToInbound(dispatch.d, { botUserId: dispatch.botUserId, receivedAt })
        : null;
      if (!event) return ignored(dispatch.t);
      work = () => store(event);
    }
    chain = chain
      .then(work)
      .catch((error: unknown) => logger.error({ err: errorSummary(error) }, 'Discord event not stored'));
  }

  function ignored(t: string): void {
    logger.debug({ event: t }, 'Discord event not acted on');
  }

  return { receive, idle: () => chain };
}
