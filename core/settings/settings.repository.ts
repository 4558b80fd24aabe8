import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { members } from '../../db/schema/index.ts';
import type { MemberSettings, SettingsChange } from './settings.rules.ts';

/** The queries of 설정: a member's delivery preferences, on their member row. */
export async function findSettings(tx: DbOrTx, memberId: number): Promise<MemberSettings | undefined> {
  const [row] = await tx
    .select({
      broadcastMode: members.broadcastMode,
      digestTime: members.digestTime,
      quietStart: members.quietStart,
      quietEnd: members.quietEnd,
    })
    .from(members)
    .where(eq(members.id, memberId));
  return row;
}

export async function saveSettings(tx: DbOrTx, memberId: number, change: SettingsChange): Promise<void> {
  await tx.update(members).set(change).where(eq(members.id, memberId));
}
