import type { PlatformId } from './channel.types.ts';

/**
 * What the core may need to say about a platform that only its adapter knows. A channel registers its facts when it
 * starts (bots/<platform>); the core reads them by platform id and never names a platform itself.
 */
export type PlatformFacts = {
  /** The platform's name as people read it (e.g. "LINE"). */
  label: string;
  /** False where the bot cannot be in a group chat at all. */
  groupChats: boolean;
  /** Said where group chats matter (a group command typed 1:1, the help of those who link village chats). */
  groupChatsNote?: string | undefined;
};

/**
 * Recipients one platform request takes (LINE 500, KakaoTalk's Event API 100, SOLAPI 10,000), registered by the
 * composition root from each started channel's sender: a broadcast's batches are cut to it when they are written.
 */
const requestLimits = new Map<PlatformId, number>();

export function registerRequestLimit(platform: PlatformId, limit: number | undefined): void {
  if (limit !== undefined && Number.isInteger(limit) && limit > 0) requestLimits.set(platform, limit);
  else requestLimits.delete(platform);
}

export function requestLimitsByPlatform(): ReadonlyMap<PlatformId, number> {
  return requestLimits;
}

const registered = new Map<PlatformId, PlatformFacts>();

export function registerPlatformFacts(platform: PlatformId, facts: PlatformFacts): void {
  registered.set(platform, facts);
}

export function platformFacts(platform: PlatformId): PlatformFacts | undefined {
  return registered.get(platform);
}

/** The note to add where group chats matter, when this platform has none; otherwise undefined. */
export function noGroupChatsNote(platform: PlatformId): string | undefined {
  const facts = registered.get(platform);
  return facts && !facts.groupChats ? facts.groupChatsNote : undefined;
}
