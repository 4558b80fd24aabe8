/**
 * Command routing, pure: Korean commands with English aliases, tolerant of how people type ("등록", "등록할게요",
 * "/register", "REGISTER", "등록 해주세요"). Multi-word commands match with or without spaces. The words come from the
 * features' declarations (`core/features.ts`); this file knows none of them.
 */
export type CommandWords = { id: string; ko: readonly string[]; en: readonly string[]; where?: readonly string[] };
export type CommandMatch = { command: string; args: string };
/**
 * `place` (direct, group, staff_room) picks between two commands that share a word in different places ("연결 해제":
 * a village room's link in a group chat, a person's linked messenger 1:1). Without it, or where neither is used, the
 * first declared wins, so that the wrong-place answer can still explain where the command belongs.
 */
export type CommandMatcher = (input: string, place?: string) => CommandMatch | null;

const PUNCTUATION = '[.!?~。]*';

// What may follow a Korean command word and still mean the command: 할게요, 하고 싶어요, 해 주세요, 요, 을/를 …
const KOREAN_TAIL = /^(?:[하할해합했]\p{Script=Hangul}*|요|을|를|좀|신청\p{Script=Hangul}*)?$/u;
const POLITE_TAIL = /^(?:[하할해합]\S*|주세요|줘|싶어요|싶습니다|부탁\S*|좀)$/u;

type Candidate = { id: string; pattern: RegExp; ko: boolean; length: number; where: readonly string[] };

export function createCommandMatcher(specs: readonly CommandWords[]): CommandMatcher {
  // Longest words first, so "방송 보내기" wins over "방송" and "교육 신청 취소" over "교육 신청".
  const candidates: Candidate[] = specs
    .flatMap((spec) => [
      ...spec.ko.map((word) => ({ id: spec.id, pattern: koreanPattern(word), ko: true, length: word.length })),
      ...spec.en.map((word) => ({ id: spec.id, pattern: englishPattern(word), ko: false, length: word.length })),
    ])
    .map((c) => ({ ...c, where: specs.find((s) => s.id === c.id)?.where ?? [] }))
    // A stable sort keeps the declaration order among words of one length.
    .sort((a, b) => b.length - a.length);
  return (input, place) => {
    // Punctuation is ignored around the command word ("등록!", "help.") but kept in what follows it: an answer or a
    // broadcast ends with its own full stop.
    const text = input
      .trim()
      .replace(/^[/!]\s*/, '')
      .trim();
    if (text.length === 0) return null;
    let found: (CommandMatch & { length: number }) | null = null;
    for (const candidate of candidates) {
      if (found && candidate.length < found.length) break;
      const rest = candidate.ko ? stripKorean(text, candidate.pattern) : stripEnglish(text, candidate.pattern);
      if (rest === null) continue;
      if (place === undefined || candidate.where.includes(place)) return { command: candidate.id, args: rest };
      found ??= { command: candidate.id, args: rest, length: candidate.length };
    }
    return found && { command: found.command, args: found.args };
  };
}

function koreanPattern(word: string): RegExp {
  const words = word.split(/\s+/).map(escape).join('\\s*');
  return new RegExp(`^${words}(\\p{Script=Hangul}*)${PUNCTUATION}(?:\\s+([\\s\\S]*))?$`, 'u');
}

function englishPattern(word: string): RegExp {
  return new RegExp(`^${escape(word)}${PUNCTUATION}(?:\\s+([\\s\\S]*))?$`, 'iu');
}

function stripKorean(text: string, pattern: RegExp): string | null {
  const m = pattern.exec(text);
  if (!m) return null;
  if (!KOREAN_TAIL.test(m[1] ?? '')) return null;
  const args = (m[2] ?? '').trim();
  // "등록 해 주세요" — the rest is politeness, not an argument.
  if (
    args
      .replace(/[.!?~。]+$/u, '')
      .split(/\s+/)
      .every((w) => POLITE_TAIL.test(w))
  )
    return '';
  return args;
}

function stripEnglish(text: string, pattern: RegExp): string | null {
  const m = pattern.exec(text);
  return m ? (m[1] ?? '').trim() : null;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const CIRCLED = [...'①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳'];

/**
 * A reply to numbered choices: "1", "1번", "①", or the label itself (or a unique start of it, two letters or more).
 * Nothing else picks a choice: an empty reply, whitespace or punctuation alone is no answer (at a consent step that
 * would be consent).
 */
export function matchChoice(input: string, choices: readonly string[]): number | null {
  const text = input
    .trim()
    .replace(/[.!?~。]+$/u, '')
    .trim();
  if (text.length === 0) return null;
  const circled = CIRCLED.indexOf(text);
  const digits = /^(\d{1,3})\s*번?$/.exec(text);
  const number = circled >= 0 ? circled + 1 : digits ? Number(digits[1]) : null;
  if (number !== null) return number >= 1 && number <= choices.length ? number - 1 : null;
  const squash = (s: string) => s.replace(/\s+/g, '').toLowerCase();
  const typed = squash(text);
  if (!/[\p{L}\p{N}]/u.test(typed)) return null;
  const exact = choices.findIndex((c) => squash(c) === typed);
  if (exact >= 0) return exact;
  if ([...typed].length < 2) return null;
  const prefixed = choices.flatMap((c, i) => (squash(c).startsWith(typed) ? [i] : []));
  return prefixed.length === 1 ? (prefixed[0] ?? null) : null;
}

const YES = new Set([
  '네',
  '예',
  '응',
  '동의',
  '동의합니다',
  '동의해요',
  '동의함',
  '좋아요',
  '좋습니다',
  '맞아요',
  '맞습니다',
  'yes',
  'y',
]);
const NO = new Set([
  '아니요',
  '아니오',
  '아니',
  '아뇨',
  '싫어요',
  '동의안함',
  '동의하지않습니다',
  '동의안해요',
  'no',
  'n',
]);

/** A clear yes or no, said in words ("네", "동의합니다", "아니요"); anything else, including "동의 안 해요…?", is neither. */
export function matchYesNo(input: string): 'yes' | 'no' | null {
  const text = input
    .trim()
    .replace(/[.!?~。]+$/u, '')
    .replace(/\s+/g, '')
    .toLowerCase();
  if (YES.has(text)) return 'yes';
  if (NO.has(text)) return 'no';
  return null;
}
