import type { DbOrTx } from '../../db/db.client.ts';
import { findSettings, saveSettings } from './settings.repository.ts';
import { checkChange, type MemberSettings, type SettingsChange } from './settings.rules.ts';

/**
 * 설정: a member's settings, read and changed. Each usecase takes one object and returns a named result; nobody else
 * is told of a change (it only decides how this person's own messages reach them).
 */
export {
  DIGEST_TIMES,
  describeSettings,
  QUIET_WINDOWS,
  type MemberSettings,
  type SettingsChange,
} from './settings.rules.ts';

export type LoadSettingsResult = { kind: 'found'; settings: MemberSettings } | { kind: 'not_found' };

export async function loadSettings(input: { tx: DbOrTx; memberId: number }): Promise<LoadSettingsResult> {
  const settings = await findSettings(input.tx, input.memberId);
  return settings ? { kind: 'found', settings } : { kind: 'not_found' };
}

export type UpdateSettingsResult =
  | { kind: 'updated'; settings: MemberSettings }
  | { kind: 'not_resident' }
  | { kind: 'invalid' }
  | { kind: 'not_found' };

/** A change the dialog offers; the broadcast mode and digest time only for an approved resident. */
export async function updateSettings(input: {
  tx: DbOrTx;
  member: { memberId: number; registrationStatus: string | null | undefined };
  change: SettingsChange;
}): Promise<UpdateSettingsResult> {
  const checked = checkChange(input.change, input.member.registrationStatus);
  if (checked !== 'ok') return { kind: checked };
  await saveSettings(input.tx, input.member.memberId, input.change);
  return loadSettings({ tx: input.tx, memberId: input.member.memberId }).then((r) =>
    r.kind === 'found' ? { kind: 'updated', settings: r.settings } : r,
  );
}
