import type { Turn } from '../conversation/conversation.turn.ts';
import { parseNoticeNumber } from '../notices/notice.text.ts';
import { answerReport, fileReport, REPORT_MAX_LENGTH } from './report.usecases.ts';
import { josa } from '../text/korean.text.ts';

/** 보고 내용 (village head). */
export async function reportCommand(turn: Turn, args: string): Promise<void> {
  const result = await fileReport({
    tx: turn.tx,
    deps: turn.deps,
    author: { memberId: turn.actor.memberId, grants: turn.actor.grants },
    body: args,
  });
  switch (result.kind) {
    case 'not_head':
      return turn.reply(
        '보고는 이장님이 읍·면사무소에 마을 일을 알리실 때 씁니다. 의견이나 민원은 "의견 내용"으로 보내 주세요.',
      );
    case 'empty':
      return turn.reply('알리실 내용을 함께 적어 주세요. 예: "보고 마을 앞 다리 난간이 부서졌습니다"');
    case 'too_long':
      return turn.reply(`보고는 ${REPORT_MAX_LENGTH}자 이내로 적어 주세요. (지금 ${result.length}자)`);
    case 'filed':
      return turn.reply(
        `보고 ${josa(`#${result.reportId}`, '을/를')} ${result.districtName}사무소에 올렸습니다. 답변이 오면 이 대화방으로 알려 드리겠습니다.`,
      );
  }
}

/** 보고답변 N 내용 (staff). */
export async function reportAnswerCommand(turn: Turn, args: string): Promise<void> {
  const number = parseNoticeNumber(args);
  if (!number?.rest) return turn.reply('예: "보고답변 12 내일 현장을 살펴보겠습니다"');
  const result = await answerReport({
    tx: turn.tx,
    deps: turn.deps,
    staff: { memberId: turn.actor.memberId, grants: turn.actor.grants },
    reportId: number.id,
    answer: number.rest,
  });
  switch (result.kind) {
    case 'not_found':
      return turn.reply(`#${number.id}번 보고를 찾을 수 없습니다.`);
    case 'forbidden':
      return turn.reply(`#${number.id}번 보고에 답할 권한이 없습니다. 맡으신 읍·면의 보고에만 답할 수 있습니다.`);
    case 'empty':
      return turn.reply('답변 내용이 비어 있습니다.');
    case 'too_long':
      return turn.reply(`답변은 ${REPORT_MAX_LENGTH}자 이내로 적어 주세요. (지금 ${result.length}자)`);
    case 'answered':
      return turn.reply(`보고 #${result.reportId}에 답변을 보냈습니다. 이장님께 전해 드립니다.`);
  }
}
