import type { Turn } from '../conversation/conversation.turn.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import {
  type BroadcastScope,
  defaultScope,
  matchPlaces,
  parseBroadcastText,
  parseSendTime,
} from './broadcast.scope.ts';
import { type BroadcastDraftData, broadcastKind } from './broadcast.dialog.ts';
import {
  broadcastReach,
  cancelScheduledBroadcast,
  listVillageBroadcasts,
  placeCatalog,
  senderLabelFor,
} from './broadcast.usecases.ts';
import { startDraft } from './draft.confirm.ts';
import { josa } from '../text/korean.text.ts';

const USAGE =
  '예: "방송 보내기 내일 오전 9시 마을회관 대청소가 있습니다"\n보낼 곳과 시각은 대괄호로: "방송 보내기 [고성1리, 고성2리] [내일 09:00] …"\n급한 일은 "방송 보내기 긴급 …"';

/**
 * 방송 보내기 [긴급|행사] [곳, 곳] [시각] <내용>: to the places named (within the sender's scope) or the sender's whole
 * scope, now or at the time given — after a preview that the sender answers with 보내기 (broadcast_confirm). A place
 * of the sender's that opens the text without brackets is offered as the scope first.
 */
export async function sendBroadcastCommand(turn: Turn, args: string): Promise<void> {
  const widest = defaultScope(turn.actor.grants);
  if (!widest)
    return turn.reply('마을방송은 이장님과 담당 공무원만 보낼 수 있습니다. 의견이 있으시면 "도움말"을 보내 보세요.');
  if (turn.chat.type !== 'direct') return turn.reply(DIRECT_ONLY);
  const parsed = parseBroadcastText(args);
  if (!parsed.body) return turn.reply(`보낼 내용을 함께 적어 주세요.\n${USAGE}`);
  const scope = await scopeOrReply(turn, {
    widest,
    places: parsed.places,
    bracketHint: '보낼 곳이나 보낼 시각',
    usage: USAGE,
  });
  if (!scope) return;
  const sendAt = parsed.when ? parseSendTime(parsed.when, turn.now, turn.deps.timezone) : undefined;
  if (sendAt === null)
    return turn.reply(
      `보낼 시각 ${josa(`"${parsed.when ?? ''}"`, '을/를')} 알아보지 못했습니다. 예: [09:00], [내일 오후 2시], [11.25 09:00]`,
    );
  const draft: BroadcastDraftData = {
    category: parsed.category,
    scope,
    sendAt: sendAt?.toISOString() ?? null,
    body: parsed.body,
    label: await senderLabel(turn),
    places: parsed.places,
    typed: args.trim(),
  };
  return startDraft(turn, broadcastKind, draft, { offerPlaceAtStart: parsed.places.length === 0 });
}

/** Broadcasts and notices are previewed and confirmed in a 1:1 chat, not in front of a room. */
export const DIRECT_ONLY = '보내기 전에 받는 곳과 인원을 보여 드리고 확인을 받습니다. 저와 1:1 대화방에서 보내 주세요.';

/** 방송 취소 <번호>: withdraws a scheduled broadcast that has not gone out. */
export async function cancelBroadcastCommand(turn: Turn, args: string): Promise<void> {
  if (!defaultScope(turn.actor.grants)) return turn.reply('마을방송 취소는 이장님과 담당 공무원만 할 수 있습니다.');
  const id = /^#?(\d+)$/.exec(args.trim())?.[1];
  if (!id)
    return turn.reply('취소할 예약 방송의 번호를 적어 주세요. 예: "방송 취소 12" (번호는 "현황"에서 볼 수 있습니다)');
  const result = await cancelScheduledBroadcast({
    tx: turn.tx,
    deps: turn.deps,
    sender: { memberId: turn.actor.memberId, grants: turn.actor.grants },
    broadcastId: Number(id),
    via: 'chat',
  });
  switch (result.kind) {
    case 'not_found':
      return turn.reply(`#${id}번 마을방송을 찾을 수 없습니다. 번호를 확인해 주세요.`);
    case 'already_sent':
      return turn.reply(`#${id}번 마을방송은 이미 보냈기 때문에 취소할 수 없습니다.`);
    case 'forbidden':
      return turn.reply(`#${id}번 마을방송을 취소할 권한이 없습니다.`);
    case 'cancelled':
      return turn.reply(
        `${formatKoreanDateTime(result.sendAt, turn.deps.timezone)}에 보낼 예정이던 마을방송 ${josa(`#${id}`, '을/를')} 취소했습니다.`,
      );
  }
}

/**
 * The places named in brackets as a scope, or the sender's widest scope when none are named. A name that is no place,
 * or a village name several districts share, is answered with what to write instead (null: already answered).
 */
export async function scopeOrReply(
  turn: Turn,
  input: { widest: BroadcastScope; places: readonly string[]; bracketHint: string; usage: string },
): Promise<BroadcastScope | null> {
  if (input.places.length === 0) return input.widest;
  const match = matchPlaces(input.places, await placeCatalog({ tx: turn.tx }));
  if (match.kind === 'scope') return match.scope;
  turn.reply(
    match.kind === 'unknown'
      ? `${josa(`"${match.name}"`, '이라/라')}는 읍·면이나 마을을 찾지 못했습니다. 대괄호 [ ] 안에는 ${input.bracketHint}만 적어 주세요.\n${input.usage}`
      : `${josa(`"${match.name}"`, '이라/라')}는 마을이 여러 곳입니다. 읍·면과 함께 적어 주세요: ${match.options.join(', ')}`,
  );
  return null;
}

/** Who the sender's broadcasts and notices are from, as people read it ("고성읍사무소"). */
export async function senderLabel(turn: Turn): Promise<string> {
  return senderLabelFor({ tx: turn.tx, grants: turn.actor.grants });
}

/** 방송 [검색어]: the broadcasts of the resident's village, to read again; with a word, a search of the archive. */
export async function listBroadcastsCommand(turn: Turn, args: string): Promise<void> {
  const registration = turn.actor.registration;
  if (registration?.status !== 'approved')
    return turn.reply('지난 마을방송은 등록을 마친 주민께 보여 드립니다. 먼저 "등록"을 보내 주세요.');
  const query = args.trim();
  const found = await listVillageBroadcasts({
    tx: turn.tx,
    villageId: registration.villageId,
    districtCode: registration.districtCode,
    query,
  });
  if (found.length === 0)
    return turn.reply(
      query
        ? `${josa(`"${query}"`, '이/가')} 들어간 마을방송이 없습니다. 다른 낱말로 찾아보세요.`
        : `${registration.villageName}에 아직 마을방송이 없습니다.`,
    );
  const lines = found.map(
    (b) =>
      `• ${formatKoreanDateTime(b.sendAt, turn.deps.timezone)} ${b.category === 'urgent' ? '[긴급] ' : ''}${b.body}\n  — ${b.senderLabel}`,
  );
  turn.reply(
    `${query ? `"${query}" 찾은 마을방송` : `${registration.villageName} 최근 마을방송`} ${found.length}건:\n\n${lines.join('\n\n')}`,
  );
}

const platformKo: Record<string, string> = {
  websim: '시뮬레이터',
  line: 'LINE',
  discord: 'Discord',
  kakao: '카카오톡',
  phone: '문자',
};

/** 현황: reach of the recent broadcasts in the viewer's scope — waiting, sent and failed, by platform. */
export async function statusCommand(turn: Turn): Promise<void> {
  const scope = defaultScope(turn.actor.grants);
  if (!scope) return turn.reply('현황은 이장님과 담당 공무원이 볼 수 있습니다.');
  const reach = await broadcastReach({ tx: turn.tx, scope });
  if (reach.length === 0) return turn.reply('최근 보낸 마을방송이 없습니다.');
  const blocks = reach.map((b) => {
    // Everyone reached, heads and staff too ("받는 분", not "주민"); a delivery that fell back has two rows: count people.
    const total = b.byPlatform.reduce((sum, p) => sum + p.queued + p.sent + p.failed - p.fallback, 0);
    const lines = b.byPlatform.map(
      (p) =>
        `  ${platformKo[p.platform] ?? p.platform}: 보냄 ${p.sent}${p.fallback ? `(대체 ${p.fallback})` : ''} · 대기 ${p.queued} · 실패 ${p.failed}`,
    );
    const preview = `"${[...b.body].slice(0, 30).join('')}${[...b.body].length > 30 ? '…' : ''}"`;
    if (!b.fannedOutAt)
      return `#${b.id} ${formatKoreanDateTime(b.sendAt, turn.deps.timezone)} ${preview} — 예약 (취소: "방송 취소 ${b.id}")`;
    const { listened, unanswered, waiting } = b.calls;
    const calls =
      listened + unanswered + waiting > 0
        ? [
            `  전화: 전화로 들으심 ${listened}명 · 안 받으심 ${unanswered}명${waiting ? ` · 다시 거는 중 ${waiting}명` : ''}`,
          ]
        : [];
    return [
      `#${b.id} ${formatKoreanDateTime(b.sendAt, turn.deps.timezone)} ${preview} — 받는 분 ${total}명`,
      ...lines,
      ...calls,
    ].join('\n');
  });
  turn.reply(`마을방송 현황 (최근 ${reach.length}건)\n\n${blocks.join('\n\n')}`);
}
