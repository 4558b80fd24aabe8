import { z } from 'zod';
import { defineDialog, defineFeature } from '../conversation/feature.types.ts';
import { continueWithdrawal, decideCommand, startWithdrawal } from './registration.commands.ts';
import { continueRegistration, startRegistration } from './registration.dialog.ts';

const NUMBER_OPTION = { name: 'number', ko: '번호', type: 'integer' } as const;

/** 실명 등록, its approval by the village head or staff, and 탈퇴. */
export const registrationFeature = defineFeature({
  name: 'registration',
  commands: [
    {
      id: 'register',
      ko: ['등록', '회원가입', '가입', '실명등록'],
      en: ['register', 'signup', 'join'],
      where: ['direct'],
      requires: 'anyone',
      opensDialog: 'registration',
      menu: [
        { label: '실명 등록', order: 10, for: 'unregistered' },
        { label: '등록 신청 확인', order: 10, for: 'pending' },
      ],
      slash: {
        name: 'register',
        ko: '등록',
        description: 'Register as a resident by real name',
        koDescription: '실명으로 주민 등록을 합니다',
      },
      handle: (turn) => startRegistration(turn),
    },
    {
      id: 'approve',
      ko: ['승인'],
      en: ['approve'],
      // The list names people in full: never in a village group chat.
      where: ['direct', 'staff_room'],
      requires: { action: 'registration.decide' },
      menu: { label: '등록 신청 승인', order: 30 },
      slash: {
        name: 'approve',
        ko: '승인',
        description: 'Approve a registration (village heads, staff)',
        koDescription: '등록 신청을 승인합니다 (이장, 공무원)',
        options: [
          {
            ...NUMBER_OPTION,
            description: 'Registration number; empty lists those waiting',
            koDescription: '신청 번호 (비우면 대기 목록)',
          },
        ],
      },
      handle: (turn, args) => decideCommand(turn, 'approved', args),
    },
    {
      id: 'reject',
      ko: ['거절', '반려'],
      en: ['reject'],
      where: ['direct', 'staff_room'],
      requires: { action: 'registration.decide' },
      typedOnly: 'the 거절 buttons of the 승인 list',
      slash: {
        name: 'reject',
        ko: '거절',
        description: 'Reject a registration (village heads, staff)',
        koDescription: '등록 신청을 거절합니다 (이장, 공무원)',
        options: [
          {
            ...NUMBER_OPTION,
            description: 'Registration number; empty lists those waiting',
            koDescription: '신청 번호 (비우면 대기 목록)',
          },
        ],
      },
      handle: (turn, args) => decideCommand(turn, 'rejected', args),
    },
    {
      id: 'withdraw',
      ko: ['탈퇴', '회원탈퇴'],
      en: ['leave', 'withdraw', 'unregister'],
      where: ['direct'],
      requires: 'registered',
      opensDialog: 'withdrawal',
      menu: { label: '탈퇴', order: 900 },
      slash: {
        name: 'leave',
        ko: '탈퇴',
        description: 'Withdraw and erase your name and number',
        koDescription: '탈퇴하고 이름과 번호를 지웁니다',
      },
      handle: (turn) => startWithdrawal(turn),
    },
  ],
  dialogs: [
    defineDialog({
      name: 'registration',
      title: '실명 등록',
      restart: '등록',
      schema: z.object({
        consentedAt: z.string().optional(),
        name: z.string().optional(),
        mobile: z.string().optional(),
        districtCode: z.string().optional(),
        villageId: z.number().optional(),
        phone: z.literal('sms').optional(),
      }),
      // A name and a mobile number are free text: "등록해요" typed as a name is the name, not a command.
      freeText: ['name', 'mobile'],
      step: (turn, state, text) => continueRegistration(turn, state, text),
    }),
    defineDialog({
      name: 'withdrawal',
      title: '탈퇴',
      restart: '탈퇴',
      schema: z.object({}),
      step: (turn, state, text) => continueWithdrawal(turn, state, text),
    }),
  ],
});
