import { josa } from 'es-hangul';
import { matchChoice, type CommandMatch } from './command.match.ts';
import type { Router } from './conversation.engine.ts';
import type { Turn } from './conversation.turn.ts';
import { decideDialogTurn } from './dialog.interrupt.ts';
import { clearDialog, loadDialog, saveDialog, type StoredDialog } from './dialog.store.ts';
import type { DialogDef } from './feature.types.ts';

/**
 * A message in a 1:1 chat: the dialog in progress, if any, or the command, or the help menu. What a command does to
 * a dialog is decided by `decideDialogTurn` alone.
 */
export async function runDirectText(
  router: Router,
  turn: Turn,
  text: string,
  command: CommandMatch | null,
): Promise<void> {
  const stored = await loadDialog(turn.tx, turn.deps.cipher, turn.actor.identityId);
  const dialog = stored ? router.dialogs.get(stored.dialog) : undefined;
  const parsed = stored && dialog ? dialog.schema.safeParse(stored.data) : undefined;
  if (stored && (!dialog || !parsed?.success)) {
    // A dialog this version no longer knows, or data it cannot read: start afresh rather than guess.
    await turn.setDialog(null);
    turn.reply('하시던 일을 이어 갈 수 없어 처음으로 돌아왔습니다.');
  }
  if (!stored || !dialog || !parsed?.success) {
    if (command) await router.run(turn, 'direct', command);
    else await router.showMenu(turn, 'direct', '말씀을 잘 이해하지 못했습니다.');
    return persist(turn, null);
  }
  const strong = turn.event.kind === 'action' || /^\s*[/!]/.test(text);
  const decision = decideDialogTurn({
    command: command?.command ?? null,
    strong,
    menu: dialog.name === 'menu',
    freeText: dialog.freeText?.includes(stored.step) ?? false,
    answersChoice: matchChoice(text, stored.choices) !== null,
  });
  switch (decision) {
    case 'cancel':
      await turn.setDialog(null);
      turn.reply('취소했습니다. 처음으로 돌아왔습니다. 할 수 있는 일은 "도움말"을 보내 보세요.');
      break;
    case 'help':
      await turn.setDialog(null);
      await router.showMenu(turn, 'direct', dialog.name === 'menu' ? undefined : setAsideLine(dialog));
      break;
    case 'continue':
      await dialog.step(turn, { dialog: stored.dialog, step: stored.step, data: parsed.data }, text);
      break;
    case 'run_command':
    case 'set_aside': {
      await turn.setDialog(null);
      const def = command ? router.commands.get(command.command) : undefined;
      // Starting the same dialog again is a fresh start, not something set aside.
      if (decision === 'set_aside' && def?.opensDialog !== dialog.name) turn.reply(setAsideLine(dialog));
      if (command) await router.run(turn, 'direct', command);
      break;
    }
  }
  return persist(turn, decision === 'continue' ? stored : null);
}

export function setAsideLine(dialog: Pick<DialogDef, 'title' | 'restart'>): string {
  const restart = `"${dialog.restart}"${josa.pick(dialog.restart, '을/를')}`;
  return `하시던 ${josa(dialog.title, '은/는')} 그만두었습니다. 다시 하시려면 ${restart} 보내 주세요.`;
}

/**
 * Stores the dialog as the turn left it, with the numbered choices its last message showed: the next message is an
 * answer when it picks one of them.
 */
export async function persist(turn: Turn, continued: StoredDialog | null): Promise<void> {
  const choices = turn.replies.findLast((r) => r.choices?.length)?.choices;
  const change = turn.dialogChange;
  if (change?.state) {
    const state = { ...change.state, choices: choices ?? [] };
    return saveDialog(turn.tx, turn.deps.cipher, turn.actor.identityId, state, turn.now);
  }
  if (change) return clearDialog(turn.tx, turn.actor.identityId);
  if (continued && choices)
    await saveDialog(turn.tx, turn.deps.cipher, turn.actor.identityId, { ...continued, choices }, turn.now);
}
