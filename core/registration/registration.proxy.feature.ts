import { z } from 'zod';
import { defineDialog, defineFeature } from '../conversation/feature.types.ts';
import {
  continueProxyRegistration,
  PROXY_DIALOG,
  proxyWithdrawCommand,
  startProxyRegistration,
} from './registration.proxy.dialog.ts';

/** 대신 등록 / 대신 탈퇴 (issue 17): residents without a chat app, registered by their village head or staff. */
export const proxyRegistrationFeature = defineFeature({
  name: 'proxy_registration',
  commands: [
    {
      id: 'proxy_register',
      ko: ['대신 등록', '대리 등록'],
      en: ['register-for', 'proxy-register'],
      where: ['direct'],
      requires: { action: 'registration.decide' },
      opensDialog: PROXY_DIALOG,
      menu: { label: '주민 대신 등록 (채팅 앱 없는 분)', order: 35 },
      slash: {
        name: 'register-for',
        ko: '대신등록',
        description: 'Register a resident who has no chat app (village heads, staff)',
        koDescription: '채팅 앱이 없는 주민을 대신 등록합니다 (이장, 공무원)',
      },
      handle: (turn) => startProxyRegistration(turn),
    },
    {
      id: 'proxy_withdraw',
      ko: ['대신 탈퇴'],
      en: ['withdraw-for'],
      where: ['direct'],
      requires: { action: 'registration.decide' },
      typedOnly: 'the number given when the resident was registered for (대신 등록)',
      slash: {
        name: 'withdraw-for',
        ko: '대신탈퇴',
        description: 'Withdraw a resident you registered for',
        koDescription: '대신 등록한 주민을 탈퇴 처리합니다',
        options: [
          {
            name: 'number',
            ko: '번호',
            type: 'integer',
            description: 'Registration number',
            koDescription: '등록 번호',
          },
        ],
      },
      handle: (turn, args) => proxyWithdrawCommand(turn, args),
    },
  ],
  dialogs: [
    defineDialog({
      name: PROXY_DIALOG,
      title: '대신 등록',
      restart: '대신 등록',
      schema: z.object({
        name: z.string().optional(),
        mobile: z.string().optional(),
        villageId: z.number().optional(),
        mode: z.enum(['sms', 'voice']).optional(),
      }),
      freeText: ['name', 'mobile', 'village'],
      step: (turn, state, text) => continueProxyRegistration(turn, state, text),
    }),
  ],
});
