import { describe, expect, test } from 'vitest';
import { quietUntilOn } from '../../core/delivery/quiet.hours.ts';
import {
  clipToBytes,
  costInWords,
  estimateCost,
  eucKrBytes,
  fitPhoneText,
  fitVoiceText,
  isOptOutReply,
  LMS_MAX_BYTES,
  nextCallDelayMinutes,
} from '../../core/phone/phone.rules.ts';

describe('EUC-KR bytes', () => {
  test.each([
    ['abc', 3],
    ['가나다', 6],
    ['마을방송 1', 10],
    ['똠방각하', 8], // syllables outside KS X 1001's 2,350: CP949 still counts 2
    ['🙂', 2], // cannot be encoded: counted as 2 so a text is never over
    ['?', 1],
  ])('%s is %i bytes', (text, bytes) => expect(eucKrBytes(text)).toBe(bytes));

  test('clipping never cuts a syllable in half', () => {
    expect(clipToBytes('가나다', 5)).toBe('가나');
  });
});

describe('the form a text goes in', () => {
  test.each([
    ['가'.repeat(45), 'sms'],
    ['가'.repeat(46), 'lms'],
    ['a'.repeat(90), 'sms'],
    ['a'.repeat(91), 'lms'],
  ])('%#: %s… is %s', (text, kind) => expect(fitPhoneText(text, '').kind).toBe(kind));

  test('an LMS subject is the first line without brackets, within 40 bytes', () => {
    const fitted = fitPhoneText(`[마을방송·긴급 안내 말씀 드립니다 꼭 읽어 주세요]\n${'본문 '.repeat(30)}`, '');
    expect(fitted.kind === 'lms' && eucKrBytes(fitted.subject)).toBeLessThanOrEqual(40);
    expect(fitted.kind === 'lms' && fitted.subject.startsWith('마을방송')).toBe(true);
  });

  test('a text over 2,000 bytes is shortened to fit, ending with where to read or hear it all', () => {
    const fitted = fitPhoneText('가'.repeat(1_500), '전체 내용 다시 듣기 ☎ 033-680-3000');
    expect(eucKrBytes(fitted.text)).toBeLessThanOrEqual(LMS_MAX_BYTES);
    expect(fitted.text.endsWith('…(이하 생략) 전체 내용 다시 듣기 ☎ 033-680-3000')).toBe(true);
  });

  test('a call reads the text without brackets or line breaks', () => {
    expect(fitVoiceText('[마을방송·긴급]\n태풍이 옵니다', '')).toBe('마을방송·긴급 태풍이 옵니다');
  });
});

describe('calls', () => {
  test.each([
    [1, 3],
    [2, 15],
    [3, null],
  ])('after attempt %i unanswered, the next in %s minutes', (attempt, minutes) =>
    expect(nextCallDelayMinutes(attempt)).toBe(minutes),
  );
});

describe('opt-out replies', () => {
  test.each([
    ['거부', true],
    [' 수신거부 ', true],
    ['수신 거부.', true],
    ['STOP', true],
    ['거부하지 않습니다', false],
    ['네', false],
  ])('%s → %s', (text, expected) => expect(isOptOutReply(text)).toBe(expected));
});

describe('cost', () => {
  const prices = { sms: 20, lms: 50, voice: 60, kakao: 15 };
  test('counts by channel at their unit prices, channels with none left out', () => {
    expect(estimateCost({ sms: 10, voice: 2, kakao: 0 }, prices)).toEqual([
      { channel: 'sms', count: 10, won: 200 },
      { channel: 'voice', count: 2, won: 120 },
    ]);
    expect(costInWords(estimateCost({ sms: 37_000 }, prices))).toEqual([
      '문자(SMS) 37,000건 · 약 740,000원',
      '예상 비용 합계 약 740,000원',
    ]);
  });
});

describe('phone quiet hours', () => {
  const window = { start: '21:00', end: '07:00' };
  const at = (kst: string) => new Date(`2026-11-24T${kst}:00+09:00`);
  test.each([
    ['phone', '07:30', false, '2026-11-24T08:00:00+09:00'],
    ['line', '07:30', false, null],
    ['phone', '22:00', false, '2026-11-25T08:00:00+09:00'],
    ['line', '22:00', false, '2026-11-25T07:00:00+09:00'],
    ['phone', '22:00', true, null],
    ['phone', '12:00', false, null],
  ])('%s at %s (urgent %s) waits until %s', (platform, time, urgent, until) => {
    const held = quietUntilOn(platform, { now: at(time), window, timeZone: 'Asia/Seoul', urgent });
    expect(held?.getTime() ?? null).toBe(until ? new Date(until).getTime() : null);
  });

  test('someone who chose no quiet hours gets the phone at night too', () => {
    const none = { start: '00:00', end: '00:00' };
    expect(quietUntilOn('phone', { now: at('22:00'), window: none, timeZone: 'Asia/Seoul', urgent: false })).toBeNull();
  });
});
