import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { dialogStates } from '../../db/schema/index.ts';
import type { Cipher } from '../privacy/cipher.ts';

/** A dialog in progress. Kept in the database, encrypted (it holds names and numbers), so it survives a restart. */
export type DialogState = { dialog: string; step: string; data: Record<string, unknown> };

export async function loadDialog(tx: DbOrTx, cipher: Cipher, identityId: number): Promise<DialogState | null> {
  const [row] = await tx.select().from(dialogStates).where(eq(dialogStates.identityId, identityId));
  if (!row) return null;
  return {
    dialog: row.dialog,
    step: row.step,
    data: JSON.parse(cipher.decrypt(row.dataEnc)) as Record<string, unknown>,
  };
}

export async function saveDialog(
  tx: DbOrTx,
  cipher: Cipher,
  identityId: number,
  state: DialogState,
  now: Date,
): Promise<void> {
  const values = {
    dialog: state.dialog,
    step: state.step,
    dataEnc: cipher.encrypt(JSON.stringify(state.data)),
    updatedAt: now,
  };
  await tx
    .insert(dialogStates)
    .values({ identityId, ...values })
    .onConflictDoUpdate({ target: dialogStates.identityId, set: values });
}

export async function clearDialog(tx: DbOrTx, identityId: number): Promise<void> {
  await tx.delete(dialogStates).where(eq(dialogStates.identityId, identityId));
}
