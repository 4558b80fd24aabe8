import iconv from 'iconv-lite';

/**
 * Phone texts as Korean carriers count them: in EUC-KR bytes (a Hangul syllable 2, ASCII 1). SMS holds 90 bytes, LMS
 * 2,000 with a subject of 40; a longer text is cut at a character and ends with a pointer to the whole text.
 * https://developers.solapi.com/references/messages/sendManyDetail (type SMS / LMS, subject)
 *
 * iconv-lite's "euc-kr" is CP949 (the carriers' unified Hangul code: all 11,172 syllables). A character it cannot
 * encode (an emoji) is replaced by the carrier too; we count it as 2 bytes so that a text is never over the limit.
 */
export const SMS_MAX_BYTES = 90;
export const LMS_MAX_BYTES = 2_000;
export const LMS_SUBJECT_MAX_BYTES = 40;
/** What a call reads aloud at most (SOLAPI VOICE text); longer is cut with a pointer to the SMS. */
export const VOICE_MAX_BYTES = 1_000;

export function eucKrBytes(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const encoded = iconv.encode(char, 'euc-kr');
    bytes += encoded.length === 1 && encoded[0] === 0x3f && char !== '?' ? 2 : encoded.length;
  }
  return bytes;
}

/** The longest start of `text` within `max` bytes, cut between characters. */
export function clipToBytes(text: string, max: number): string {
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = eucKrBytes(char);
    if (bytes + size > max) break;
    bytes += size;
    out += char;
  }
  return out;
}

export type PhoneText = { kind: 'sms'; text: string } | { kind: 'lms'; subject: string; text: string };

/**
 * The form a text goes in: SMS when it fits 90 bytes, else LMS with the first line as subject; over 2,000 bytes it is
 * shortened and `pointer` (where the whole text can be read or heard again) is added at the end.
 */
export function fitPhoneText(text: string, pointer: string): PhoneText {
  const clean = text.replace(/\r\n?/g, '\n').trim();
  if (eucKrBytes(clean) <= SMS_MAX_BYTES) return { kind: 'sms', text: clean };
  const firstLine = clean.split('\n')[0] ?? '';
  const subject = clipToBytes(firstLine.replace(/^\[|\]$/g, '').trim(), LMS_SUBJECT_MAX_BYTES);
  if (eucKrBytes(clean) <= LMS_MAX_BYTES) return { kind: 'lms', subject, text: clean };
  return { kind: 'lms', subject, text: shorten(clean, LMS_MAX_BYTES, pointer) };
}

/** What a call reads aloud: the text, shortened with a pointer to the SMS when it is too long to listen to. */
export function fitVoiceText(text: string, pointer: string): string {
  const clean = text.replace(/\r\n?/g, '\n').replace(/[[\]]/g, ' ').replace(/\s+/g, ' ').trim();
  return eucKrBytes(clean) <= VOICE_MAX_BYTES ? clean : shorten(clean, VOICE_MAX_BYTES, pointer);
}

function shorten(text: string, max: number, pointer: string): string {
  const tail = `\n…(이하 생략) ${pointer}`.trimEnd();
  return `${clipToBytes(text, max - eucKrBytes(tail)).trimEnd()}${tail}`;
}

/** Where a shortened text says the whole text is: the call-back number when the county has one, else the village head. */
export function pointerText(callbackNumber: string | undefined): string {
  return callbackNumber ? `전체 내용 다시 듣기 ☎ ${callbackNumber}` : '전체 내용은 이장님께 여쭤 주세요.';
}

/** Unanswered calls are tried again twice, 3 and then 15 minutes later (the seed counties' practice). */
export const CALL_RETRY_MINUTES: readonly number[] = [3, 15];

/** Minutes until the next attempt after `attempt` went unanswered; null when it was the last. */
export function nextCallDelayMinutes(attempt: number, delays: readonly number[] = CALL_RETRY_MINUTES): number | null {
  return delays[attempt - 1] ?? null;
}

export type PhoneMode = 'sms' | 'voice' | 'none';

/** The 설정 choices for the phone, in the order they are shown. */
export const phoneModeChoices: readonly { mode: PhoneMode; label: string }[] = [
  { mode: 'sms', label: '문자로 받기' },
  { mode: 'voice', label: '전화로 듣기' },
  { mode: 'none', label: '받지 않기' },
];

/** A reply that stops phone delivery to the number (the carriers' own word, and its usual spellings). */
export function isOptOutReply(text: string): boolean {
  return /^\s*(거부|수신\s*거부|수신거절|그만|stop)\s*[.!]?\s*$/i.test(text);
}

/** Unit prices in won by kind of message (settings), for the estimate in a broadcast's preview and the month's cost. */
export type UnitPrices = { sms: number; lms: number; voice: number; kakao: number };

export type CostLine = { channel: 'sms' | 'lms' | 'voice' | 'kakao'; count: number; won: number };

/** The cost of so many messages of each kind; kinds with none are left out. */
export function estimateCost(counts: Partial<Record<CostLine['channel'], number>>, prices: UnitPrices): CostLine[] {
  return (['sms', 'lms', 'voice', 'kakao'] as const)
    .map((channel) => ({ channel, count: counts[channel] ?? 0, won: (counts[channel] ?? 0) * prices[channel] }))
    .filter((line) => line.count > 0);
}

export const costLabels: Record<CostLine['channel'], string> = {
  sms: '문자(SMS)',
  lms: '장문 문자(LMS)',
  voice: '음성 전화',
  kakao: '카카오톡',
};

/** "문자(SMS) 812건 · 약 7,308원" lines, and their sum. */
export function costInWords(lines: readonly CostLine[]): string[] {
  if (lines.length === 0) return [];
  const total = lines.reduce((sum, l) => sum + l.won, 0);
  return [
    ...lines.map((l) => `${costLabels[l.channel]} ${l.count.toLocaleString('ko-KR')}건 · 약 ${won(l.won)}`),
    `예상 비용 합계 약 ${won(total)}`,
  ];
}

function won(n: number): string {
  return `${Math.round(n).toLocaleString('ko-KR')}원`;
}
