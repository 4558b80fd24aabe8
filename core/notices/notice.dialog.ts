import { z } from 'zod';
import { type DraftKind, draftStep, heldLine, offerSchema, scopeSchema } from '../broadcasts/draft.confirm.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import { defineDialog } from '../conversation/feature.types.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { type NoticePreview, previewNotice } from './notice.preview.ts';
import { NOTICE_MAX_LENGTH } from './notice.text.ts';
import { checkNotice, type SendNoticeResult } from './notice.check.ts';
import { sendNotice } from './notice.usecases.ts';
import { josa } from '../text/korean.text.ts';

/** A notice typed in chat, until its sender says 보내기: the parsed draft (priority, scope, deadline, text). */
const noticeDraftSchema = z.object({
  priority: z.enum(['normal', 'high']),
  scope: scopeSchema,
  /** ISO; null: no acknowledgement deadline. */
  deadline: z.string().nullable(),
  body: z.string(),
  label: z.string(),
  places: z.array(z.string()),
  typed: z.string(),
});
export type NoticeDraftData = z.infer<typeof noticeDraftSchema>;

const platformKo: Record<string, string> = { websim: '시뮬레이터', line: 'LINE', discord: 'Discord' };

function draftInput(turn: Turn, d: NoticeDraftData) {
  return {
    tx: turn.tx,
    deps: turn.deps,
    sender: { memberId: turn.actor.memberId, grants: turn.actor.grants, label: d.label },
    scope: d.scope,
    priority: d.priority,
    body: d.body,
    ackDeadline: d.deadline ? new Date(d.deadline) : undefined,
    via: 'chat' as const,
  };
}

export const noticeKind: DraftKind<NoticeDraftData> = {
  dialog: 'notice_confirm',
  restart: '공지',
  noun: '공지',
  async check(turn, d) {
    const result = await checkNotice(draftInput(turn, d));
    if (result.kind === 'ok') return true;
    replyNoticeOutcome(turn, result, d);
    return false;
  },
  async preview(turn, d) {
    const result = await previewNotice(draftInput(turn, d));
    if (result.kind === 'preview') return noticePreviewText(result, turn.deps.timezone);
    replyNoticeOutcome(turn, result, d);
    return null;
  },
  async send(turn, d) {
    replyNoticeOutcome(turn, await sendNotice(draftInput(turn, d)), d);
  },
};

/** notice_confirm: the scope question, then the preview answered with 보내기 or 고치기. */
export const noticeConfirmDialog = defineDialog({
  name: 'notice_confirm',
  title: '공지 보내기',
  restart: '공지',
  schema: z.object({ draft: noticeDraftSchema, offer: offerSchema.optional(), previewedAt: z.string().optional() }),
  step: (turn, state, text) => draftStep(turn, noticeKind, state, text),
});

/** The preview in words: where, which heads by platform, quiet hours, the deadline, and the card as heads read it. */
export function noticePreviewText(p: NoticePreview, timeZone: string): string {
  const when = (at: Date) => formatKoreanDateTime(at, timeZone);
  const platforms = p.heads.map((h) => `${platformKo[h.platform] ?? h.platform} ${h.count}명`).join(' · ');
  const quiet = p.high
    ? '중요 공지라 바로 갑니다.'
    : p.held.count === 0
      ? '지금은 걸리는 이장님이 없습니다.'
      : heldLine(p.held, when);
  return [
    `[${p.high ? '중요 ' : ''}공지 미리보기] 아직 보내지 않았습니다.`,
    `받는 곳: ${p.places} (마을 ${p.villages}곳)`,
    `받는 분: 이장님 ${p.headsTotal}명${platforms ? ` — ${platforms}` : ''}`,
    ...(p.unreachable ? [`연락이 닿지 않는 이장님 ${p.unreachable}명께는 전해지지 않습니다.`] : []),
    ...(p.villagesWithoutHead ? [`이장이 없는 마을 ${p.villagesWithoutHead}곳에는 전해지지 않습니다.`] : []),
    ...(p.autoRelayChats ? [`자동 전달을 고른 마을 단체방 ${p.autoRelayChats}곳에는 바로 올라갑니다.`] : []),
    `쉬는 시간: ${quiet}`,
    ...(p.deadline ? [`확인 기한: ${when(p.deadline)}`] : []),
    '',
    '이장님께는 이렇게 보입니다(번호는 보낼 때 붙고, "확인"·"마을방에 전달" 버튼이 함께 갑니다):',
    p.card,
  ].join('\n');
}

/** What the sender is told: a refusal with what to do instead, or what went out. */
export function replyNoticeOutcome(
  turn: Turn,
  result: SendNoticeResult,
  d: Pick<NoticeDraftData, 'priority' | 'places' | 'deadline'>,
): void {
  const when = (at: Date) => formatKoreanDateTime(at, turn.deps.timezone);
  switch (result.kind) {
    case 'forbidden':
      return turn.reply(
        `${d.places.join(', ') || '이 범위'}에는 공지를 보낼 권한이 없습니다. 맡으신 읍·면 안으로만 보낼 수 있습니다.`,
      );
    case 'empty':
      return turn.reply('보낼 내용이 비어 있습니다.');
    case 'too_long':
      return turn.reply(`공지 내용은 ${NOTICE_MAX_LENGTH}자 이내로 적어 주세요. (지금 ${result.length}자)`);
    case 'deadline_past':
      return turn.reply(
        `확인 기한 ${josa(when(result.deadline), '은/는')} 이미 지났습니다. 앞으로의 시각을 적어 주세요.`,
      );
    case 'deadline_too_far':
      return turn.reply(
        `확인 기한 ${josa(when(result.deadline), '은/는')} 너무 먼 날입니다. 31일 안쪽으로 적어 주세요.`,
      );
    case 'sent':
      return turn.reply(
        `${d.priority === 'high' ? '중요 ' : ''}공지 ${josa(`#${result.noticeId}`, '을/를')} 마을 ${result.villages}곳의 이장님 ${result.heads}명께 보냈습니다.` +
          (d.deadline ? ` 확인 기한은 ${when(new Date(d.deadline))}입니다.` : '') +
          (result.villagesWithoutHead
            ? ` 이장이 없는 마을 ${result.villagesWithoutHead}곳에는 전해지지 않습니다.`
            : '') +
          (result.autoRelayed ? ` 자동 전달을 고른 마을방 ${result.autoRelayed}곳에는 바로 올렸습니다.` : '') +
          `\n진행 상황: "현황 ${result.noticeId}"`,
      );
  }
}
