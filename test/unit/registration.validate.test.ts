import { describe, expect, test } from 'vitest';
import { checkMobile, checkRealName } from '../../core/registration/registration.validate.ts';

describe('real names', () => {
  test.each([
    ['홍길동', '홍길동'],
    ['  남궁 민수 ', null],
    ['Nguyen Thi Lan', 'Nguyen Thi Lan'],
    ['김', null],
    ['', null],
    ['홍길동1', null],
    ['가'.repeat(20), '가'.repeat(20)],
    ['가'.repeat(21), null],
    ['홍길동!', null],
  ])('%j → %j', (input, expected) => {
    const result = checkRealName(input);
    expect(result.ok ? result.value : null).toBe(expected);
    if (!result.ok) expect(result.message).toMatch(/[가-힣]/);
  });
});

describe('mobile numbers are normalised to +82', () => {
  test.each([
    ['010-1234-5678', '+821012345678'],
    ['01012345678', '+821012345678'],
    ['010 1234 5678', '+821012345678'],
    ['+82 10-1234-5678', '+821012345678'],
    ['82-10-1234-5678', '+821012345678'],
    ['011-123-4567', '+82111234567'],
  ])('%s → %s', (input, expected) => {
    expect(checkMobile(input)).toEqual({ ok: true, value: expected });
  });

  test.each([
    ['02-123-4567', '집 전화'],
    ['055-670-2114', '집 전화'],
    ['070-1234-5678', '집 전화'],
    ['010-1234', '형식이 맞지 않습니다'],
    ['010-1234-56789', '형식이 맞지 않습니다'],
    ['공일공', '숫자로만'],
    ['', '비어 있습니다'],
  ])('%s is refused (%s)', (input, reason) => {
    const result = checkMobile(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(reason);
  });
});
