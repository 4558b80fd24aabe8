import type { Turn } from '../conversation/conversation.turn.ts';
import { RECEIPT, eventKey } from './feedback.format.ts';
import {
  answerFeedback,
  closeFeedback,
  takeFeedback,
  type Staff,
  type StaffRefusal,
} from './feedback.staff.usecases.ts';
import { josa } from '../text/korean.text.ts';

/** Staff commands: parse what was typed, run the usecase, and say how it went. Who else hears of it, the usecase decides. */

function staffOf(turn: Turn): Staff {
  return { memberId: turn.actor.memberId, grants: turn.actor.grants };
}

function refusal(turn: Turn, result: StaffRefusal, receipt: string): void {
  if (result.kind === 'not_staff')
    // The same whatever the number: a resident learns nothing about other people's items, their own included.
    turn.reply(
      '의견에 답변하거나 맡고 종결하는 일은 읍·면 담당 직원이 합니다. 보내신 의견에 덧붙이실 말씀은 "의견 답글 접수번호 내용"으로 보내 주세요.',
    );
  else if (result.kind === 'not_found')
    turn.reply(`접수번호 ${receipt} 의견을 찾을 수 없습니다. 번호를 확인해 주세요.`);
  else if (result.kind === 'out_of_scope')
    turn.reply(`${receipt} 의견은 다른 읍·면의 의견이라 처리할 권한이 없습니다. 담당 읍·면이나 본청에 넘겨 주세요.`);
  else if (result.kind === 'already_closed')
    turn.reply(`${receipt} 의견은 이미 종결되었습니다. 주민이 다시 열면 알려 드립니다.`);
  else turn.reply(`답변 내용을 함께 적어 주세요. 예: "답변 ${receipt} 내일 보수하겠습니다"`);
}

/** 답변 <번호> <내용> (staff): the answer reaches the resident on the platform they wrote from. */
export async function answerCommand(turn: Turn, args: string): Promise<void> {
  const m = RECEIPT.exec(args.trim());
  if (!m)
    return turn.reply('답변은 "답변 접수번호 내용" 형식으로 보내 주세요. 예: "답변 2026-000123 내일 보수하겠습니다"');
  const receipt = m[1] ?? '';
  const result = await answerFeedback({
    tx: turn.tx,
    deps: turn.deps,
    staff: staffOf(turn),
    receipt,
    text: m[2] ?? '',
    eventKey: eventKey(turn),
  });
  // The 답변 button carries no text: in a 1:1 chat the answer is asked for; in a room, what to type is said.
  if (result.kind === 'empty' && turn.chat.type === 'direct') {
    await turn.setDialog({ dialog: 'feedback_text', step: 'text', data: { command: 'answer', receipt } });
    return turn.reply(`의견 ${receipt}에 보낼 답변을 적어 주세요. 주민께 그대로 전해 드립니다. (그만두려면 "취소")`);
  }
  if (result.kind !== 'answered') return refusal(turn, result, receipt);
  if (turn.chat.type === 'direct') turn.reply(`의견 ${result.item.receiptNo}에 답변했습니다. 주민께 전해 드립니다.`);
}

/** 의견 맡기 <번호> (staff). */
export async function takeCommand(turn: Turn, args: string): Promise<void> {
  const receipt = RECEIPT.exec(args.trim())?.[1];
  if (!receipt) return turn.reply('맡을 의견의 접수번호를 적어 주세요. 예: "의견 맡기 2026-000123"');
  const result = await takeFeedback({ tx: turn.tx, deps: turn.deps, staff: staffOf(turn), receipt });
  if (result.kind !== 'taken') return refusal(turn, result, receipt);
  turn.reply(
    `의견 ${josa(result.item.receiptNo, '을/를')} 맡으셨습니다. 답변은 "답변 ${result.item.receiptNo} 내용"으로 보내 주세요.`,
  );
}

/** 의견 닫기 <번호> (staff): closed; the resident is asked whether it was resolved. */
export async function closeCommand(turn: Turn, args: string): Promise<void> {
  const receipt = RECEIPT.exec(args.trim())?.[1];
  if (!receipt) return turn.reply('종결할 의견의 접수번호를 적어 주세요. 예: "의견 닫기 2026-000123"');
  const result = await closeFeedback({
    tx: turn.tx,
    deps: turn.deps,
    staff: staffOf(turn),
    receipt,
    eventKey: eventKey(turn),
  });
  if (result.kind !== 'closed') return refusal(turn, result, receipt);
  turn.reply(`의견 ${josa(result.item.receiptNo, '을/를')} 종결했습니다. 주민께 해결 여부를 여쭙겠습니다.`);
}
