import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Client, Events, GatewayDispatchEvents, GatewayIntentBits, Partials } from 'discord.js';
import type { CoreDeps } from '../../core/core.deps.ts';
import { errorSummary } from '../../core/error.summary.ts';
import { claimLease, releaseLease } from '../../core/leases/lease.usecases.ts';

export type GatewayOptions = {
  /** How long a taken lease lasts without renewal (default 30 s): the longest a crashed holder leaves a gap. */
  leaseMs?: number;
  /** How often the lease is renewed or, by those without it, asked for (default a third of leaseMs). */
  renewMs?: number;
  /** How long to wait for READY after login (default 20 s). */
  readyTimeoutMs?: number;
};

/** A gateway dispatch we act on; the payload is raw and unvalidated. */
export type GatewayDispatch = { t: 'MESSAGE_CREATE' | 'INTERACTION_CREATE'; d: unknown; botUserId: string };

export type GatewayKeeper = {
  readonly holder: string;
  readonly leaseName: string;
  /** True while this instance holds the lease and its client is READY. */
  connected(): boolean;
  /** Takes the lease if free and connects; resolves once that first attempt is settled (connected or not). */
  start(): Promise<void>;
  stop(): Promise<void>;
};

/** The lease's name: one per bot token, without the token in it. */
export const gatewayLeaseName = (token: string) =>
  `discord-gateway:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;

/**
 * One gateway connection per bot token across instances (Discord would send every event to each connection): the
 * instance holding the `leases` row logs in; the others only send through REST and ask for the lease every
 * renewMs, taking over once the holder's lease lapses or is released. The lease uses the injected clock.
 * https://discord.com/developers/docs/events/gateway#connections
 */
export function createGatewayKeeper(input: {
  deps: CoreDeps;
  token: string;
  apiBase: string;
  options?: GatewayOptions;
  onDispatch(dispatch: GatewayDispatch): void;
}): GatewayKeeper {
  const { deps, token } = input;
  const leaseMs = input.options?.leaseMs ?? 30_000;
  const renewMs = input.options?.renewMs ?? Math.floor(leaseMs / 3);
  const readyTimeoutMs = input.options?.readyTimeoutMs ?? 20_000;
  const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseName = gatewayLeaseName(token);
  let heldUntil = 0;
  let client: Client | null = null;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let ticking: Promise<void> = Promise.resolve();

  async function connect(): Promise<Client | null> {
    const c = new Client({
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildMessages,
        GatewayIntentBits.DirectMessages,
        GatewayIntentBits.MessageContent,
      ],
      // DMs arrive for channels discord.js has not cached: without Partials.Channel it drops them.
      partials: [Partials.Channel, Partials.Message],
      rest: { api: input.apiBase },
    });
    guardPacketHandling(c, deps);
    for (const t of [GatewayDispatchEvents.MessageCreate, GatewayDispatchEvents.InteractionCreate] as const) {
      c.ws.on(t, (d: unknown) => {
        try {
          input.onDispatch({ t, d, botUserId: c.user?.id ?? '' });
        } catch (error) {
          deps.logger.warn({ event: t, err: errorSummary(error) }, 'Discord gateway event ignored');
        }
      });
    }
    c.on(Events.Error, (error) => deps.logger.error({ err: errorSummary(error) }, 'Discord client error'));
    c.on(Events.ShardDisconnect, (event) =>
      deps.logger.warn({ code: event.code }, 'Discord gateway disconnected for good'),
    );
    c.on(Events.ShardResume, (_id, replayed) => deps.logger.info({ replayed }, 'Discord gateway resumed'));
    c.on(Events.ShardReconnecting, () => deps.logger.debug({}, 'Discord gateway reconnecting'));
    const ready = new Promise<boolean>((resolve) => {
      const timeout = setTimeout(() => resolve(false), readyTimeoutMs);
      c.once(Events.ClientReady, () => {
        clearTimeout(timeout);
        resolve(true);
      });
    });
    try {
      await c.login(token);
    } catch (error) {
      deps.logger.error({ err: errorSummary(error) }, 'Discord login failed');
      await close(c);
      return null;
    }
    if (!(await ready)) {
      deps.logger.error({ readyTimeoutMs }, 'Discord gateway not ready in time');
      await close(c);
      return null;
    }
    deps.logger.info({ lease: leaseName }, 'Discord gateway connected');
    return c;
  }

  async function tick(): Promise<void> {
    const now = deps.clock.now();
    try {
      if (await claimLease(deps.db, { name: leaseName, holder, now, ttlMs: leaseMs }))
        heldUntil = now.getTime() + leaseMs;
      else heldUntil = 0;
    } catch (error) {
      // The database is away: keep what we hold until our own lease would have lapsed, then let go.
      deps.logger.warn({ err: errorSummary(error) }, 'Discord gateway lease not renewed');
    }
    const mine = deps.clock.now().getTime() < heldUntil;
    if (mine && !client && running) {
      client = await connect();
      // Connecting may take a while: renew at once so that the lease does not lapse under a fresh connection.
      if (client)
        await claimLease(deps.db, { name: leaseName, holder, now: deps.clock.now(), ttlMs: leaseMs }).catch(
          () => false,
        );
    } else if (!mine && client) {
      deps.logger.warn({ lease: leaseName }, 'Discord gateway lease lost: disconnecting');
      const c = client;
      client = null;
      await close(c);
    }
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      ticking = tick().finally(schedule);
    }, renewMs);
  }

  return {
    holder,
    leaseName,
    connected: () => client?.isReady() ?? false,
    async start() {
      running = true;
      ticking = tick();
      await ticking;
      schedule();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await ticking;
      const c = client;
      client = null;
      if (c) await close(c);
      await releaseLease(deps.db, { name: leaseName, holder }).catch((error: unknown) =>
        deps.logger.warn({ err: errorSummary(error) }, 'Discord gateway lease not released'),
      );
    },
  };
}

/**
 * destroy() before READY hangs (verified against the emulator), so a client that is not ready yet is destroyed
 * once READY arrives; one that never gets there was never connected and is left to the garbage collector.
 */
async function close(c: Client): Promise<void> {
  if (c.isReady()) await c.destroy();
  else c.once(Events.ClientReady, () => void c.destroy());
}

/**
 * discord.js reads every dispatch into its caches, and a malformed one (a null author, a payload of null) throws
 * inside its socket handler, an unhandled rejection that would end the process. Its packet handler is wrapped so that
 * such an event is logged (its type only) and ignored. handlePacket is private to discord.js 14: if it is renamed,
 * this guard does nothing and the events test notices.
 */
function guardPacketHandling(c: Client, deps: CoreDeps): void {
  const ws = c.ws as unknown as { handlePacket?: (packet?: unknown, shard?: unknown) => boolean };
  const original = ws.handlePacket?.bind(ws);
  if (!original) return;
  ws.handlePacket = (packet, shard) => {
    try {
      return original(packet, shard);
    } catch (error) {
      const t = typeof packet === 'object' && packet !== null ? String((packet as { t?: unknown }).t) : typeof packet;
      deps.logger.warn({ event: t, err: errorSummary(error) }, 'Discord gateway event ignored: malformed');
      return true;
    }
  };
}
