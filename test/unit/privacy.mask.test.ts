import { describe, expect, test } from 'vitest';
import { createCipher } from '../../core/privacy/cipher.ts';
import { formatMobile, maskMobile, maskName, scrubPersonalData } from '../../core/privacy/privacy.mask.ts';
import { nextAttemptDelayMs } from '../../core/delivery/delivery.backoff.ts';
import { formatKoreanDateTime } from '../../core/time/korean.format.ts';

describe('names and numbers shown to those who may not see them', () => {
  test.each([
    ['홍길동', '홍*동'],
    ['남궁민수', '남**수'],
    ['김철', '김*'],
    ['Nguyen Thi Lan', 'N***** T** L**'],
  ])('%s → %s', (name, masked) => expect(maskName(name)).toBe(masked));

  test('mobile numbers', () => {
    expect(maskMobile('+821012345678')).toBe('010-****-5678');
    expect(formatMobile('+821012345678')).toBe('010-1234-5678');
  });

  test('free text loses phone and resident numbers and known names', () => {
    expect(scrubPersonalData('홍길동입니다 010-1234-5678, 집 055-670-2114, 900101-1234567', ['홍길동'])).toBe(
      '[이름]입니다 [휴대전화], 집 [전화], [주민번호]',
    );
  });

  test.each([
    ['a Discord id stays readable', 'event 1157420123456789068 handled', 'event 1157420123456789068 handled'],
    ['+82 numbers are scrubbed', 'call +82 10 1234 5678 now', 'call [휴대전화] now'],
    ['a number glued to text is scrubbed', '번호는01012345678입니다', '번호는[휴대전화]입니다'],
  ])('%s', (_name, text, expected) => {
    expect(scrubPersonalData(text)).toBe(expected);
  });
});

describe('encryption at rest', () => {
  const cipher = createCipher(Buffer.alloc(32, 1));
  test('a sealed value opens to the same text, and never contains it', () => {
    const sealed = cipher.encrypt('+821012345678');
    expect(sealed).not.toContain('1012345678');
    expect(cipher.decrypt(sealed)).toBe('+821012345678');
    expect(cipher.encrypt('+821012345678')).not.toBe(sealed);
  });
  test('a tampered value does not open', () => {
    const sealed = cipher.encrypt('비밀');
    const parts = sealed.split(':');
    parts[2] = Buffer.from('다른').toString('base64');
    expect(() => cipher.decrypt(parts.join(':'))).toThrow();
  });
  test('the blind index is stable for one key and differs across keys', () => {
    expect(cipher.blindIndex('x')).toBe(cipher.blindIndex('x'));
    expect(createCipher(Buffer.alloc(32, 2)).blindIndex('x')).not.toBe(cipher.blindIndex('x'));
  });
});

describe('retry timing', () => {
  test.each([
    [1, undefined, 0.5, 2_000],
    [2, undefined, 0.5, 4_000],
    [20, undefined, 0.5, 600_000],
    [1, 30_000, 0.5, 30_000],
    [1, undefined, 0, 1_600],
    [1, undefined, 1, 2_400],
  ])('attempt %i, Retry-After %s ms → %i ms', (attempts, retryAfter, random, expected) => {
    expect(nextAttemptDelayMs(attempts, retryAfter, () => random)).toBe(expected);
  });
});

test('dates read the Korean way in the county time zone', () => {
  expect(formatKoreanDateTime(new Date('2026-11-12T05:00:00Z'), 'Asia/Seoul')).toBe('11.12.(목) 14:00');
});
