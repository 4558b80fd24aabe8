/**
 * Why a message is sent. Each purpose says how delivery treats it; a new kind of message adds a line here, so the
 * compiler makes it say (for example) whether a failure may fall back to the person's next platform.
 *
 * `followsChat`: the message answers something said in a chat (a reply) and stays in that chat: it never falls back to
 * another platform, because the person wrote here and a reply elsewhere would make no sense to them.
 * `extraCopy`: the message is a second copy of one the person gets on their own platform (a broadcast's call, the SMS
 * a 긴급 broadcast adds): its failure falls back nowhere, since they have the first.
 */
const PURPOSES = {
  reply: { followsChat: true },
  'reply.failure': { followsChat: true },
  broadcast: { followsChat: false },
  'broadcast.nonreceipt': { followsChat: false },
  // By phone (issue 17); a failed SMS's own fallback (phone.fallback) may go on to the next platform.
  'broadcast.call': { followsChat: false, extraCopy: true },
  'broadcast.urgent_sms': { followsChat: false, extraCopy: true },
  'phone.fallback': { followsChat: false },
  'registration.proxy': { followsChat: false },
  'digest.head': { followsChat: false },
  'digest.resident': { followsChat: false },
  'digest.staff': { followsChat: false },
  'feedback.resident': { followsChat: false },
  'feedback.staff': { followsChat: false },
  notice: { followsChat: false },
  'notice.escalation': { followsChat: false },
  'notice.relay': { followsChat: false },
  'notice.reminder': { followsChat: false },
  'notice.revision': { followsChat: false },
  'registration.request': { followsChat: false },
  'registration.approved': { followsChat: false },
  'registration.rejected': { followsChat: false },
  'report.answer': { followsChat: false },
  'report.staff': { followsChat: false },
  'workshop.announce_head': { followsChat: false },
  'workshop.certificate': { followsChat: false },
  'workshop.certificate_expiry': { followsChat: false },
  'workshop.staff': { followsChat: false },
  'workshop.promoted': { followsChat: false },
  'workshop.reminder': { followsChat: false },
  'workshop.rescheduled': { followsChat: false },
  'workshop.cancelled': { followsChat: false },
  'vote.ballot': { followsChat: false },
  'vote.results': { followsChat: false },
  'vote.staff': { followsChat: false },
  'vote.announce': { followsChat: false },
  'vote.proposal': { followsChat: false },
} as const satisfies Record<string, { followsChat: boolean; extraCopy?: true }>;

export type Purpose = keyof typeof PURPOSES;

export const purposes = Object.keys(PURPOSES) as Purpose[];

export function isPurpose(value: string): value is Purpose {
  return Object.hasOwn(PURPOSES, value);
}

/**
 * Whether a message of this stored purpose may go to the person's next platform when it fails for good. Read from the
 * row, so it is a string: one no longer in the table (written by an older version) is no reply, which all are listed.
 */
export function mayFallBack(purpose: string): boolean {
  if (!isPurpose(purpose)) return true;
  const rule: { followsChat: boolean; extraCopy?: true } = PURPOSES[purpose];
  return !rule.followsChat && !rule.extraCopy;
}

/** Whether a message of this purpose answers in the chat it was written in (and stays there). */
export function followsChat(purpose: string): boolean {
  return isPurpose(purpose) && PURPOSES[purpose].followsChat;
}
