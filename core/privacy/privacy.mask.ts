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
  return local.length === 11 ? `${local.slice(0, 3)}-${local.slice(3, 7)}-${local.slice(7)}` : `${local.slice(0, 3)}-${local.slice(3, 6)}-${local.slice(6)}`;
}

/**
 * Removes what looks like a phone number or a resident registration number from free text, for logs and for
 * anything that leaves for a model. Names cannot be found by pattern: callers replace the names they know.
 */
export function scrubPersonalData(text: string, knownNames: readonly string[] = []): string {
  let out = text
    .replace(/\d{6}\s*-\s*[1-8]\d{6}/g, '[주민번호]')
    .replace(/(?:\+?82[\s.-]?|0)1[016789][\s.-]?\d{3,4}[\s.-]?\d{4}/g, '[휴대전화]')
    .replace(/(?:\+?82[\s.-]?|0)(?:2|[3-6][1-5]|70)[\s.)-]?\d{3,4}[\s.-]?\d{4}/g, '[전화]');
  for (const name of knownNames) if (name.trim().length >= 2) out = out.split(name.trim()).join('[이름]');
  return out;
}
