import { defineFeature } from '../conversation/feature.types.ts';
import {
  cancelBroadcastCommand,
  DIRECT_ONLY,
  listBroadcastsCommand,
  sendBroadcastCommand,
} from './broadcast.commands.ts';
import { broadcastConfirmDialog } from './broadcast.dialog.ts';

const everywhere = ['direct', 'group', 'staff_room'] as const;

/** 마을방송: sent by village heads and staff to their scope, read again (and searched) by residents. */
export const broadcastsFeature = defineFeature({
  name: 'broadcasts',
  commands: [
    {
      id: 'send_broadcast',
      ko: ['방송 보내기', '방송 발송', '방송하기'],
      en: ['send broadcast', 'broadcast'],
      // Previewed and confirmed before it goes (broadcast_confirm): a 1:1 chat.
      where: ['direct'],
      opensDialog: 'broadcast_confirm',
      wrongPlace: DIRECT_ONLY,
      requires: { action: 'broadcast.send' },
      menu: { label: '마을방송 보내기', order: 40 },
      slash: {
        name: 'announce',
        ko: '방송보내기',
        description: 'Send a village broadcast (village heads, staff)',
        koDescription: '마을방송을 보냅니다 (이장, 공무원)',
        options: [
          {
            name: 'content',
            ko: '내용',
            description: 'What to announce',
            koDescription: '방송할 내용',
            type: 'string',
            required: true,
          },
          {
            name: 'kind',
            ko: '종류',
            description: 'Urgent ignores quiet hours',
            koDescription: '긴급은 조용한 시간에도 보냅니다',
            type: 'string',
            choices: [
              { name: 'urgent', ko: '긴급', value: '긴급' },
              { name: 'event', ko: '행사', value: '행사' },
            ],
          },
        ],
        // "방송 보내기 [긴급|행사] 내용": the kind comes first in the text, though Discord lists required options first.
        order: ['kind', 'content'],
      },
      handle: (turn, args) => sendBroadcastCommand(turn, args),
    },
    {
      id: 'cancel_broadcast',
      ko: ['방송 취소', '예약 취소', '방송 예약 취소'],
      en: ['cancel broadcast'],
      where: everywhere,
      requires: { action: 'broadcast.send' },
      typedOnly: 'with the number a scheduled broadcast was confirmed with',
      handle: (turn, args) => cancelBroadcastCommand(turn, args),
    },
    {
      id: 'broadcasts',
      ko: ['마을방송', '방송'],
      en: ['broadcasts', 'news'],
      where: everywhere,
      requires: 'approved',
      menu: { label: '지난 마을방송', order: 20 },
      slash: {
        name: 'broadcasts',
        ko: '방송',
        description: "Your village's recent broadcasts",
        koDescription: '우리 마을의 최근 방송을 봅니다',
        options: [
          {
            name: 'query',
            ko: '검색어',
            description: 'Search the broadcasts',
            koDescription: '방송에서 찾을 말',
            type: 'string',
          },
        ],
      },
      handle: (turn, args) => listBroadcastsCommand(turn, args),
    },
  ],
  dialogs: [broadcastConfirmDialog],
});
