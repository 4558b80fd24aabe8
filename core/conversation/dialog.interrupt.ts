/**
 * What a message does to a dialog in progress, decided in one place (table tests in test/unit/dialog.interrupt.test.ts):
 * - "취소" ends any dialog; "도움말" sets it aside and shows the menu — the same in every dialog.
 * - An answer to the step (one of the choices it showed, or any text at a free-text step) continues it.
 * - A command that is unmistakably one — a button press or a slash command anywhere, a command word with its
 *   arguments at a step that is not asking for free text — runs at once; the dialog is set aside (ended), and the
 *   person is told so in one line with the word that starts it again.
 * - In the help menu's own step a command simply runs: choosing from the menu is not work to set aside.
 */
export type DialogTurnInput = {
  /** The command the text matches, if any ("cancel" and "help" included). */
  command: string | null;
  /** A button press or a slash command. */
  strong: boolean;
  menu: boolean;
  freeText: boolean;
  /** The text picks one of the choices the step last showed. */
  answersChoice: boolean;
};

export type DialogTurnDecision = 'cancel' | 'help' | 'continue' | 'run_command' | 'set_aside';

export function decideDialogTurn(input: DialogTurnInput): DialogTurnDecision {
  const { command, strong, menu, freeText, answersChoice } = input;
  if (command === 'cancel') return 'cancel';
  if (command === 'help') return 'help';
  if (command === null) return 'continue';
  if (menu) return answersChoice && !strong ? 'continue' : 'run_command';
  if (strong) return 'set_aside';
  if (freeText || answersChoice) return 'continue';
  return 'set_aside';
}
