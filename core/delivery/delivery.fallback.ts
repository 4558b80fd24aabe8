import { and, eq, like, or } from 'drizzle-orm';
import { identities, outbox } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { identityOrder } from '../members/identity.order.ts';
import { fallbackKey, fallbacksPattern, familyOf } from './delivery.keys.ts';
import { mayFallBack } from './delivery.purpose.ts';

type Row = typeof outbox.$inferSelect;

/**
 * A message to a person that failed for good on one platform (blocked, unfollowed, cannot be messaged) goes to the
 * next platform they linked, most recently used first; each platform is tried once. Replies stay where the person
 * wrote. The new row says which delivery it stands in for, so reach can be counted per platform.
 */
export async function enqueueFallback(deps: CoreDeps, failed: Row): Promise<boolean> {
  if (failed.memberId === null || failed.chatType !== 'direct' || !mayFallBack(failed.purpose) || !failed.messagesEnc)
    return false;
  const family = familyOf(failed.dedupeKey);
  return deps.db.transaction(async (tx) => {
    const tried = await tx
      .select({ platform: outbox.platform })
      .from(outbox)
      .where(or(eq(outbox.dedupeKey, family), like(outbox.dedupeKey, fallbacksPattern(family))));
    const triedPlatforms = new Set(tried.map((t) => t.platform));
    const candidates = await tx
      .select({ platform: identities.platform, platformUserId: identities.platformUserId })
      .from(identities)
      .where(and(eq(identities.memberId, failed.memberId ?? -1), eq(identities.reachable, true)))
      .orderBy(...identityOrder());
    const next = candidates.find((c) => !triedPlatforms.has(c.platform));
    if (!next) return false;
    const inserted = await tx
      .insert(outbox)
      .values({
        dedupeKey: fallbackKey(family, next.platform),
        platform: next.platform,
        chatType: 'direct',
        chatId: next.platformUserId,
        memberId: failed.memberId,
        aboutMemberId: failed.aboutMemberId,
        purpose: failed.purpose,
        subjectKind: failed.subjectKind,
        subjectId: failed.subjectId,
        fallbackOf: failed.id,
        messagesEnc: failed.messagesEnc,
        nextAttemptAt: deps.clock.now(),
        createdAt: deps.clock.now(),
      })
      .onConflictDoNothing({ target: outbox.dedupeKey })
      .returning({ id: outbox.id });
    return inserted.length > 0;
  });
}
