import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { members } from '../../db/schema/index.ts';

export type MemberSettings = {
  broadcastMode: 'instant' | 'digest';
  digestTime: string;
  quietStart: string;
  quietEnd: string;
};

/** The times a digest may be chosen for, and the quiet windows offered; few, so that a number answers. */
export const DIGEST_TIMES = ['07:00', '12:00', '18:00', '20:00'] as const;
export const QUIET_WINDOWS = [
  { label: '밤 9시 ~ 아침 7시 (기본)', start: '21:00', end: '07:00' },
  { label: '밤 10시 ~ 아침 6시', start: '22:00', end: '06:00' },
  { label: '밤 8시 ~ 아침 8시', start: '20:00', end: '08:00' },
  { label: '쉬는 시간 없이 받기', start: '00:00', end: '00:00' },
] as const;

export async function loadSettings(tx: DbOrTx, memberId: number): Promise<MemberSettings> {
  const [row] = await tx
    .select({
      broadcastMode: members.broadcastMode,
      digestTime: members.digestTime,
      quietStart: members.quietStart,
      quietEnd: members.quietEnd,
    })
    .from(members)
    .where(eq(members.id, memberId));
  if (!row) throw new Error('member not found');
  return row;
}

export type SettingsChange =
  { broadcastMode: 'instant' | 'digest' } | { digestTime: string } | { quietStart: string; quietEnd: string };

export async function updateSettings(input: {
  tx: DbOrTx;
  memberId: number;
  change: SettingsChange;
}): Promise<MemberSettings> {
  await input.tx.update(members).set(input.change).where(eq(members.id, input.memberId));
  return loadSettings(input.tx, input.memberId);
}

/** "밤 9시 ~ 아침 7시" style is for choices; the summary shows the plain times. */
export function describeSettings(s: MemberSettings): string[] {
  const quiet = s.quietStart === s.quietEnd ? '없음 (언제든 받기)' : `${s.quietStart} ~ ${s.quietEnd}`;
  return [
    `· 마을방송: ${s.broadcastMode === 'digest' ? `하루 한 번 ${s.digestTime}에 모아 받기` : '즉시 받기'}`,
    `· 모아 받는 시각: ${s.digestTime}`,
    `· 알림 쉬는 시간: ${quiet}`,
  ];
}
