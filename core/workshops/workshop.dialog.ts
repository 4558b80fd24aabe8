import { matchChoice, matchYesNo } from '../conversation/command.match.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import type { DialogState } from '../conversation/dialog.store.ts';
import {
  approvedResident,
  closedMessage,
  DIALOG,
  doSignUp,
  doWithdraw,
  line,
  signupChoices,
  underWay,
  withdrawChoices,
} from './workshop.commands.ts';
import { clockTime } from './workshop.notify.ts';
import { listUpcoming } from './workshop.usecases.ts';
import { josa } from '../text/korean.text.ts';

/** The 교육 dialog: choose a workshop by number, then confirm the sign-up or its cancellation. */
export async function continueWorkshops(turn: Turn, state: DialogState, text: string): Promise<void> {
  const resident = approvedResident(turn);
  if (!resident) return turn.setDialog(null);
  // A command sent while choosing (a button under an earlier message, "수료증", …) never reaches here: the engine
  // runs it and sets this dialog aside (core/conversation/dialog.interrupt.ts).
  if (state.step === 'choose') {
    const labels = (state.data.labels as string[] | undefined) ?? [];
    const index = matchChoice(text, labels);
    const id = index === null ? undefined : (state.data.ids as number[] | undefined)?.[index];
    if (id === undefined)
      return turn.reply({ text: '목록의 번호를 보내 주세요. 그만두시려면 "취소"를 보내 주세요.', choices: labels });
    const item = (
      await listUpcoming({
        tx: turn.tx,
        deps: turn.deps,
        memberId: turn.actor.memberId,
        districtCode: resident.districtCode,
        limit: 50,
      })
    ).items.find((i) => i.workshop.id === id);
    if (!item) {
      await turn.setDialog(null);
      return turn.reply('그 교육은 이제 신청할 수 없습니다. "교육"을 다시 보내 목록을 확인해 주세요.');
    }
    if (underWay(turn, item)) {
      await turn.setDialog(null);
      return turn.reply(
        `${josa(`「${item.workshop.title}」`, '은/는')} 이미 시작해 ${clockTime(item.workshop.endsAt, turn.deps.timezone)}까지 진행 중입니다. 신청하셨다면 교육장에서 "출석 번호"를 보내 주세요.`,
      );
    }
    if (item.mine) {
      await turn.setDialog({ dialog: DIALOG, step: 'withdraw', data: { id } });
      const how = item.mine.status === 'confirmed' ? '신청되어 있습니다' : `대기 ${item.waitPosition ?? ''}번째입니다`;
      return turn.reply({ text: `「${item.workshop.title}」에 ${how}. 신청을 취소할까요?`, choices: withdrawChoices });
    }
    if (turn.now >= item.closesAt) {
      await turn.setDialog(null);
      return turn.reply(closedMessage(turn, item.workshop));
    }
    await turn.setDialog({ dialog: DIALOG, step: 'signup', data: { id } });
    return turn.reply({ text: `${line(turn, item)}\n\n신청할까요?`, choices: signupChoices });
  }
  const id = Number(state.data.id);
  const choices = state.step === 'signup' ? signupChoices : withdrawChoices;
  const choice = matchChoice(text, choices) ?? (matchYesNo(text) === 'yes' ? 0 : matchYesNo(text) === 'no' ? 1 : null);
  if (choice === null) return turn.reply({ text: '1이나 2를 보내 주세요.', choices });
  await turn.setDialog(null);
  if (choice === 1) return turn.reply('알겠습니다. 다른 교육은 "교육"을 보내 보세요.');
  return state.step === 'signup' ? doSignUp(turn, id) : doWithdraw(turn, id);
}
