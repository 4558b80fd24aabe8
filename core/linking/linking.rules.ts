/**
 * 연결: one person on several platforms, as pure rules — the code, its limits, which member is kept when two become
 * one, and how the linked platforms read. No database, no clock of its own.
 */

export const CODE_DIGITS = 6;
export const CODE_TTL_MINUTES = 10;
/** Wrong codes one account may type in an hour before 연결 stops taking codes from it for the rest of that hour. */
export const WRONG_PER_IDENTITY_PER_HOUR = 5;
/**
 * Wrong codes typed anywhere while a code is live, after which it is void. A wrong code is a guess at every live
 * code, so this bounds the guesses any one code can take (from many accounts) at 10 in 1,000,000; it is above the
 * per-account limit so that one person typing wrong codes cannot void everyone else's.
 */
export const WRONG_PER_CODE = 10;

export type LinkArgs = { kind: 'issue' } | { kind: 'redeem'; code: string } | { kind: 'invalid' };

/** `연결` alone asks for a code; `연결 123 456` / `연결 123-456` redeems one; anything else is no code. */
export function parseLinkArgs(args: string): LinkArgs {
  const squashed = args.replace(/[\s-]+/g, '');
  if (squashed === '') return { kind: 'issue' };
  if (new RegExp(`^\\d{${CODE_DIGITS}}$`).test(squashed)) return { kind: 'redeem', code: squashed };
  return { kind: 'invalid' };
}

/** A random number in [0, 10^6) becomes the six digits the person reads and types. */
export function formatCode(n: number): string {
  return String(Math.trunc(Math.abs(n)) % 10 ** CODE_DIGITS).padStart(CODE_DIGITS, '0');
}

/** "123 456": easier to read aloud and copy; typed with or without the space. */
export function spacedCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

export function expiresAt(now: Date): Date {
  return new Date(now.getTime() + CODE_TTL_MINUTES * 60_000);
}

export function hourAgo(now: Date): Date {
  return new Date(now.getTime() - 60 * 60_000);
}

/** What a member is, for choosing which one is kept. */
export type MemberFacts = {
  memberId: number;
  registration: 'pending' | 'approved' | null;
  roles: number;
};

export type KeepDecision = { kind: 'keep'; keep: number; absorb: number } | { kind: 'both_registered' };

/**
 * Which member the other is merged into: the one that holds the registration (pending or approved); else the one
 * with roles; else the older member (the lower id). Two registrations are never merged: a number is registered once
 * (the `registrations_one_active_per_mobile_uq` index), so two open registrations are two numbers, and choosing one
 * would silently drop a name and a number the person gave; they withdraw one (탈퇴 on that platform) and link then.
 */
export function chooseKeeper(a: MemberFacts, b: MemberFacts): KeepDecision {
  if (a.registration && b.registration) return { kind: 'both_registered' };
  const score = (m: MemberFacts) => (m.registration ? 2 : 0) + (m.roles > 0 ? 1 : 0);
  const [keep, absorb] =
    score(a) !== score(b) ? (score(a) > score(b) ? [a, b] : [b, a]) : a.memberId < b.memberId ? [a, b] : [b, a];
  return { kind: 'keep', keep: keep.memberId, absorb: absorb.memberId };
}

/**
 * Identities made from the registration rather than linked by a code (a phone identity is the registered number):
 * they follow the registration, are never unlinked by 연결 끊기, and do not count as "another messenger".
 */
export const NOT_LINKED_BY_CODE: readonly string[] = ['phone'];

export function linkedByCode(platform: string): boolean {
  return !NOT_LINKED_BY_CODE.includes(platform);
}

/** Platform names as people read them; a platform not listed reads as its id. */
export const PLATFORM_LABELS: Readonly<Record<string, string>> = {
  websim: '시뮬레이터',
  line: 'LINE',
  discord: 'Discord',
  kakao: '카카오톡',
  phone: '전화·문자',
};

export function platformLabel(platform: string): string {
  return PLATFORM_LABELS[platform] ?? platform;
}

/** A platform named in `연결 끊기 LINE` / `연결 끊기 라인`: its id, if one of the person's. */
export function platformNamed(text: string, platforms: readonly string[]): string | null {
  const typed = text.replace(/\s+/g, '').toLowerCase();
  if (!typed) return null;
  const aliases: Record<string, readonly string[]> = { line: ['라인'], discord: ['디스코드'], kakao: ['카카오'] };
  const found = platforms.find((p) =>
    [p, platformLabel(p), ...(aliases[p] ?? [])].some((name) => name.replace(/\s+/g, '').toLowerCase() === typed),
  );
  return found ?? null;
}

/** The linked platforms, in the person's order: "1. LINE (지금 쓰시는 곳)". */
export function describeLinked(platforms: readonly string[], current: string): string[] {
  return platforms.map((p, i) => `${i + 1}. ${platformLabel(p)}${p === current ? ' (지금 쓰시는 곳)' : ''}`);
}

/** The person's new order with `first` in front and the others as they were: ranks 1…n by identity id. */
export function reorder(orderedIds: readonly number[], first: number): { id: number; rank: number }[] {
  const rest = orderedIds.filter((id) => id !== first);
  return [first, ...rest].map((id, i) => ({ id, rank: i + 1 }));
}
