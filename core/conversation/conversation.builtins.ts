import { z } from 'zod';
import { matchChoice } from './command.match.ts';
import type { Router } from './conversation.engine.ts';
import { defineDialog, type CommandDef, type DialogDef } from './feature.types.ts';

const everywhere = ['direct', 'group', 'staff_room'] as const;

/** 도움말 and 취소 belong to the conversation itself: they work the same in every chat and every dialog. */
export function builtinCommands(router: Router): CommandDef[] {
  return [
    {
      id: 'help',
      ko: ['도움말', '도움', '메뉴', '안내'],
      en: ['help', 'menu', 'start'],
      where: everywhere,
      requires: 'anyone',
      menu: { label: '도움말', order: 1000 },
      slash: {
        name: 'help',
        ko: '도움말',
        description: 'What you can do here',
        koDescription: '할 수 있는 일을 알려 드립니다',
      },
      handle: (turn) => router.showMenu(turn, turn.place),
    },
    {
      id: 'cancel',
      ko: ['취소', '그만'],
      en: ['cancel', 'stop'],
      where: everywhere,
      requires: 'anyone',
      typedOnly: 'leaves a dialog; every dialog says so',
      slash: {
        name: 'cancel',
        ko: '취소',
        description: 'Leave what you are doing',
        koDescription: '하던 일을 그만둡니다',
      },
      handle: async (turn) => turn.reply('진행 중인 일이 없습니다. 할 수 있는 일은 "도움말"을 보내 보세요.'),
    },
    {
      id: 'resume',
      ko: ['계속', '이어서', '이어하기'],
      en: ['resume', 'continue'],
      where: ['direct'],
      requires: 'anyone',
      typedOnly: 'after a command got through a dialog; the line that says so names it',
      // Handled by the 1:1 router, which knows the dialog set aside; reached here only when there is none.
      handle: async (turn) => turn.reply('이어서 할 일이 없습니다. 할 수 있는 일은 "도움말"을 보내 보세요.'),
    },
  ];
}

/** A number (or label) sent after the help menu runs the command it names. */
export function menuDialog(router: Router): DialogDef {
  return defineDialog({
    name: 'menu',
    title: '메뉴 고르기',
    restart: '도움말',
    schema: z.object({ labels: z.array(z.string()), texts: z.array(z.string()) }),
    async step(turn, state, text) {
      const index = matchChoice(text, state.data.labels);
      await turn.setDialog(null);
      const chosen = index === null ? null : router.matchCommand(state.data.texts[index] ?? '', 'direct');
      if (!chosen) return router.showMenu(turn, 'direct', '말씀을 잘 이해하지 못했습니다.');
      return router.run(turn, 'direct', chosen);
    },
  });
}
