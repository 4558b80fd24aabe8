/** What a person may choose in 설정, and how their settings read: pure, no database. */
export type MemberSettings = {
  broadcastMode: 'instant' | 'digest';
  digestTime: string;
  quietStart: string;
  quietEnd: string;
};

export type SettingsChange =
  { broadcastMode: 'instant' | 'digest' } | { digestTime: string } | { quietStart: string; quietEnd: string };

/** The times a digest may be chosen for, and the quiet windows offered; few, so that a number answers. */
export const DIGEST_TIMES = ['07:00', '12:00', '18:00', '20:00'] as const;
export const QUIET_WINDOWS = [
  { label: '밤 9시 ~ 아침 7시 (기본)', start: '21:00', end: '07:00' },
  { label: '밤 10시 ~ 아침 6시', start: '22:00', end: '06:00' },
  { label: '밤 8시 ~ 아침 8시', start: '20:00', end: '08:00' },
  { label: '쉬는 시간 없이 받기', start: '00:00', end: '00:00' },
] as const;

/** Digests are of one's village's broadcasts: only a resident whose registration was approved has a village. */
export function mayChooseDigest(registrationStatus: string | null | undefined): boolean {
  return registrationStatus === 'approved';
}

/**
 * Whether a change is one the dialog offers, and the person may make: a time or a window from the lists, the
 * broadcast mode and digest time only for an approved resident. A second entry point is held to the same offers.
 */
export function checkChange(
  change: SettingsChange,
  registrationStatus: string | null | undefined,
): 'ok' | 'not_resident' | 'invalid' {
  if ('quietStart' in change)
    return QUIET_WINDOWS.some((w) => w.start === change.quietStart && w.end === change.quietEnd) ? 'ok' : 'invalid';
  if ('digestTime' in change && !(DIGEST_TIMES as readonly string[]).includes(change.digestTime)) return 'invalid';
  if ('broadcastMode' in change && change.broadcastMode !== 'instant' && change.broadcastMode !== 'digest')
    return 'invalid';
  return mayChooseDigest(registrationStatus) ? 'ok' : 'not_resident';
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
