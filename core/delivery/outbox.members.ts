import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { outbox } from '../../db/schema/index.ts';

/**
 * 연결 (core/linking): two members become one. Every delivery to or about the one absorbed now names the one kept, so
 * that 현황 counts them once, a fallback looks among all the person's platforms, and 탈퇴 erases them with the rest.
 * The chats they were addressed to are unchanged (the identities move with the member). Returns how many rows moved.
 */
export async function reassignMemberDeliveries(input: { tx: DbOrTx; from: number; into: number }): Promise<number> {
  const to = await input.tx
    .update(outbox)
    .set({ memberId: input.into })
    .where(eq(outbox.memberId, input.from))
    .returning({ id: outbox.id });
  const about = await input.tx
    .update(outbox)
    .set({ aboutMemberId: input.into })
    .where(eq(outbox.aboutMemberId, input.from))
    .returning({ id: outbox.id });
  return to.length + about.length;
}
