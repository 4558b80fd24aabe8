import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { dialogStates } from '../../db/schema/index.ts';
import type { Cipher } from '../privacy/cipher.ts';
import type { DialogState } from './feature.types.ts';

export type { DialogState } from './feature.types.ts';

/**
 * A dialog in progress, with the numbered choices it last showed (the engine tells an answer from a new command by
 * them). Kept in the database, encrypted (it holds names and numbers), so it survives a restart.
 */
export type StoredDialog = DialogState & { choices: string[] };

export async function loadDialog(tx: DbOrTx, cipher: Cipher, identityId: number): Promise<StoredDialog | null> {
  const [row] = await tx.select().from(dialogStates).where(eq(dialogStates.identityId, identityId));
  if (!row) return null;
  const stored = JSON.parse(cipher.decrypt(row.dataEnc)) as { data?: unknown; choices?: unknown };
  const data = (stored.data ?? {}) as Record<string, unknown>;
  const choices = Array.isArray(stored.choices) ? stored.choices.filter((c) => typeof c === 'string') : [];
  return { dialog: row.dialog, step: row.step, data, choices };
}

export async function saveDialog(
  tx: DbOrTx,
  cipher: Cipher,
  identityId: number,
  state: StoredDialog,
  now: Date,
): Promise<void> {
  const dataEnc = cipher.encrypt(JSON.stringify({ data: state.data, choices: state.choices }));
  const values = { dialog: state.dialog, step: state.step, dataEnc, updatedAt: now };
  await tx
    .insert(dialogStates)
    .values({ identityId, ...values })
    .onConflictDoUpdate({ target: dialogStates.identityId, set: values });
}

export async function clearDialog(tx: DbOrTx, identityId: number): Promise<void> {
  await tx.delete(dialogStates).where(eq(dialogStates.identityId, identityId));
}
