import { expect, test } from 'vitest';
import { checkChange, describeSettings, type SettingsChange } from '../../core/settings/settings.rules.ts';

test.each([
  ['a resident chooses digests', { broadcastMode: 'digest' }, 'approved', 'ok'],
  ['a pending applicant chooses digests', { broadcastMode: 'digest' }, 'pending', 'not_resident'],
  ['a pending applicant chooses a digest time', { digestTime: '07:00' }, 'pending', 'not_resident'],
  ['a resident chooses an offered time', { digestTime: '18:00' }, 'approved', 'ok'],
  ['a resident chooses a time never offered', { digestTime: '03:00' }, 'approved', 'invalid'],
  ['a pending applicant changes quiet hours', { quietStart: '22:00', quietEnd: '06:00' }, 'pending', 'ok'],
  ['anyone turns quiet hours off', { quietStart: '00:00', quietEnd: '00:00' }, null, 'ok'],
  ['a window never offered', { quietStart: '13:00', quietEnd: '14:00' }, 'approved', 'invalid'],
] as const)('%s → %s', (_case, change, status, expected) => {
  expect(checkChange(change as SettingsChange, status)).toBe(expected);
});

test('the current settings read the Korean way, instant broadcasts and a quiet window', () => {
  expect(
    describeSettings({ broadcastMode: 'instant', digestTime: '18:00', quietStart: '21:00', quietEnd: '07:00' }),
  ).toEqual(['· 마을방송: 즉시 받기', '· 모아 받는 시각: 18:00', '· 알림 쉬는 시간: 21:00 ~ 07:00']);
});
