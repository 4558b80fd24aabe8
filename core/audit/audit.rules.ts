import { meetsRequirement, type RoleGrant } from '../auth/authz.policy.ts';

/** Every staff action that is recorded, with the Korean words the 기록 page shows. */
export const auditActions = {
  'feedback.take': '의견 맡기',
  'feedback.answer': '의견 답변',
  'feedback.close': '의견 종결',
  'registration.approve': '등록 승인',
  'registration.reject': '등록 반려',
  'broadcast.send': '마을방송 보내기',
  'broadcast.cancel': '예약 방송 취소',
  'notice.send': '이장 공지 보내기',
  'notice.remind': '공지 다시 알림',
  'notice.correct': '공지 정정',
  'notice.withdraw': '공지 철회',
  'workshop.create': '교육 만들기',
  'workshop.edit': '교육 고치기',
  'workshop.cancel': '교육 취소',
  'workshop.attendance': '출석 표시',
  'vote.create': '투표 만들기',
  'budget.create': '주민참여예산 만들기',
  'proposal.accept': '예산 제안 채택',
  'proposal.reject': '예산 제안 반려',
  'assembly.create': '주민총회 만들기',
} as const;
export type AuditAction = keyof typeof auditActions;

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(auditActions, value);
}

/** 기록 is county-wide: it is read by those the table grants `audit.read` (county staff, the admin). */
export function readsAudit(grants: readonly RoleGrant[]): boolean {
  return meetsRequirement({ grants, registration: null }, { action: 'audit.read' });
}

const SUBJECT_WORDS: Record<string, (id: string) => string> = {
  feedback: (id) => `의견 ${id}`,
  registration: (id) => `등록 신청 #${id}`,
  broadcast: (id) => `마을방송 #${id}`,
  notice: (id) => `공지 #${id}`,
  workshop: (id) => `교육 #${id}`,
  poll: (id) => `투표 #${id}`,
  budget: (id) => `주민참여예산 #${id}`,
  proposal: (id) => `예산 제안 #${id}`,
  assembly: (id) => `주민총회 #${id}`,
};

/** "feedback:2026-000123" → "의견 2026-000123", as the 기록 page shows it; unknown kinds as stored. */
export function subjectInWords(subject: string): string {
  const at = subject.indexOf(':');
  const words = at > 0 ? SUBJECT_WORDS[subject.slice(0, at)] : undefined;
  return words ? words(subject.slice(at + 1)) : subject;
}
