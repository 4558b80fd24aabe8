import type { Turn } from '../conversation/conversation.turn.ts';
import type { DialogState } from '../conversation/feature.types.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { RECEIPT, eventKey, mediaKo, statusKo } from './feedback.format.ts';
import { readResolved } from './feedback.rules.ts';
import { answerCommand } from './feedback.staff.commands.ts';
import {
  attachToLatestFeedback,
  createFeedback,
  listOwnFeedback,
  rateFeedback,
  replyToFeedback,
  type Attachment,
} from './feedback.usecases.ts';
import { josa } from '../text/korean.text.ts';

/**
 * The resident's feedback commands and dialogs: they parse what was typed, run a usecase, and say how it went.
 * Who else hears of it (staff rooms, the resident's own platform), the usecases decide.
 */

const REGISTER_FIRST = '의견을 보내시려면 먼저 실명 등록을 해 주세요. "등록"을 보내 주시면 안내해 드립니다.';

/** 의견 [내용]: with text, a receipt at once; bare, a short dialog asking for it (a photo or location may come too). */
export async function feedbackCommand(turn: Turn, args: string): Promise<void> {
  if (turn.chat.type !== 'direct')
    return turn.reply('의견은 저와 1:1 대화방에서 보내 주세요. 개인정보가 단체방에 남지 않도록 도와드립니다.');
  if (!turn.actor.registration) return turn.reply(REGISTER_FIRST);
  if (!args.trim()) {
    await turn.setDialog({ dialog: 'feedback', step: 'text', data: { attachments: [] } });
    return turn.reply(
      '어떤 의견이신가요? 한 번에 적어 보내 주세요. 사진이나 위치를 먼저 보내셔도 됩니다. (그만두려면 "취소")',
    );
  }
  return submit(turn, args, []);
}

/** The `feedback` dialog's one step (`text`, free text): what the resident writes is the item. */
export async function continueFeedback(turn: Turn, state: DialogState, text: string): Promise<void> {
  await turn.setDialog(null);
  return submit(turn, text, (state.data.attachments as Attachment[] | undefined) ?? []);
}

async function submit(turn: Turn, text: string, attachments: Attachment[]): Promise<void> {
  const { memberId, platform, platformUserId, registration } = turn.actor;
  const result = await createFeedback({
    tx: turn.tx,
    deps: turn.deps,
    author: { memberId, platform, platformUserId, registration },
    text,
    attachments,
  });
  const when = (date: Date) => formatKoreanDateTime(date, turn.deps.timezone);
  switch (result.kind) {
    case 'not_registered':
      return turn.reply(REGISTER_FIRST);
    case 'empty':
      return turn.reply('의견 내용이 비어 있습니다. "의견 내용"처럼 적어 보내 주세요.');
    case 'too_long':
      // Nothing is lost: the dialog stays open, so the same text can be sent again, shorter.
      await turn.setDialog({ dialog: 'feedback', step: 'text', data: { attachments } });
      return turn.reply(
        `의견은 ${result.max}자 이내로 적어 주세요. (지금 ${result.length}자) 줄여서 다시 보내 주시면 이어서 접수합니다.`,
      );
    case 'daily_limit':
      return turn.reply(
        `의견은 하루 ${result.limit}건까지 보낼 수 있습니다. ${when(result.again)}부터 다시 보내 주시거나, 급한 일은 읍·면사무소에 전화해 주세요.`,
      );
    case 'created':
      return turn.reply(
        `의견이 접수되었습니다. 접수번호 ${result.item.receiptNo}\n담당 부서가 확인한 뒤 이 대화방으로 답변을 드립니다. (답변 기한 ${when(result.item.dueAt)})` +
          (result.item.unapproved ? '\n아직 등록 승인 전이라 담당자께 함께 알려 드립니다.' : '') +
          '\n진행 상황은 "내 의견"으로 볼 수 있습니다.',
      );
  }
}

/** A photo or a location sent during 의견, or just after one: it joins that item. */
export async function attachToFeedback(
  turn: Turn,
  attachment: Attachment,
  state: DialogState | null,
): Promise<boolean> {
  if (state?.dialog === 'feedback') {
    const attachments = [...((state.data.attachments as Attachment[] | undefined) ?? []), attachment];
    await turn.setDialog({ ...state, data: { ...state.data, attachments } });
    turn.reply(`${mediaKo(attachment.kind)} 받았습니다. 이제 의견 내용을 글로 적어 보내 주세요.`);
    return true;
  }
  const result = await attachToLatestFeedback({
    tx: turn.tx,
    deps: turn.deps,
    memberId: turn.actor.memberId,
    attachment,
    eventKey: eventKey(turn),
  });
  if (result.kind === 'no_item') return false;
  turn.reply(`${mediaKo(attachment.kind)} 의견 ${result.item.receiptNo}에 함께 붙였습니다.`);
  return true;
}

/** 내 의견: the writer's items with status and the last answer. */
export async function myFeedbackCommand(turn: Turn, _args = ''): Promise<void> {
  const { entries } = await listOwnFeedback({ tx: turn.tx, deps: turn.deps, memberId: turn.actor.memberId });
  if (entries.length === 0)
    return turn.reply('아직 보내신 의견이 없습니다. "의견 내용"처럼 보내 주시면 접수해 드립니다.');
  const blocks = entries.map(({ item, body, lastAnswer }) =>
    [
      `${item.receiptNo} · ${statusKo[item.status]} · ${formatKoreanDateTime(item.createdAt, turn.deps.timezone)}`,
      `  ${[...body].slice(0, 40).join('')}${[...body].length > 40 ? '…' : ''}`,
      ...(lastAnswer ? [`  ↳ 답변: ${lastAnswer}`] : []),
    ].join('\n'),
  );
  turn.reply(
    `보내신 의견 ${entries.length}건:\n\n${blocks.join('\n\n')}\n\n덧붙일 말씀은 "의견 답글 접수번호 내용"으로 보내 주세요.`,
  );
}

const SEND_HELD = /^(?:보내기|보내|보내 ?주세요|전송|1|네|예|send)[.!]*$/i;

/**
 * The `feedback_text` dialog: the text a button could not carry — a staff member's answer (답변 button) or a
 * resident's follow-up (덧붙여 묻기) — at step `text` (free text), handled as if typed with the command. At step
 * `held` it keeps a follow-up that came over the day's limit: "보내기" sends it once the limit allows.
 */
export async function continueFeedbackText(turn: Turn, state: DialogState, text: string): Promise<void> {
  const receipt = String(state.data.receipt ?? '');
  if (state.step === 'held') {
    if (SEND_HELD.test(text.trim())) return reply(turn, `${receipt} ${String(state.data.text ?? '')}`, true);
    return turn.reply(
      `의견 ${receipt}에 덧붙이실 글을 보관하고 있습니다. 보낼 수 있게 되면 "보내기"라고 보내 주세요. 버리시려면 "취소"를 보내 주세요.`,
    );
  }
  await turn.setDialog(null);
  return state.data.command === 'reply'
    ? replyCommand(turn, `${receipt} ${text}`)
    : answerCommand(turn, `${receipt} ${text}`);
}

/** 의견 답글 <번호> [내용] (resident): joins the thread; reopens a closed item within 14 days. */
export function replyCommand(turn: Turn, args: string): Promise<void> {
  return reply(turn, args, false);
}

/** `fromHeld`: the text kept at the `held` step; once it went, that dialog is over. */
async function reply(turn: Turn, args: string, fromHeld: boolean): Promise<void> {
  const m = RECEIPT.exec(args.trim());
  if (!m) return turn.reply('"의견 답글 접수번호 내용"처럼 보내 주세요. 접수번호는 "내 의견"에서 볼 수 있습니다.');
  const receipt = m[1] ?? '';
  const text = m[2] ?? '';
  const result = await replyToFeedback({
    tx: turn.tx,
    deps: turn.deps,
    memberId: turn.actor.memberId,
    receipt,
    text,
    eventKey: eventKey(turn),
  });
  const direct = turn.chat.type === 'direct';
  // The kept text went, or can never go (the item was reopened too late, or erased): that dialog is over.
  if (fromHeld && result.kind !== 'daily_limit') await turn.setDialog(null);
  switch (result.kind) {
    case 'not_found':
      // The same for a number that does not exist and for someone else's item.
      return turn.reply(`접수번호 ${receipt}인 내 의견을 찾을 수 없습니다. "내 의견"에서 번호를 확인해 주세요.`);
    case 'too_late':
      return turn.reply(`종결된 지 ${result.days}일이 지난 의견은 다시 열 수 없습니다. 새 의견으로 보내 주세요.`);
    case 'empty':
    case 'too_long':
      // The 덧붙여 묻기 button carries no text, and an overlong text is to be sent again shorter: in a 1:1 chat the
      // dialog asks for it (and stays open), so nothing has to be typed twice with its receipt number.
      if (direct) await turn.setDialog({ dialog: 'feedback_text', step: 'text', data: { command: 'reply', receipt } });
      return turn.reply(
        result.kind === 'too_long'
          ? `${result.max}자 이내로 줄여서 다시 보내 주세요. 보내시면 의견 ${receipt}에 덧붙여 드립니다.`
          : `의견 ${receipt}에 덧붙일 말씀을 적어 보내 주세요. (그만두려면 "취소")`,
      );
    case 'daily_limit': {
      // What was typed is kept (encrypted, in the dialog): "보내기" sends it once the day has turned.
      if (direct)
        await turn.setDialog({ dialog: 'feedback_text', step: 'held', data: { command: 'reply', receipt, text } });
      const again = formatKoreanDateTime(result.again, turn.deps.timezone);
      return turn.reply(
        `의견에 덧붙이는 글은 하루 ${result.limit}번까지 보낼 수 있어, 이번 글은 아직 담당자께 전하지 않았습니다. ${again}부터 다시 보내실 수 있습니다.\n` +
          (direct
            ? `적으신 글은 보관해 두었습니다. 그때 "보내기"라고 보내 주시면 의견 ${receipt}에 그대로 덧붙여 드립니다. (버리시려면 "취소") 급한 일은 읍·면사무소에 전화해 주세요.`
            : '급한 일은 읍·면사무소에 전화해 주세요.'),
      );
    }
    case 'added':
      return turn.reply(
        result.reopened
          ? `의견 ${josa(result.item.receiptNo, '을/를')} 다시 열었습니다. 담당자께 전해 드립니다.`
          : `의견 ${result.item.receiptNo}에 덧붙여 담당자께 전해 드립니다.`,
      );
  }
}

/** 의견 평가 <번호> 해결|미해결 (the resident, after closing). */
export function rateResolvedCommand(turn: Turn, args: string): Promise<void> {
  return rateCommand(turn, args, 'resolved');
}

/** 의견 만족 <번호> 1–5 (the resident, after 의견 평가). */
export function rateSatisfactionCommand(turn: Turn, args: string): Promise<void> {
  return rateCommand(turn, args, 'satisfaction');
}

/** 의견 평가 <번호> 해결|미해결, then 의견 만족 <번호> 1–5 (the resident, after closing). */
export async function rateCommand(turn: Turn, args: string, kind: 'resolved' | 'satisfaction'): Promise<void> {
  const m = RECEIPT.exec(args.trim());
  const value = (m?.[2] ?? '').trim();
  if (!m || !value) return turn.reply('버튼을 눌러 알려 주세요.');
  const rating = kind === 'resolved' ? { resolved: readResolved(value) } : { satisfaction: Number(value) };
  const result = await rateFeedback({
    tx: turn.tx,
    deps: turn.deps,
    memberId: turn.actor.memberId,
    receipt: m[1] ?? '',
    rating,
  });
  if (result.kind === 'not_found') return turn.reply(`접수번호 ${m[1]}인 내 의견을 찾을 수 없습니다.`);
  if (result.kind === 'not_closed') return turn.reply('아직 처리 중인 의견입니다. 종결된 뒤에 알려 주세요.');
  if (result.kind === 'invalid') return turn.reply('만족도는 1부터 5까지의 숫자로 알려 주세요.');
  const r = result.item.receiptNo;
  if (kind === 'satisfaction') return turn.reply('알려 주셔서 고맙습니다. 더 나은 군정에 반영하겠습니다.');
  turn.reply({
    text: `${'resolved' in rating && rating.resolved ? '다행입니다.' : '불편을 드려 죄송합니다. "의견 답글"로 다시 여실 수 있습니다.'} 처리에 얼마나 만족하셨나요? (5: 매우 만족)`,
    buttons: [1, 2, 3, 4, 5].map((n) => ({ label: String(n), command: `의견 만족 ${r} ${n}` })),
  });
}
