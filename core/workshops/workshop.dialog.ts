import { type CommandMatch, matchChoice, matchCommand } from '../conversation/command.match.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import type { DialogState } from '../conversation/dialog.store.ts';
import {
  approvedResident,
  certificatesCommand,
  checkInCommand,
  closedMessage,
  DIALOG,
  doSignUp,
  doWithdraw,
  line,
  signUpCommand,
  signupChoices,
  withdrawChoices,
  withdrawCommand,
  workshopsCommand,
} from './workshop.commands.ts';
import {
  cancelWorkshopCommand,
  createWorkshopCommand,
  markAttendanceCommand,
  rescheduleCommand,
  workshopStatusCommand,
} from './workshop.staff.commands.ts';
import { listUpcoming } from './workshop.usecases.ts';

/** The 교육 dialog: choose a workshop by number, then confirm the sign-up or its cancellation. */
export async function continueWorkshops(turn: Turn, state: DialogState, text: string): Promise<void> {
  const resident = approvedResident(turn);
  if (!resident) return turn.setDialog(null);
  // A command (a button under an earlier message, "수료증", …) that is not one of the choices ends the choosing.
  const command = /^\s*\d/.test(text) ? null : matchCommand(text);
  if (state.step === 'choose') {
    const labels = (state.data.labels as string[] | undefined) ?? [];
    const index = matchChoice(text, labels);
    const id = index === null ? undefined : (state.data.ids as number[] | undefined)?.[index];
    if (id === undefined && command) return leaveFor(turn, command);
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
    ).find((i) => i.workshop.id === id);
    if (!item) {
      await turn.setDialog(null);
      return turn.reply('그 교육은 이제 신청할 수 없습니다. "교육"을 다시 보내 목록을 확인해 주세요.');
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
  const choice =
    matchChoice(text, choices) ?? (/^(네|예|응)/.test(text.trim()) ? 0 : /^(아니)/.test(text.trim()) ? 1 : null);
  if (choice === null && command) return leaveFor(turn, command);
  if (choice === null) return turn.reply({ text: '1이나 2를 보내 주세요.', choices });
  await turn.setDialog(null);
  if (choice === 1) return turn.reply('알겠습니다. 다른 교육은 "교육"을 보내 보세요.');
  return state.step === 'signup' ? doSignUp(turn, id) : doWithdraw(turn, id);
}

const workshopCommands: Partial<Record<CommandMatch['command'], (turn: Turn, args: string) => Promise<void>>> = {
  workshops: (turn) => workshopsCommand(turn),
  workshop_signup: signUpCommand,
  workshop_withdraw: withdrawCommand,
  workshop_cancel: cancelWorkshopCommand,
  workshop_create: createWorkshopCommand,
  workshop_reschedule: rescheduleCommand,
  workshop_status: workshopStatusCommand,
  check_in: checkInCommand,
  mark_attendance: markAttendanceCommand,
  certificates: (turn) => certificatesCommand(turn),
};

/** A command sent while choosing: the workshop ones run at once; any other is asked for again (the engine routes it). */
async function leaveFor(turn: Turn, command: CommandMatch): Promise<void> {
  await turn.setDialog(null);
  const run = workshopCommands[command.command];
  if (run) return run(turn, command.args);
  turn.reply('교육 고르기를 마쳤습니다. 하시려던 말씀을 한 번 더 보내 주세요.');
}
