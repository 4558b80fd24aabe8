import { defineFeature } from '../conversation/feature.types.ts';
import { consoleCommand } from './console.commands.ts';

/** 콘솔: the staff web console (bots/console) is entered through a one-time link asked for in chat. */
export const consoleFeature = defineFeature({
  name: 'console',
  commands: [
    {
      id: 'console',
      ko: ['콘솔', '웹 콘솔', '관리 화면'],
      en: ['console'],
      where: ['direct'],
      wrongPlace: '콘솔 링크는 저와 1:1 대화방에서만 보내 드립니다. 단체방에서는 다른 분도 열 수 있기 때문입니다.',
      requires: { action: 'console.open' },
      menu: { label: '웹 콘솔', order: 70 },
      handle: (turn) => consoleCommand(turn),
    },
  ],
});
