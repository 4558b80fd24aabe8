/**
 * Command routing, a pure function: Korean commands with English aliases, tolerant of how people type
 * ("등록", "등록할게요", "/register", "REGISTER", "등록 해주세요"). Multi-word commands match with or without spaces.
 */
export const commandIds = [
  'register',
  'help',
  'cancel',
  'approve',
  'reject',
  'withdraw',
  'link_group',
  'unlink_group',
  'link_staff_room',
  'send_broadcast',
  'cancel_broadcast',
  'broadcasts',
  'status',
  'settings',
  'feedback',
  'my_feedback',
  'answer',
  'feedback_take',
  'feedback_close',
  'feedback_reply',
  'feedback_rate',
  'feedback_score',
  'notice_send',
  'notice_ack',
  'notice_relay',
  'notice_correct',
  'notice_withdraw',
  'report',
  'report_answer',
  'workshops',
  'workshop_signup',
  'workshop_withdraw',
  'workshop_create',
  'workshop_reschedule',
  'workshop_cancel',
  'workshop_status',
  'check_in',
  'mark_attendance',
  'certificates',
] as const;
export type CommandId = (typeof commandIds)[number];

type CommandSpec = { id: CommandId; ko: string[]; en: string[] };

export const commandSpecs: readonly CommandSpec[] = [
  { id: 'register', ko: ['등록', '회원가입', '가입', '실명등록'], en: ['register', 'signup', 'join'] },
  { id: 'help', ko: ['도움말', '도움', '메뉴', '안내'], en: ['help', 'menu', 'start'] },
  { id: 'cancel', ko: ['취소', '그만'], en: ['cancel', 'stop'] },
  { id: 'approve', ko: ['승인'], en: ['approve'] },
  { id: 'reject', ko: ['거절', '반려'], en: ['reject'] },
  { id: 'withdraw', ko: ['탈퇴', '회원탈퇴'], en: ['leave', 'withdraw', 'unregister'] },
  { id: 'link_group', ko: ['마을방 연결', '마을방연결', '방 연결'], en: ['link'] },
  { id: 'unlink_group', ko: ['마을방 해제', '직원방 해제', '연결 해제', '방 해제'], en: ['unlink'] },
  { id: 'link_staff_room', ko: ['직원방 연결', '직원방연결', '담당방 연결'], en: ['staffroom', 'staff room'] },
  { id: 'send_broadcast', ko: ['방송 보내기', '방송 발송', '방송하기'], en: ['send broadcast', 'broadcast'] },
  { id: 'cancel_broadcast', ko: ['방송 취소', '예약 취소', '방송 예약 취소'], en: ['cancel broadcast'] },
  { id: 'broadcasts', ko: ['마을방송', '방송'], en: ['broadcasts', 'news'] },
  { id: 'status', ko: ['현황'], en: ['status'] },
  { id: 'feedback', ko: ['의견', '건의', '민원', '의견 보내기'], en: ['feedback', 'opinion'] },
  { id: 'my_feedback', ko: ['내 의견', '내의견', '의견 확인'], en: ['my feedback'] },
  { id: 'answer', ko: ['답변'], en: ['answer'] },
  { id: 'feedback_take', ko: ['의견 맡기', '의견 배정'], en: ['take'] },
  { id: 'feedback_close', ko: ['의견 닫기', '의견 종결'], en: ['close'] },
  { id: 'feedback_reply', ko: ['의견 답글', '의견 다시', '답글'], en: ['reply', 'reopen'] },
  { id: 'feedback_rate', ko: ['의견 평가'], en: ['rate'] },
  { id: 'feedback_score', ko: ['의견 만족'], en: ['score'] },
  { id: 'settings', ko: ['설정', '환경설정', '알림 설정', '알림설정'], en: ['settings', 'setting', 'preferences'] },
  { id: 'notice_send', ko: ['공지', '공지 보내기', '공지하기'], en: ['notice', 'send notice'] },
  { id: 'notice_ack', ko: ['공지 확인'], en: ['ack', 'acknowledge'] },
  { id: 'notice_relay', ko: ['공지 전달', '마을방에 전달', '전달'], en: ['relay'] },
  { id: 'notice_correct', ko: ['공지 정정'], en: ['correct notice'] },
  { id: 'notice_withdraw', ko: ['공지 철회'], en: ['withdraw notice'] },
  { id: 'report', ko: ['보고', '보고하기'], en: ['report'] },
  { id: 'report_answer', ko: ['보고답변', '보고 답변'], en: ['report answer'] },
  { id: 'workshops', ko: ['교육', '워크숍', '교육 목록'], en: ['workshops', 'workshop'] },
  { id: 'workshop_signup', ko: ['교육 신청'], en: ['enrol', 'enroll'] },
  { id: 'workshop_withdraw', ko: ['교육 신청 취소', '신청 취소'], en: ['unenrol', 'unenroll'] },
  { id: 'workshop_create', ko: ['교육 만들기', '교육 개설'], en: ['new workshop'] },
  { id: 'workshop_reschedule', ko: ['교육 변경', '교육 일정 변경'], en: ['reschedule'] },
  { id: 'workshop_cancel', ko: ['교육 취소'], en: ['cancel workshop'] },
  { id: 'workshop_status', ko: ['교육 현황'], en: ['workshop status'] },
  { id: 'check_in', ko: ['출석'], en: ['check in', 'checkin'] },
  { id: 'mark_attendance', ko: ['출석 확인'], en: ['mark attendance'] },
  { id: 'certificates', ko: ['수료증'], en: ['certificate', 'certificates'] },
];

const PUNCTUATION = '[.!?~。]*';

// What may follow a Korean command word and still mean the command: 할게요, 하고 싶어요, 해 주세요, 요, 을/를 …
const KOREAN_TAIL = /^(?:[하할해합했]\p{Script=Hangul}*|요|을|를|좀|신청\p{Script=Hangul}*)?$/u;
const POLITE_TAIL = /^(?:[하할해합]\S*|주세요|줘|싶어요|싶습니다|부탁\S*|좀)$/u;

export type CommandMatch = { command: CommandId; args: string };

export function matchCommand(input: string): CommandMatch | null {
  // Punctuation is ignored around the command word ("등록!", "help.") but kept in what follows it: an answer or a
  // broadcast ends with its own full stop.
  const text = input
    .trim()
    .replace(/^[/!]\s*/, '')
    .trim();
  if (text.length === 0) return null;
  const candidates = commandSpecs
    .flatMap((spec) => [
      ...spec.ko.map((word) => ({ spec, word, ko: true })),
      ...spec.en.map((word) => ({ spec, word, ko: false })),
    ])
    .sort((a, b) => b.word.length - a.word.length);
  for (const { spec, word, ko } of candidates) {
    const rest = ko ? stripKorean(text, word) : stripEnglish(text, word);
    if (rest !== null) return { command: spec.id, args: rest };
  }
  return null;
}

function stripKorean(text: string, word: string): string | null {
  const pattern = new RegExp(
    `^${word.split(/\s+/).map(escape).join('\\s*')}(\\p{Script=Hangul}*)${PUNCTUATION}(?:\\s+([\\s\\S]*))?$`,
    'u',
  );
  const m = pattern.exec(text);
  if (!m) return null;
  const tail = m[1] ?? '';
  if (!KOREAN_TAIL.test(tail)) return null;
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

function stripEnglish(text: string, word: string): string | null {
  const m = new RegExp(`^${escape(word)}${PUNCTUATION}(?:\\s+([\\s\\S]*))?$`, 'iu').exec(text);
  return m ? (m[1] ?? '').trim() : null;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A reply to numbered choices: "1", "1번", "①", or the label itself (or its start). Returns the index or null. */
export function matchChoice(input: string, choices: readonly string[]): number | null {
  const text = input.trim().replace(/[.!?]+$/, '');
  const circled = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳'.indexOf(text);
  const digits = /^(\d{1,3})\s*번?$/.exec(text);
  const number = circled >= 0 ? circled + 1 : digits ? Number(digits[1]) : null;
  if (number !== null) return number >= 1 && number <= choices.length ? number - 1 : null;
  const squash = (s: string) => s.replace(/\s+/g, '').toLowerCase();
  const exact = choices.findIndex((c) => squash(c) === squash(text));
  if (exact >= 0) return exact;
  if ([...text].length < 2) return null;
  const prefixed = choices.flatMap((c, i) => (squash(c).startsWith(squash(text)) ? [i] : []));
  return prefixed.length === 1 ? (prefixed[0] ?? null) : null;
}
