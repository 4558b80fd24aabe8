import { josa } from 'es-hangul';
import { matchChoice, type CommandMatch } from './command.match.ts';
import type { Router } from './conversation.engine.ts';
import type { Turn } from './conversation.turn.ts';
import { decideDialogTurn } from './dialog.interrupt.ts';
import { choicesOf, loadDialogs, saveDialogs, type Dialogs, type StoredDialog } from './dialog.store.ts';
import type { DialogDef } from './feature.types.ts';

/**
 * A message in a 1:1 chat: the dialog in progress, if any, or the command, or the help menu. What a command does to
 * a dialog is decided by `decideDialogTurn` alone; a dialog a command got through is set aside, and "계속" takes it
 * up again where it stopped, so nothing typed into it is lost.
 */
export async function runDirectText(
  router: Router,
  turn: Turn,
  text: string,
  matched: CommandMatch | null,
): Promise<void> {
  // "계속" alone resumes; "계속 물이 새요" is not a command at all.
  const command = matched?.command === 'resume' && matched.args !== '' ? null : matched;
  const stored = await loadDialogs(turn.tx, turn.deps.cipher, turn.actor.identityId);
  let aside = stored.aside;
  const active = readable(router, stored.active);
  if (stored.active && !active) {
    // A dialog this version no longer knows, or data it cannot read: start afresh rather than guess.
    await turn.setDialog(null);
    turn.reply('하시던 일을 이어 갈 수 없어 처음으로 돌아왔습니다.');
  }
  if (!active) {
    if (command?.command === 'resume') return resume(router, turn, stored, null);
    if (command?.command === 'cancel' && aside) {
      turn.reply(`잠시 두었던 ${josa(titleOf(router, aside), '을/를')} 지웠습니다.`);
      return persist(turn, { active: null, aside: null });
    }
    if (command) await router.run(turn, 'direct', command);
    else await router.showMenu(turn, 'direct', '말씀을 잘 이해하지 못했습니다.');
    return persist(turn, { active: null, aside });
  }
  const { def, state } = active;
  const decision = decideDialogTurn({
    command: command?.command ?? null,
    strong: turn.event.kind === 'action' || /^\s*[/!]/.test(text),
    menu: def.name === 'menu',
    freeText: def.freeText?.includes(state.step) ?? false,
    answersChoice: matchChoice(text, choicesOf(state)) !== null,
  });
  if (decision !== 'continue' && command?.command === 'resume') return resume(router, turn, stored, active);
  switch (decision) {
    case 'cancel':
      await turn.setDialog(null);
      turn.reply('취소했습니다. 처음으로 돌아왔습니다. 할 수 있는 일은 "도움말"을 보내 보세요.');
      break;
    case 'continue':
      await def.step(turn, state, text);
      return persist(turn, { active: state, aside });
    case 'help':
    case 'run_command':
    case 'set_aside': {
      await turn.setDialog(null);
      const next = command ? router.commands.get(command.command) : undefined;
      // The menu is not work to keep; starting the same dialog again is a fresh start.
      if (def.name !== 'menu' && next?.opensDialog !== def.name) {
        aside = state;
        turn.reply(setAsideLine(def));
      }
      if (decision === 'help') await router.showMenu(turn, 'direct');
      else if (command) await router.run(turn, 'direct', command);
      break;
    }
  }
  return persist(turn, { active: null, aside });
}

type Readable = { def: DialogDef; state: StoredDialog };

function readable(router: Router, stored: StoredDialog | null): Readable | null {
  const def = stored ? router.dialogs.get(stored.dialog) : undefined;
  const parsed = stored && def ? def.schema.safeParse(stored.data) : undefined;
  if (!stored || !def || !parsed?.success) return null;
  return { def, state: { ...stored, data: parsed.data as Record<string, unknown> } };
}

/** 계속: the dialog set aside comes back where it stopped, its last question asked again. */
async function resume(router: Router, turn: Turn, stored: Dialogs, active: Readable | null): Promise<void> {
  const back = readable(router, stored.aside);
  if (!back) {
    if (active) {
      turn.reply('지금 하시던 일을 이어서 해 주세요.');
      if (active.state.prompt) turn.reply(active.state.prompt);
    } else turn.reply('이어서 할 일이 없습니다. 할 수 있는 일은 "도움말"을 보내 보세요.');
    return persist(turn, { active: active?.state ?? null, aside: null });
  }
  turn.reply(`하시던 ${josa(back.def.title, '을/를')} 이어서 하겠습니다.`);
  if (back.state.prompt) turn.reply(back.state.prompt);
  // What was in progress now waits in its place, unless it was only the menu.
  const nowAside = active && active.def.name !== 'menu' ? active.state : null;
  return persist(turn, { active: back.state, aside: nowAside });
}

function titleOf(router: Router, dialog: StoredDialog): string {
  return router.dialogs.get(dialog.dialog)?.title ?? '일';
}

export function setAsideLine(dialog: Pick<DialogDef, 'title'>): string {
  return `하시던 ${josa(dialog.title, '은/는')} 잠시 두었습니다. 이어서 하시려면 "계속"을 보내 주세요.`;
}

/**
 * Stores the dialogs as the turn left them. The message a dialog last asked with is kept with it: its numbered
 * choices tell the next answer from a new command, and it is asked again on "계속". With `base` unknown (a group
 * chat, a photo) only a dialog the turn set is stored, beside whatever was set aside before.
 */
export async function persist(turn: Turn, base: Dialogs | null): Promise<void> {
  const change = turn.dialogChange;
  if (turn.dialogsForgotten || (!base && !change)) return;
  const known = base ?? {
    active: null,
    aside: (await loadDialogs(turn.tx, turn.deps.cipher, turn.actor.identityId)).aside,
  };
  const asked = turn.replies.findLast((r) => r.choices?.length) ?? turn.replies.at(-1) ?? null;
  const reasked = turn.replies.findLast((r) => r.choices?.length);
  const active = change
    ? change.state && { ...change.state, prompt: asked }
    : known.active && (reasked ? { ...known.active, prompt: reasked } : known.active);
  await saveDialogs(turn.tx, turn.deps.cipher, turn.actor.identityId, { active, aside: known.aside }, turn.now);
}
