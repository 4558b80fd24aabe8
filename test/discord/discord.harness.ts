import { and, eq, ne } from 'drizzle-orm';
import { inboundEvents } from '../../db/schema/index.ts';
import type { TestApp } from '../support/test.app.ts';
import type { DiscordEmulator, DiscordMessageRecord } from './discord.emulator.ts';

/** Polls until `cond` holds (gateway events arrive on their own time), or fails after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

/**
 * Drives an app with the Discord channel through the emulator the way people would: a DM, a channel message, a slash
 * command or a button click, then waits until the bot has stored and handled the event and sent its replies.
 */
export function discordDriver(emulator: DiscordEmulator, app: () => TestApp) {
  /** Waits until the event with this id is handled, then sends what is due. */
  async function settle(eventId: string): Promise<void> {
    const t = app();
    await until(
      async () => {
        const rows = await t.database.db
          .select({ id: inboundEvents.id })
          .from(inboundEvents)
          .where(
            and(
              eq(inboundEvents.platform, 'discord'),
              eq(inboundEvents.eventId, eventId),
              ne(inboundEvents.status, 'received'),
            ),
          );
        return rows.length > 0;
      },
      5000,
      `event ${eventId} handled`,
    );
    await t.app.inbound.idle();
    await t.app.delivery.flush();
  }

  /** Runs `act`, settles, and returns the bot's messages created meanwhile in `channelId` (or anywhere). */
  async function exchange(act: () => { id: string }, channelId?: string): Promise<DiscordMessageRecord[]> {
    const before = emulator.messages.length;
    const { id } = act();
    await settle(id);
    return emulator.messages.slice(before).filter((m) => !channelId || m.channelId === channelId);
  }

  return {
    settle,
    exchange,
    /** A DM from `userId` in their DM channel; the texts the bot answered there. */
    async dm(userId: string, dmChannel: string, content: string): Promise<string[]> {
      return (await exchange(() => emulator.userMessage({ userId, channelId: dmChannel, content }), dmChannel)).map(
        (m) => m.content,
      );
    },
    async inGuild(
      userId: string,
      guildId: string,
      channelId: string,
      content: string,
    ): Promise<DiscordMessageRecord[]> {
      return exchange(() => emulator.userMessage({ userId, channelId, content, guildId }), channelId);
    },
    async slash(c: Parameters<DiscordEmulator['slashCommand']>[0]): Promise<DiscordMessageRecord[]> {
      return exchange(() => emulator.slashCommand(c));
    },
    async click(c: Parameters<DiscordEmulator['buttonClick']>[0]): Promise<DiscordMessageRecord[]> {
      return exchange(() => emulator.buttonClick(c));
    },
  };
}

/** The custom ids of a sent message's buttons, row by row flattened. */
export function buttonIds(message: DiscordMessageRecord | undefined): string[] {
  return ((message?.components ?? []) as { components?: { custom_id?: string }[] }[]).flatMap((row) =>
    (row.components ?? []).map((b) => b.custom_id ?? ''),
  );
}
