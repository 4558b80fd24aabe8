import { randomBytes } from 'node:crypto';
import type { SkillTemplate } from './kakao.render.ts';

/** How long the rest of a long answer waits for "더 보기", and how many such answers are kept at most. */
const PAGE_TTL_MS = 30 * 60_000;
const MAX_KEPT = 2_000;

/**
 * The pages of answers longer than one SkillResponse (3 outputs), kept in memory for the person who got them: the
 * delivery was recorded once, when its first page went; "더 보기" shows the next page of what was already delivered.
 * Lost on a restart (then the person is asked to send their request again): it is a view, like a phone's screen.
 */
export function createPageStore(now: () => number = Date.now) {
  const kept = new Map<string, { userId: string; pages: SkillTemplate[]; expiresAt: number }>();
  return {
    /** Keeps pages 2… and returns the token the first page's "더 보기" carries. */
    keep(userId: string, rest: SkillTemplate[]): string {
      for (const [token, entry] of kept) if (entry.expiresAt <= now() || kept.size >= MAX_KEPT) kept.delete(token);
      const token = randomBytes(12).toString('base64url');
      kept.set(token, { userId, pages: rest, expiresAt: now() + PAGE_TTL_MS });
      return token;
    },
    /** The next page for this person, and the token for the one after it (if any); undefined when gone. */
    next(userId: string, token: string): { page: SkillTemplate; rest: SkillTemplate[] } | undefined {
      const entry = kept.get(token);
      kept.delete(token);
      if (!entry || entry.userId !== userId || entry.expiresAt <= now()) return undefined;
      const [page, ...rest] = entry.pages;
      return page ? { page, rest } : undefined;
    },
  };
}

export type PageStore = ReturnType<typeof createPageStore>;
