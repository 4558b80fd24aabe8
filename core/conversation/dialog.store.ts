import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { dialogStates } from '../../db/schema/index.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { Cipher } from '../privacy/cipher.ts';
import type { DialogState } from './feature.types.ts';

export type { DialogState } from './feature.types.ts';

/**
 * A dialog with the message it last asked with: its numbered choices tell an answer from a new command, and the
 * message is asked again when a dialog set aside is resumed ("계속").
 */
export type StoredDialog = DialogState & { prompt: OutboundMessage | null };

/**
 * A person's dialogs: the one in progress and at most one set aside by a command that got through it. Kept in the
 * database, encrypted (they hold names and numbers), so both survive a restart.
 */
export type Dialogs = { active: StoredDialog | null; aside: StoredDialog | null };

export function choicesOf(dialog: StoredDialog): readonly string[] {
  return dialog.prompt?.choices ?? [];
}

export async function loadDialogs(tx: DbOrTx, cipher: Cipher, identityId: number): Promise<Dialogs> {
  const [row] = await tx.select().from(dialogStates).where(eq(dialogStates.identityId, identityId));
  if (!row) return { active: null, aside: null };
  const stored = JSON.parse(cipher.decrypt(row.dataEnc)) as { active?: StoredDialog | null; aside?: StoredDialog };
  return { active: stored.active ?? null, aside: stored.aside ?? null };
}

/** The dialog in progress alone (a photo joins the feedback being written). */
export async function loadDialog(tx: DbOrTx, cipher: Cipher, identityId: number): Promise<StoredDialog | null> {
  return (await loadDialogs(tx, cipher, identityId)).active;
}

export async function saveDialogs(
  tx: DbOrTx,
  cipher: Cipher,
  identityId: number,
  dialogs: Dialogs,
  now: Date,
): Promise<void> {
  if (!dialogs.active && !dialogs.aside) {
    await tx.delete(dialogStates).where(eq(dialogStates.identityId, identityId));
    return;
  }
  const values = {
    dialog: dialogs.active?.dialog ?? '',
    step: dialogs.active?.step ?? '',
    dataEnc: cipher.encrypt(JSON.stringify(dialogs)),
    updatedAt: now,
  };
  await tx
    .insert(dialogStates)
    .values({ identityId, ...values })
    .onConflictDoUpdate({ target: dialogStates.identityId, set: values });
}
