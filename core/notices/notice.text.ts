import type { OutboundMessage } from '../channel/channel.types.ts';
import { parseSendTime } from '../broadcasts/broadcast.scope.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';

/** Longer than this and a relayed copy would no longer fit one Discord message (2,000) with its attribution. */
export const NOTICE_MAX_LENGTH = 1000;

export type NoticePriority = 'normal' | 'high';
export type ParsedNotice = { priority: NoticePriority; places: string[]; deadline: string | null; body: string };

const PRIORITY = /^(중요|긴급|important|urgent)$/i;
// "기한 11.25 18:00", "11.25 18:00까지", "마감 내일 오후 6시"
const DEADLINE = /^(?:(?:기한|마감|deadline)\s*:?\s*([\s\S]+)|([\s\S]+?)\s*까지)$/i;

/**
 * 공지 [중요] [곳, 곳] [기한 11.25 18:00] 내용 — options lead the text in any order: a priority word (bracketed or not),
 * a bracketed list of places, a bracketed deadline. Everything after them is the body.
 */
export function parseNoticeText(args: string): ParsedNotice {
  const parsed: ParsedNotice = { priority: 'normal', places: [], deadline: null, body: '' };
  let rest = args.trim();
  for (;;) {
    // Unbracketed, only the priority word followed by a space: "중요한 회의가 …" keeps its first word.
    const m = /^(?:\[([^\]]*)\]|(중요|긴급)(?=\s))\s*/i.exec(rest);
    if (!m) break;
    const option = (m[1] ?? m[2] ?? '').trim();
    const deadline = DEADLINE.exec(option);
    if (PRIORITY.test(option)) parsed.priority = 'high';
    else if (deadline) parsed.deadline = (deadline[1] ?? deadline[2] ?? '').trim();
    else
      parsed.places.push(
        ...option
          .split(/[,，、·/]/)
          .map((p) => p.trim())
          .filter(Boolean),
      );
    rest = rest.slice(m[0].length);
  }
  parsed.body = rest.trim();
  return parsed;
}

/** A deadline as staff write it ("11.25 18:00", "내일 오후 6시"), in county time; null when it is not a time. */
export function parseDeadline(text: string, now: Date, timeZone: string): Date | null {
  return parseSendTime(text, now, timeZone);
}

/** A notice number as typed: "12", "#12", "12번". */
export function parseNoticeNumber(text: string): { id: number; rest: string } | null {
  const m = /^#?(\d{1,9})\s*번?(?:\s+([\s\S]*))?$/.exec(text.trim());
  return m ? { id: Number(m[1]), rest: (m[2] ?? '').trim() } : null;
}

export type NoticeView = {
  id: number;
  countyName: string;
  priority: NoticePriority;
  body: string;
  senderLabel: string;
  createdAt: Date;
  ackDeadline: Date | null;
};

const tag = (n: NoticeView) => `${n.countyName} 공지${n.priority === 'high' ? ' · 중요' : ''}`;

/** What a village head receives: the notice with its two buttons, which stand for the commands they type. */
export function headCard(n: NoticeView, timeZone: string, lead = ''): OutboundMessage {
  const lines = [
    // A preview has no number yet (id 0): the card shows none.
    `${lead}[${tag(n)}${n.id ? ` #${n.id}` : ''}]`,
    n.body,
    `— ${n.senderLabel} · ${formatKoreanDateTime(n.createdAt, timeZone)}`,
    ...(n.ackDeadline ? [`확인 기한: ${formatKoreanDateTime(n.ackDeadline, timeZone)}`] : []),
    '',
    '읽으셨으면 "확인"을, 마을 단체방에 올리시려면 "마을방에 전달"을 눌러 주세요.',
  ];
  return { text: lines.join('\n'), buttons: headButtons(n.id) };
}

export function headButtons(id: number): { label: string; command: string }[] {
  return [
    { label: '확인', command: `공지 확인 ${id}` },
    { label: '마을방에 전달', command: `공지 전달 ${id}` },
  ];
}

/** Who passed it on, as the village room sees it: the head's name masked (the room has many), or the village's opt-in. */
export type RelayBy = { kind: 'head'; maskedName: string } | { kind: 'auto' };

/** The copy in a village chat: "[고성군 공지] … — 고성읍사무소 발신 · 이장 홍*동 전달". */
export function relayText(
  n: Pick<NoticeView, 'countyName' | 'priority' | 'body' | 'senderLabel'>,
  by: RelayBy,
  corrected = false,
): string {
  const who = by.kind === 'head' ? `이장${by.maskedName ? ` ${by.maskedName}` : ''} 전달` : '자동 전달';
  return `[${tag(n as NoticeView)}]${corrected ? ' (정정됨)' : ''}\n${n.body}\n— ${n.senderLabel} 발신 · ${who}`;
}

/** Where a relayed copy cannot be edited, this follows it. */
export function correctionText(n: Pick<NoticeView, 'countyName' | 'priority' | 'body' | 'senderLabel'>): string {
  return `[정정] 앞서 전해 드린 ${n.countyName} 공지를 다음과 같이 바로잡습니다.\n${n.body}\n— ${n.senderLabel} 발신`;
}

export function withdrawalText(n: Pick<NoticeView, 'countyName' | 'senderLabel'>): string {
  return `[철회] 앞서 전해 드린 ${n.countyName} 공지는 철회되었습니다. 없던 일로 해 주세요.\n— ${n.senderLabel} 발신`;
}

/** A Discord copy edited in place on withdrawal: the text is struck out so nobody acts on it. */
export function withdrawnRelayText(n: Pick<NoticeView, 'countyName' | 'body' | 'senderLabel'>): string {
  return `[${n.countyName} 공지] (철회됨)\n~~${n.body}~~\n— ${n.senderLabel} 발신 · 이 공지는 철회되었습니다.`;
}

/**
 * When the follow-up job acts on a notice, a pure decision. Reminder: once, when two hours or less remain — but not in
 * the first half of a short window, so that a notice due in an hour is not chased the minute it arrives. Escalation:
 * once, at the deadline.
 */
export function followUpStep(
  n: {
    createdAt: Date;
    ackDeadline: Date | null;
    remindedAt: Date | null;
    escalatedAt: Date | null;
    withdrawnAt: Date | null;
  },
  now: Date,
): 'remind' | 'escalate' | null {
  if (!n.ackDeadline || n.withdrawnAt) return null;
  const deadline = n.ackDeadline.getTime();
  if (now.getTime() >= deadline) return n.escalatedAt ? null : 'escalate';
  const remindAt = Math.max(deadline - 2 * 3_600_000, n.createdAt.getTime() + (deadline - n.createdAt.getTime()) / 2);
  return now.getTime() >= remindAt && !n.remindedAt ? 'remind' : null;
}
