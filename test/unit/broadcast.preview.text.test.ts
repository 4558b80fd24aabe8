import { describe, expect, test } from 'vitest';
import { previewText } from '../../core/broadcasts/broadcast.dialog.ts';
import type { BroadcastPreview } from '../../core/broadcasts/broadcast.preview.ts';
import { noticePreviewText } from '../../core/notices/notice.dialog.ts';
import type { NoticePreview } from '../../core/notices/notice.preview.ts';
import { findTextProblems } from '../../core/text/korean.text.ts';

const tz = 'Asia/Seoul';
const at = (iso: string) => new Date(iso);

const broadcast: BroadcastPreview = {
  kind: 'preview',
  places: '고성읍 고성1리, 고성2리',
  people: [
    { platform: 'line', count: 812 },
    { platform: 'discord', count: 40 },
  ],
  peopleTotal: 852,
  residentsTotal: 850,
  others: 2,
  digest: 7,
  groupChats: [
    { platform: 'line', count: 10 },
    { platform: 'discord', count: 2 },
  ],
  groupChatsTotal: 12,
  held: { count: 3, first: at('2026-11-24T22:00:00Z'), last: at('2026-11-24T23:00:00Z') },
  urgent: false,
  sendAt: at('2026-11-24T13:00:00Z'),
  scheduled: true,
  message: { text: '[마을방송]\n내일 대청소가 있습니다\n— 고성읍사무소 · 11.24.(화) 22:00' },
};

describe('the preview reads as a person would say it', () => {
  test('a broadcast preview names the scope, the residents and chats by platform, the quiet hours and the time', () => {
    const text = previewText(broadcast, tz);
    expect(text).toContain(
      '받는 분: 주민 850명 · 이장님·담당자 2명 — LINE 812명 · Discord 40명 · 마을 단체방 12곳(LINE 10곳 · Discord 2곳)',
    );
    expect(text).toContain('쉬는 시간: 3명은 쉬는 중이라 11.25.(수) 07:00~11.25.(수) 08:00에 전해집니다.');
    expect(text).toContain('보낼 때: 11.24.(화) 22:00 (예약)');
    expect(text).toContain('하루 한 번 모아 받기를 고른 7명께는 정하신 시각에 모아서 전합니다.');
    expect(findTextProblems(text)).toEqual([]);
    const urgent = previewText({ ...broadcast, urgent: true, held: { count: 0, first: null, last: null } }, tz);
    expect(findTextProblems(urgent)).toEqual([]);
  });

  test('a notice preview names the heads by platform, the villages it cannot reach and the deadline', () => {
    const notice: NoticePreview = {
      kind: 'preview',
      places: '고성군 전체',
      villages: 263,
      villagesWithoutHead: 1,
      heads: [
        { platform: 'line', count: 200 },
        { platform: 'discord', count: 61 },
      ],
      headsTotal: 262,
      unreachable: 1,
      held: { count: 0, first: null, last: null },
      high: false,
      deadline: at('2026-11-25T09:00:00Z'),
      autoRelayChats: 4,
      card: '[고성군 공지]\n회의가 있습니다\n— 고성군청 · 11.24.(화) 10:00',
    };
    const text = noticePreviewText(notice, tz);
    expect(text).toContain('받는 분: 이장님 262명 — LINE 200명 · Discord 61명');
    expect(text).toContain('연락이 닿지 않는 이장님 1명께는 전해지지 않습니다.');
    expect(text).toContain('이장이 없는 마을 1곳에는 전해지지 않습니다.');
    expect(text).toContain('확인 기한: 11.25.(수) 18:00');
    expect(findTextProblems(text)).toEqual([]);
  });
});
