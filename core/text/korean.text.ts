import { josa as esJosa, numberToHangul } from 'es-hangul';

/** The particle pairs our messages use, as es-hangul spells them (with a final consonant / without). */
export type Particle = '이/가' | '을/를' | '은/는' | '으로/로' | '와/과' | '이나/나' | '이라/라' | '이에요/예요';

/**
 * Names that are read as a word, not letter by letter. es-hangul reads an all-capital word by its last letter
 * ("LINE" as …이, so "LINE를"); people say 라인. Lower-case keys; the value is the Korean reading.
 */
const latinReadings: Record<string, string> = {
  line: '라인',
  discord: '디스코드',
  kakao: '카카오',
  kakaotalk: '카카오톡',
  web: '웹',
  chat: '챗',
  email: '이메일',
  csv: '시에스브이',
  pdf: '피디에프',
  ics: '아이시에스',
  url: '유알엘',
  qr: '큐알',
  ai: '에이아이',
};

/** A syllable standing for a final sound: none, ㄹ (which takes 로, not 으로), or another consonant. */
const NO_FINAL = '가';
const FINAL_RIEUL = '갈';
const OTHER_FINAL = '각';

/** Brackets, quotes and stops a noun may be closed by; the particle follows what is inside. */
const CLOSERS = /[\s」』"'”’)\]>.,!?…·~-]+$/u;

/**
 * The final sound of an English word by its spelling, for words not in `latinReadings` (a documented rule, as
 * the 국립국어원's 외래어 표기법 would write them): a silent e is dropped ("phone" 폰, "Google" 구글); -l, -le is ㄹ;
 * -m, -n, -ng, and a short -k, -p, -t keep their consonant ("Zoom" 줌, "chat" 챗); every other ending is written with a
 * vowel after it ("Discord" 디스코드, "Nike" 나이키) and takes the particle of a word without one.
 */
function englishFinal(word: string): string {
  const w = word.toLowerCase();
  if (/(le|l)$/.test(w)) return FINAL_RIEUL;
  const stem = /[^aeiou]e$/.test(w) && !/(ke|pe|te)$/.test(w) ? w.slice(0, -1) : w;
  if (/(m|n|ng|ck|[aeiou]k|[aeiou]p|[aeiou]t)$/.test(stem)) return OTHER_FINAL;
  return NO_FINAL;
}

/** "14:00" is read 열네 시 (no final consonant); "14:30" 열네 시 삼십 분 (ㄴ). */
function timeFinal(minutes: string): string {
  return /^0+$/.test(minutes) ? NO_FINAL : OTHER_FINAL;
}

/**
 * What decides the particle of `noun`: a Hangul syllable (or a stand-in for its final sound). es-hangul looks only at
 * the last character, reads a digit or a bracket as a word without a final consonant ("1를", "「한글 교실」를") and
 * Latin letters only when all are capitals, letter by letter; what it lacks is added here. Quotes and 「」 are
 * looked through (「스마트폰 기초」 by 초) and a bracketed aside is skipped; a number is read the Sino-Korean way
 * (#4 사, 10 십, GS-2026-0001 일, 1.5 오), a time by its last unit; Latin letters by `latinReadings`, then letter
 * names for an all-capital word (es-hangul's rule), then `englishFinal`. Anything else is left to es-hangul.
 */
function readingTail(noun: string): string {
  // A bracket is an aside: the particle follows the word before it (번호(010으로 시작)를, 1일(화)은).
  const aside = /^(.*[^\s(])\s*\([^()]*\)[\s.,]*$/su.exec(noun);
  if (aside) return readingTail(aside[1] ?? '');
  const bare = noun.replace(CLOSERS, '');
  const time = /\d{1,2}:(\d{2})$/.exec(bare);
  if (time) return timeFinal(time[1] ?? '');
  const digits = /(\d[\d,]*)(?:\.(\d+))?$/.exec(bare);
  if (digits) {
    // After a decimal point digits are read one by one (1.5 일 점 오); a whole number by its last 15 digits,
    // which decide its last syllable and stay a safe integer.
    if (digits[2]) return numberToHangul(Number(digits[2].at(-1)));
    return numberToHangul(Number((digits[1] ?? '').replace(/,/g, '').slice(-15)));
  }
  const latin = /[A-Za-z]+$/.exec(bare);
  if (latin) {
    const word = latin[0];
    const known = latinReadings[word.toLowerCase()];
    if (known) return known;
    if (/^[A-Z]+$/.test(word)) return esJosa(word, '이/가').endsWith('이') ? OTHER_FINAL : NO_FINAL;
    return englishFinal(word);
  }
  return bare.at(-1) ?? '';
}

/** The particle alone, chosen for `noun`. */
export function pickParticle(noun: string | number, particle: Particle): string {
  const tail = readingTail(String(noun));
  return tail ? esJosa.pick(tail, particle) : (particle.split('/')[1] ?? '');
}

/** `noun` with its particle: josa('「스마트폰 기초」', '을/를') → '「스마트폰 기초」를', josa('#4', '을/를') → '#4를'. */
export function josa(noun: string | number, particle: Particle): string {
  return `${noun}${pickParticle(noun, particle)}`;
}

export type TextProblem = { kind: 'fallback' | 'particle' | 'repeat'; at: string; hint: string };

const FALLBACK = /을\(를\)|를\(을\)|이\(가\)|가\(이\)|은\(는\)|는\(은\)|\(으\)로|\(이\)라|와\(과\)|과\(와\)|\(이\)나/g;

const PAIRS: Record<string, Particle> = {
  을: '을/를',
  를: '을/를',
  이: '이/가',
  가: '이/가',
  은: '은/는',
  는: '은/는',
  으로: '으로/로',
  로: '으로/로',
  과: '와/과',
  와: '와/과',
};

/** Counters after a number: "30명이" is checked, an ordinary word before a particle is not (it may be a verb). */
const UNITS = '명|건|곳|개|번째|번|일|시간|시|분|회|차|년|월|주|자|원|층|행|리|점';

/**
 * A particle after something whose reading is certain: a title in 「」, a quotation, a bracket, a number, a number
 * with its counter, or a known Latin name. It must end the word (a space, a stop or the end follows).
 */
const PARTICLE_AFTER_NOUN = new RegExp(
  `(?:[」』"”)]|\\d(?:${UNITS})?|[A-Za-z]+)(으로|을|를|이|가|은|는|과|와|로)(?=[\\s.,!?:;"'”’)\\]]|$)`,
  'gu',
);

/** Words that may sit between a noun and its repetition in a label ("의견 새 의견"). */
const SHORT_WORD = /^[가-힣]{1,2}$/u;

/**
 * What a person would notice in a message the bot sends: an "을(를)"-style fallback, a particle that does not fit
 * the noun before it, and a word said twice ("신청 신청 1명") or a label repeating its own noun ("의견 새 의견 1건").
 */
export function findTextProblems(text: string): TextProblem[] {
  const problems: TextProblem[] = [];
  for (const m of text.matchAll(FALLBACK))
    problems.push({ kind: 'fallback', at: around(text, m.index, m[0].length), hint: 'josa()로 조사를 고르세요' });
  for (const m of text.matchAll(PARTICLE_AFTER_NOUN)) {
    const written = m[1] ?? '';
    const start = m.index + m[0].length - written.length;
    const noun = text.slice(0, start);
    const latin = /[A-Za-z]+$/.exec(noun)?.[0];
    if (latin && !latinReadings[latin.toLowerCase()] && !/^[A-Z]{1,5}$/.test(latin)) continue;
    const pair = PAIRS[written];
    if (!pair) continue;
    const right = pickParticle(noun, pair);
    if (right !== written)
      problems.push({ kind: 'particle', at: around(text, start, written.length), hint: `"${written}" → "${right}"` });
  }
  // A quoted command ("교육 취소 1") after its label (취소:) is an example to type, not a repetition.
  for (const line of text.replace(/"[^"\n]*"/g, '"…"').split('\n')) {
    const words = line.split(/[\s·,:()[\]「」"]+/u).filter(Boolean);
    words.forEach((word, i) => {
      if (!/^[가-힣]{2,}$/u.test(word)) return;
      const next = words[i + 1];
      const after = words[i + 2];
      if (next === word || (next && SHORT_WORD.test(next) && after === word))
        problems.push({ kind: 'repeat', at: line, hint: `${josa(`"${word}"`, '이/가')} 겹칩니다` });
    });
  }
  return problems;
}

function around(text: string, index: number, length: number): string {
  return text.slice(Math.max(0, index - 12), index + length + 4);
}
