import { z } from 'zod';
import { defineDialog, defineFeature } from '../conversation/feature.types.ts';
import { continueSettings, startSettings } from './settings.dialog.ts';

/** 설정: broadcasts at once or as one digest a day, the digest's time, quiet hours. */
export const settingsFeature = defineFeature({
  name: 'settings',
  commands: [
    {
      id: 'settings',
      ko: ['설정', '환경설정', '알림 설정', '알림설정'],
      en: ['settings', 'setting', 'preferences'],
      where: ['direct'],
      requires: 'registered',
      opensDialog: 'settings',
      menu: { label: '설정', order: 800 },
      slash: {
        name: 'settings',
        ko: '설정',
        description: 'Broadcasts at once or once a day, quiet hours',
        koDescription: '방송 받는 방법과 조용한 시간을 정합니다',
      },
      handle: (turn) => startSettings(turn),
    },
  ],
  dialogs: [
    defineDialog({
      name: 'settings',
      title: '설정',
      restart: '설정',
      schema: z.object({}),
      step: (turn, state, text) => continueSettings(turn, state, text),
    }),
  ],
});
