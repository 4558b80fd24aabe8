/** Pure checks of what a person types during registration; each failure says in Korean what to do instead. */
export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

export function checkRealName(input: string): Checked<string> {
  const name = input.trim().replace(/\s+/g, ' ');
  if (name.length === 0) return { ok: false, message: '이름이 비어 있습니다. 실명을 입력해 주세요. (예: 홍길동)' };
  if (/\d/.test(name))
    return { ok: false, message: '이름에는 숫자를 쓸 수 없습니다. 실명을 한글이나 영문으로 입력해 주세요.' };
  const length = [...name].length;
  if (length < 2) return { ok: false, message: '이름은 2자 이상이어야 합니다. 실명을 입력해 주세요.' };
  if (length > 20) return { ok: false, message: `이름은 20자 이내로 입력해 주세요. (지금 ${length}자)` };
  const hangul = /^[\p{Script=Hangul}]+$/u.test(name);
  const latin = /^[A-Za-z][A-Za-z .'-]*[A-Za-z.]$/.test(name);
  if (!hangul && !latin)
    return { ok: false, message: '이름은 한글 또는 영문으로만 입력해 주세요. (예: 홍길동, Nguyen Thi Lan)' };
  return { ok: true, value: name };
}

/**
 * Korean mobile numbers (010, and the older 011/016/017/018/019) normalised to E.164 (+8210…). Landlines and
 * anything malformed get an explanation of what is accepted.
 */
export function checkMobile(input: string): Checked<string> {
  const raw = input.trim();
  if (raw.length === 0) return { ok: false, message: '휴대전화 번호가 비어 있습니다. (예: 010-1234-5678)' };
  if (/[^\d\s().+-]/.test(raw))
    return { ok: false, message: '휴대전화 번호는 숫자로만 입력해 주세요. (예: 010-1234-5678)' };
  let digits = raw.replace(/\D/g, '');
  if (raw.startsWith('+82') || (digits.startsWith('82') && digits.length >= 11))
    digits = `0${digits.replace(/^82/, '').replace(/^0/, '')}`;
  if (/^0(2|[3-6][1-5]|70|80)/.test(digits) && !digits.startsWith('01'))
    return {
      ok: false,
      message: '집 전화나 사무실 전화는 등록할 수 없습니다. 알림을 받으실 휴대전화 번호(010으로 시작)를 입력해 주세요.',
    };
  if (/^010\d{8}$/.test(digits) || /^01[16789]\d{7,8}$/.test(digits))
    return { ok: true, value: `+82${digits.slice(1)}` };
  return {
    ok: false,
    message: '휴대전화 번호 형식이 맞지 않습니다. 010으로 시작하는 11자리로 입력해 주세요. (예: 010-1234-5678)',
  };
}
