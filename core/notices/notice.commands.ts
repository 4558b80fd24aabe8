import { defaultScope } from '../broadcasts/broadcast.scope.ts';
import { DIRECT_ONLY, scopeOrReply, senderLabel } from '../broadcasts/broadcast.commands.ts';
import { startDraft } from '../broadcasts/draft.confirm.ts';
import { type NoticeDraftData, noticeKind } from './notice.dialog.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import { maskName } from '../privacy/privacy.mask.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { correctNotice, withdrawNotice, type ReviseResult } from './notice.revise.usecases.ts';
import { countHops, missingHops, recentNotices, trackNotice } from './notice.status.ts';
import { NOTICE_MAX_LENGTH, parseDeadline, parseNoticeNumber, parseNoticeText } from './notice.text.ts';
import { acknowledgeNotice, relayNotice } from './notice.usecases.ts';
import { josa } from '../text/korean.text.ts';

const USAGE =
  '예: "공지 [기한 11.25 18:00] 주민 설명회 참석 인원을 알려 주세요"\n보낼 곳은 대괄호로: "공지 [고성읍, 삼산1리] …", 중요한 공지는 "공지 중요 …"';
const isStaff = (turn: Turn) => turn.actor.grants.some((g) => g.role !== 'village_head');

/**
 * 공지 [중요] [곳, 곳] [기한 …] 내용 (staff): to the village heads of the places named, or of the sender's whole scope —
 * after a preview the sender answers with 보내기 (notice_confirm). A place of the sender's that opens the text without
 * brackets is offered as the scope first.
 */
export async function sendNoticeCommand(turn: Turn, args: string): Promise<void> {
  const widest = isStaff(turn) ? defaultScope(turn.actor.grants) : null;
  if (!widest)
    return turn.reply(
      '공지는 군청과 읍·면사무소 담당 공무원만 보낼 수 있습니다. 이장님께서 마을 일을 알리시려면 "보고 내용"을 보내 주세요.',
    );
  if (turn.chat.type !== 'direct') return turn.reply(DIRECT_ONLY);
  const parsed = parseNoticeText(args);
  if (!parsed.body) return turn.reply(`이장님들께 보낼 공지 내용을 함께 적어 주세요.\n${USAGE}`);
  const scope = await scopeOrReply(turn, {
    widest,
    places: parsed.places,
    bracketHint: '보낼 곳, 중요, 기한',
    usage: USAGE,
  });
  if (!scope) return;
  const deadline = parsed.deadline ? parseDeadline(parsed.deadline, turn.now, turn.deps.timezone) : undefined;
  if (deadline === null)
    return turn.reply(
      `확인 기한 ${josa(`"${parsed.deadline ?? ''}"`, '을/를')} 알아보지 못했습니다. 예: [기한 11.25 18:00], [기한 내일 오후 6시]`,
    );
  const draft: NoticeDraftData = {
    priority: parsed.priority,
    scope,
    deadline: deadline?.toISOString() ?? null,
    body: parsed.body,
    label: await senderLabel(turn),
    places: parsed.places,
    typed: args.trim(),
  };
  return startDraft(turn, noticeKind, draft, { offerPlaceAtStart: parsed.places.length === 0 });
}

/** 공지 확인 N (the 확인 button). */
export async function acknowledgeNoticeCommand(turn: Turn, args: string): Promise<void> {
  const number = parseNoticeNumber(args);
  if (!number) return turn.reply('확인하실 공지 번호를 적어 주세요. 예: "공지 확인 12"');
  const result = await acknowledgeNotice({
    tx: turn.tx,
    deps: turn.deps,
    memberId: turn.actor.memberId,
    noticeId: number.id,
  });
  switch (result.kind) {
    case 'not_found':
      return turn.reply(`#${number.id}번 공지를 찾을 수 없습니다. 번호를 확인해 주세요.`);
    case 'withdrawn':
      return turn.reply(`#${number.id}번 공지는 철회되었습니다. 따로 하실 일은 없습니다.`);
    case 'not_recipient':
      return turn.reply(`#${number.id}번 공지는 이장님께 온 공지가 아닙니다.`);
    case 'acknowledged':
      return turn.reply(
        result.already
          ? `#${number.id}번 공지는 이미 확인하셨습니다.`
          : `#${number.id}번 공지를 확인하셨다고 전했습니다. 고맙습니다.`,
      );
  }
}

/** 공지 전달 N / 전달 N (the 마을방에 전달 button): into every chat of the head's village(s), on every platform. */
export async function relayNoticeCommand(turn: Turn, args: string): Promise<void> {
  const number = parseNoticeNumber(args);
  if (!number) return turn.reply('마을방에 전하실 공지 번호를 적어 주세요. 예: "공지 전달 12"');
  const result = await relayNotice({
    tx: turn.tx,
    deps: turn.deps,
    head: { memberId: turn.actor.memberId, grants: turn.actor.grants },
    noticeId: number.id,
    chat: turn.chat,
  });
  switch (result.kind) {
    case 'not_found':
      return turn.reply(`#${number.id}번 공지를 찾을 수 없습니다. 번호를 확인해 주세요.`);
    case 'withdrawn':
      return turn.reply(`#${number.id}번 공지는 철회되어 전할 수 없습니다.`);
    case 'not_recipient':
      return turn.reply(
        `#${number.id}번 공지는 이장님 마을에 온 공지가 아니어서 전할 수 없습니다. 공지는 맡으신 마을의 단체방에만 전할 수 있습니다.`,
      );
    case 'wrong_room':
      return turn.reply(
        `이 방은 ${result.roomVillage} 마을방이라 전할 수 없습니다. 공지는 맡으신 마을의 단체방에만 전해집니다. 1:1 대화방에서 ${josa(`"공지 전달 ${number.id}"`, '을/를')} 보내 주세요.`,
      );
    case 'relayed': {
      const lines = result.villages.map((v) =>
        v.chats === 0
          ? `${v.name}: 연결된 마을방이 없습니다. 마을 단체방에서 "마을방 연결"을 보내 주시면 다음부터 전할 수 있습니다.`
          : v.posted === 0
            ? `${v.name}: 이미 마을방 ${v.chats}곳에 전해졌습니다.`
            : `${v.name}: 마을방 ${v.posted}곳에 전했습니다.`,
      );
      return turn.reply(`#${number.id}번 공지 — ${lines.join('\n')}\n확인하신 것으로도 기록했습니다.`);
    }
  }
}

/** 공지 정정 N 새 내용 / 공지 철회 N (the sender or staff of the scope). */
export async function reviseNoticeCommand(turn: Turn, args: string, kind: 'correct' | 'withdraw'): Promise<void> {
  if (!isStaff(turn)) return turn.reply('공지 정정과 철회는 공지를 보낸 담당 공무원만 할 수 있습니다.');
  const number = parseNoticeNumber(args);
  if (!number)
    return turn.reply(
      kind === 'correct'
        ? '예: "공지 정정 12 설명회는 11.26.(목) 14:00로 바뀌었습니다"'
        : '철회할 공지 번호를 적어 주세요. 예: "공지 철회 12"',
    );
  if (kind === 'correct' && !number.rest)
    return turn.reply(`바로잡은 내용을 번호 뒤에 적어 주세요. 예: "공지 정정 ${number.id} 새 내용"`);
  const editor = { memberId: turn.actor.memberId, grants: turn.actor.grants };
  const result: ReviseResult =
    kind === 'correct'
      ? await correctNotice({ tx: turn.tx, deps: turn.deps, editor, noticeId: number.id, body: number.rest })
      : await withdrawNotice({ tx: turn.tx, deps: turn.deps, editor, noticeId: number.id });
  switch (result.kind) {
    case 'not_found':
      return turn.reply(`#${number.id}번 공지를 찾을 수 없습니다.`);
    case 'already_withdrawn':
      return turn.reply(`#${number.id}번 공지는 이미 철회되었습니다.`);
    case 'forbidden':
      return turn.reply(`#${number.id}번 공지를 ${kind === 'correct' ? '정정' : '철회'}할 권한이 없습니다.`);
    case 'empty':
      return turn.reply('바로잡은 내용이 비어 있습니다.');
    case 'too_long':
      return turn.reply(`공지 내용은 ${NOTICE_MAX_LENGTH}자 이내로 적어 주세요. (지금 ${result.length}자)`);
    case 'corrected':
    case 'withdrawn': {
      const verb = result.kind === 'corrected' ? '정정' : '철회';
      const copies = result.edited + result.followed;
      return turn.reply(
        `#${number.id}번 공지를 ${verb}했습니다. 이장님 ${result.heads}명께 알립니다.` +
          (copies
            ? ` 마을방에 전해진 ${copies}곳 중 ${result.edited}곳은 글을 고쳤고, ${result.followed}곳에는 ${verb} 안내를 올립니다.`
            : ''),
      );
    }
  }
}

const MAX_LISTED = 40;

/** 현황 N: every hop of one notice — delivered, acknowledged, relayed — and who is still missing one. */
export async function noticeStatusCommand(turn: Turn, args: string): Promise<void> {
  const number = parseNoticeNumber(args);
  if (!number) return turn.reply('공지 번호를 적어 주세요. 예: "현황 12"');
  if (!isStaff(turn)) return turn.reply('공지 현황은 담당 공무원이 볼 수 있습니다.');
  const tracking = await trackNotice({ tx: turn.tx, viewer: turn.actor.grants, noticeId: number.id });
  if (!tracking) return turn.reply(`#${number.id}번 공지를 찾을 수 없거나 맡으신 곳에 보낸 공지가 아닙니다.`);
  const { notice, recipients } = tracking;
  const c = countHops(recipients);
  const when = (at: Date) => formatKoreanDateTime(at, turn.deps.timezone);
  // A staff room has many readers: names masked there; in a 1:1 chat staff see them in full.
  const name = (n: string | null) => (n ? (turn.chat.type === 'direct' ? n : maskName(n)) : '이장');
  const missing = missingHops(recipients);
  const lines = missing.slice(0, MAX_LISTED).map((r) => {
    const gaps = [
      ...(r.delivered ? [] : ['받기 전']),
      ...(r.acknowledgedAt ? [] : ['확인 안 함']),
      ...(r.villageRelayed ? [] : ['마을방 전달 안 됨']),
    ];
    return `· ${r.districtName} ${r.villageName} (이장 ${name(r.headName)}): ${gaps.join(' · ')}`;
  });
  const platforms = Object.entries(tracking.relaysByPlatform)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([p, n]) => `${platformKo[p] ?? p} ${n}`)
    .join(', ');
  const head = [
    `공지 #${notice.id} 현황${notice.withdrawnAt ? ' (철회됨)' : ''}${notice.version > 1 ? ` (정정 ${notice.version - 1}회)` : ''}`,
    `"${excerpt(notice.body)}" — ${notice.senderLabel} · ${when(notice.createdAt)}`,
    ...(notice.ackDeadline ? [`확인 기한: ${when(notice.ackDeadline)}`] : []),
    `이장 ${c.heads}명: 받음 ${c.delivered} · 확인 ${c.acknowledged}`,
    `마을 ${c.villages}곳: 마을방 전달 ${c.relayedVillages}곳${platforms ? ` (${platforms})` : ''}`,
  ];
  const tail =
    missing.length === 0
      ? ['모든 이장님이 확인하셨고 모든 마을방에 전해졌습니다.']
      : [
          `아직 빠진 곳 ${missing.length}건:`,
          ...lines,
          ...(missing.length > MAX_LISTED ? [`… 외 ${missing.length - MAX_LISTED}건`] : []),
        ];
  turn.reply([head.join('\n'), tail.join('\n')].join('\n\n'));
}

/** The short block that bare 현황 adds after the broadcasts: the viewer's recent notices, one line each. */
export async function recentNoticesBlock(turn: Turn): Promise<void> {
  if (!isStaff(turn)) return;
  const recent = await recentNotices({ tx: turn.tx, viewer: turn.actor.grants });
  const lines: string[] = [];
  for (const notice of recent) {
    const tracking = await trackNotice({ tx: turn.tx, viewer: turn.actor.grants, noticeId: notice.id });
    if (!tracking) continue;
    const c = countHops(tracking.recipients);
    lines.push(
      `#${notice.id} "${excerpt(notice.body)}"${notice.withdrawnAt ? ' (철회됨)' : ''} — 이장 ${c.heads}명 중 확인 ${c.acknowledged} · 마을방 전달 ${c.relayedVillages}/${c.villages}곳`,
    );
  }
  if (lines.length) turn.reply(`공지 현황 (최근 ${lines.length}건, 자세히: "현황 번호")\n${lines.join('\n')}`);
}

const platformKo: Record<string, string> = { websim: '시뮬레이터', line: 'LINE', discord: 'Discord' };

function excerpt(body: string, max = 24): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return [...flat].length > max ? `${[...flat].slice(0, max).join('')}…` : flat;
}
