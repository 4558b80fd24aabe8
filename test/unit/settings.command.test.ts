import { expect, test } from 'vitest';
import { matchCommand } from '../../core/features.ts';
import { describeSettings } from '../../core/settings/settings.rules.ts';

test.each(['설정', '설정할게요', '/settings', 'SETTINGS', '알림 설정', '환경설정'])(
  '"%s" opens the settings',
  (text) => {
    expect(matchCommand(text)?.command).toBe('settings');
  },
);

test('the current settings read the Korean way, an empty quiet window as "none"', () => {
  expect(
    describeSettings({ broadcastMode: 'digest', digestTime: '07:00', quietStart: '00:00', quietEnd: '00:00' }),
  ).toEqual([
    '· 마을방송: 하루 한 번 07:00에 모아 받기',
    '· 모아 받는 시각: 07:00',
    '· 알림 쉬는 시간: 없음 (언제든 받기)',
  ]);
});
