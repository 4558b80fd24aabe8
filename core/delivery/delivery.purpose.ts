/**
 * Why a message is sent. Each purpose says how delivery treats it; a new kind of message adds a line here, so the
 * compiler makes it say (for example) whether a failure may fall back to the person's next platform.
 *
 * `followsChat`: the message answers something said in a chat (a reply) and stays in that chat: it never falls back to
 * another platform, because the person wrote here and a reply elsewhere would make no sense to them.
 */
const PURPOSES = {
  reply: { followsChat: true },
  'reply.failure': { followsChat: true },
  broadcast: { followsChat: false },
  'broadcast.nonreceipt': { followsChat: false },
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
} as const satisfies Record<string, { followsChat: boolean }>;

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
  return !(isPurpose(purpose) && PURPOSES[purpose].followsChat);
}
