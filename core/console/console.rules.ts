import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A login link is good once, for this long (issue #18). */
export const LINK_TTL_MS = 5 * 60_000;
/** A session that saw no request for this long has ended. */
export const IDLE_MS = 30 * 60_000;

/** A random token for a link, a session or a CSRF field: 32 bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a token: a leaked table opens no session. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export type LinkState = { expiresAt: Date; usedAt: Date | null } | null;

export function linkVerdict(link: LinkState, now: Date): 'valid' | 'unknown' | 'used' | 'expired' {
  if (!link) return 'unknown';
  if (link.usedAt) return 'used';
  if (now.getTime() >= link.expiresAt.getTime()) return 'expired';
  return 'valid';
}

export function isIdle(lastSeenAt: Date, now: Date): boolean {
  return now.getTime() - lastSeenAt.getTime() >= IDLE_MS;
}

/** Compares two tokens in time that does not depend on where they differ. */
export function sameToken(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/**
 * A sliding-window limit kept in memory (one process serves the console): `allow(key)` counts an attempt and says
 * whether it is within `max` per `windowMs`. Used per IP address and for everyone together.
 */
export function createRateLimit(opts: { max: number; windowMs: number; now: () => Date }) {
  const hits = new Map<string, number[]>();
  return {
    allow(key: string): boolean {
      const now = opts.now().getTime();
      const recent = (hits.get(key) ?? []).filter((t) => now - t < opts.windowMs);
      if (recent.length >= opts.max) {
        hits.set(key, recent);
        return false;
      }
      recent.push(now);
      hits.set(key, recent);
      // Keeps the map from growing with addresses seen once long ago.
      if (hits.size > 10_000) for (const [k, v] of hits) if (v.every((t) => now - t >= opts.windowMs)) hits.delete(k);
      return true;
    },
  };
}
