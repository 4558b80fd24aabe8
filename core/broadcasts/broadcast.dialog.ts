import { z } from 'zod';
import type { Turn } from '../conversation/conversation.turn.ts';
import { defineDialog } from '../conversation/feature.types.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { costInWords } from '../phone/phone.rules.ts';
import { type BroadcastPreview, previewBroadcast, type PlatformCount } from './broadcast.preview.ts';
import {
  BROADCAST_MAX_LENGTH,
  checkBroadcast,
  type CreateResult,
  SCHEDULE_HORIZON_DAYS,
  sendBroadcast,
} from './broadcast.usecases.ts';
import { type DraftKind, draftStep, heldLine, offerSchema, scopeSchema } from './draft.confirm.ts';
import { josa } from '../text/korean.text.ts';

/** A broadcast typed in chat, until its sender says 보내기: the parsed draft (category, scope, time, text). */
const broadcastDraftSchema = z.object({
  category: z.enum(['general', 'event', 'urgent']),
  scope: scopeSchema,
  /** ISO; null: as soon as it is sent. */
  sendAt: z.string().nullable(),
  body: z.string(),
  /** Who it is from, as residents read it ("고성읍사무소"). */
  label: z.string(),
  /** The place names typed in brackets, for a refusal that names them. */
  places: z.array(z.string()),
  typed: z.string(),
});
export type BroadcastDraftData = z.infer<typeof broadcastDraftSchema>;

const platformKo: Record<string, string> = {
  websim: '시뮬레이터',
  line: 'LINE',
  discord: 'Discord',
  kakao: '카카오톡',
  phone: '휴대전화 문자',
};
const platformName = (p: string) => platformKo[p] ?? p;

function draftInput(turn: Turn, d: BroadcastDraftData) {
  return {
    tx: turn.tx,
    deps: turn.deps,
    sender: { memberId: turn.actor.memberId, grants: turn.actor.grants, label: d.label },
    scope: d.scope,
    category: d.category,
    body: d.body,
    sendAt: d.sendAt ? new Date(d.sendAt) : undefined,
    via: 'chat' as const,
  };
}

export const broadcastKind: DraftKind<BroadcastDraftData> = {
  dialog: 'broadcast_confirm',
  restart: '방송 보내기',
  noun: '마을방송',
  async check(turn, d) {
    const result = await checkBroadcast(draftInput(turn, d));
    if (result.kind === 'ok') return true;
    replyBroadcastOutcome(turn, result, d);
    return false;
  },
  async preview(turn, d) {
    const result = await previewBroadcast(draftInput(turn, d));
    if (result.kind === 'preview') return previewText(result, turn.deps.timezone);
    replyBroadcastOutcome(turn, result, d);
    return null;
  },
  async send(turn, d) {
    replyBroadcastOutcome(turn, await sendBroadcast(draftInput(turn, d)), d);
  },
};

/** broadcast_confirm: the scope question, then the preview answered with 보내기 or 고치기. */
export const broadcastConfirmDialog = defineDialog({
  name: 'broadcast_confirm',
  title: '마을방송 보내기',
  restart: '방송 보내기',
  schema: z.object({ draft: broadcastDraftSchema, offer: offerSchema.optional(), previewedAt: z.string().optional() }),
  step: (turn, state, text) => draftStep(turn, broadcastKind, state, text),
});

const counted = (counts: PlatformCount[], unit: string) =>
  counts.map((c) => `${platformName(c.platform)} ${c.count}${unit}`).join(' · ');

/** The preview in words: where, to whom by platform, quiet hours, when, and the message as it will be read. */
export function previewText(p: BroadcastPreview, timeZone: string): string {
  const when = (at: Date) => formatKoreanDateTime(at, timeZone);
  const who = [`주민 ${p.residentsTotal}명`, ...(p.others ? [`이장님·담당자 ${p.others}명`] : [])].join(' · ');
  const people = p.peopleTotal ? `${who} — ${counted(p.people, '명')}` : '받을 수 있는 주민이 아직 없습니다';
  const chats =
    p.groupChatsTotal === 0
      ? '연결된 마을 단체방 없음'
      : p.groupChats.length === 1
        ? `마을 단체방 ${p.groupChatsTotal}곳(${platformName(p.groupChats[0]?.platform ?? '')})`
        : `마을 단체방 ${p.groupChatsTotal}곳(${counted(p.groupChats, '곳')})`;
  const quiet = p.urgent
    ? '긴급 방송이라 바로 갑니다.'
    : p.held.count === 0
      ? `${p.scheduled ? '보낼 때' : '지금은'} 걸리는 분이 없습니다.`
      : heldLine(p.held, when);
  return [
    `[${p.urgent ? '긴급 ' : ''}마을방송 미리보기] 아직 보내지 않았습니다.`,
    `받는 곳: ${p.places}`,
    `받는 분: ${people} · ${chats}`,
    ...(p.digest ? [`하루 한 번 모아 받기를 고른 ${p.digest}명께는 정하신 시각에 모아서 전합니다.`] : []),
    `쉬는 시간: ${quiet}`,
    `보낼 때: ${p.scheduled ? `${when(p.sendAt)} (예약)` : '지금 바로'}`,
    ...(p.cost?.length ? ['예상 비용 (첫 통화 기준):', ...costInWords(p.cost).map((l) => `  ${l}`)] : []),
    '',
    '주민께는 이렇게 보입니다:',
    p.message.text,
  ].join('\n');
}

/** What the sender is told: a refusal with what to do instead, or what went out (or was scheduled). */
export function replyBroadcastOutcome(
  turn: Turn,
  result: CreateResult,
  d: Pick<BroadcastDraftData, 'category' | 'places'>,
): void {
  const when = (at: Date) => formatKoreanDateTime(at, turn.deps.timezone);
  switch (result.kind) {
    case 'forbidden':
      return turn.reply(
        d.places.length
          ? `${d.places.join(', ')}에는 방송을 보낼 권한이 없습니다. 맡으신 곳으로만 보낼 수 있습니다.`
          : '이 범위로 방송을 보낼 권한이 없습니다.',
      );
    case 'empty':
      return turn.reply('보낼 내용이 비어 있습니다.');
    case 'too_long':
      return turn.reply(
        `방송 내용은 ${BROADCAST_MAX_LENGTH}자 이내로 적어 주세요. (지금 ${result.length}자) 보내신 글은 그대로 다시 보내시면 됩니다.`,
      );
    case 'past':
      return turn.reply(
        `${josa(when(result.sendAt), '은/는')} 이미 지난 시각입니다. 지금 보내시려면 시각 없이 보내 주세요.`,
      );
    case 'too_far':
      return turn.reply(
        `${josa(when(result.sendAt), '은/는')} 너무 먼 날입니다. 예약은 ${SCHEDULE_HORIZON_DAYS}일 안쪽으로 해 주세요.`,
      );
    case 'scheduled':
      return turn.reply(
        `마을방송 ${josa(`#${result.broadcastId}`, '을/를')} ${when(result.sendAt)}에 보내도록 예약했습니다. 취소하려면 ${josa(`"방송 취소 ${result.broadcastId}"`, '을/를')} 보내 주세요.`,
      );
    case 'sent':
      return turn.reply(
        `${d.category === 'urgent' ? '긴급 ' : ''}마을방송 ${josa(`#${result.broadcastId}`, '을/를')} 보냈습니다. 주민 ${result.residents}명${result.others ? `과 이장님·담당자 ${result.others}명` : ''}, 마을방 ${result.groupChats}곳에 전합니다.` +
          (result.digest ? ` 하루 한 번 모아 받기를 고른 ${result.digest}명께는 정하신 시각에 모아서 전합니다.` : '') +
          (d.category === 'urgent' ? '' : ' 알림 쉬는 시간인 분께는 그 시간이 끝나면 전해집니다.'),
      );
  }
}
