/**
 * How personal data is shown to someone who may not see it in full (product brief: names are masked, 홍*동,
 * wherever the viewer is not staff or the head of the person's own village).
 */
export function maskName(name: string): string {
  const trimmed = name.trim();
  if (/^[\p{Script=Hangul}]+$/u.test(trimmed)) {
    const chars = [...trimmed];
    if (chars.length <= 1) return '*';
    if (chars.length === 2) return `${chars[0]}*`;
    return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
  }
  // Latin names (multicultural families): keep each word's first letter.
  return trimmed
    .split(/\s+/)
    .map((word) => {
      const chars = [...word];
      return `${chars[0] ?? ''}${'*'.repeat(Math.max(chars.length - 1, 1))}`;
    })
    .join(' ');
}

/** +821012345678 → 010-****-5678. */
export function maskMobile(e164: string): string {
  const local = `0${e164.replace(/^\+82/, '')}`;
  return `${local.slice(0, 3)}-****-${local.slice(-4)}`;
}

/** +821012345678 → 010-1234-5678, the way Koreans read a mobile number. */
export function formatMobile(e164: string): string {
  const local = `0${e164.replace(/^\+82/, '')}`;
  return local.length === 11
    ? `${local.slice(0, 3)}-${local.slice(3, 7)}-${local.slice(7)}`
    : `${local.slice(0, 3)}-${local.slice(3, 6)}-${local.slice(6)}`;
}

/**
 * Removes what looks like a phone number or a resident registration number from free text, for logs and for
 * anything that leaves for a model. Names cannot be found by pattern: callers replace the names they know.
 */
export function scrubPersonalData(text: string, knownNames: readonly string[] = []): string {
  // Not inside a longer run of digits: a Discord id (a 17–19 digit snowflake) is not a phone number.
  let out = text
    .replace(/(?<!\d)\d{6}\s*-\s*[1-8]\d{6}(?!\d)/g, '[주민번호]')
    .replace(/(?<![\d+])(?:\+?82[\s.-]?|0)1[016789][\s.-]?\d{3,4}[\s.-]?\d{4}(?!\d)/g, '[휴대전화]')
    .replace(/(?<![\d+])(?:\+?82[\s.-]?|0)(?:2|[3-6][1-5]|70)[\s.)-]?\d{3,4}[\s.-]?\d{4}(?!\d)/g, '[전화]');
  for (const name of knownNames) if (name.trim().length >= 2) out = out.split(name.trim()).join('[이름]');
  return out;
}

/**
 * What may leave for a model: phone and resident numbers, the names we know, and street addresses (road-name and
 * lot-number forms: "고성로 123", "중앙길 45-6", "고성리 123번지", "101동 202호") replaced by placeholders.
 */
export function scrubForModel(text: string, knownNames: readonly string[] = []): string {
  return scrubPersonalData(text, knownNames)
    .replace(/[\p{Script=Hangul}\d]+(?:로|길)\s*\d+(?:번길\s*\d+)?(?:-\d+)?(?:\s*번지)?/gu, '[주소]')
    .replace(/[\p{Script=Hangul}\d]+(?:리|동|가)\s*\d+(?:-\d+)?\s*번지/gu, '[주소]')
    .replace(/\d+\s*동\s*\d+\s*호/g, '[주소]');
}
