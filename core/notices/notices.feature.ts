import { DIRECT_ONLY, statusCommand } from '../broadcasts/broadcast.commands.ts';
import { defineFeature } from '../conversation/feature.types.ts';
import {
  acknowledgeNoticeCommand,
  noticeStatusCommand,
  recentNoticesBlock,
  relayNoticeCommand,
  reviseNoticeCommand,
  sendNoticeCommand,
} from './notice.commands.ts';
import { noticeConfirmDialog } from './notice.dialog.ts';

const everywhere = ['direct', 'group', 'staff_room'] as const;

/** 이장넷: notices to village heads, acknowledged and relayed into village chats; 현황 of notices and broadcasts. */
export const noticesFeature = defineFeature({
  name: 'notices',
  commands: [
    {
      id: 'notice_send',
      ko: ['공지', '공지 보내기', '공지하기'],
      en: ['notice', 'send notice'],
      // Previewed and confirmed before it goes (notice_confirm): a 1:1 chat.
      where: ['direct'],
      opensDialog: 'notice_confirm',
      wrongPlace: DIRECT_ONLY,
      requires: { action: 'notice.send' },
      menu: { label: '이장 공지 보내기', order: 42 },
      slash: {
        name: 'notice',
        ko: '공지',
        description: 'Send a notice to village heads (staff)',
        koDescription: '이장님들께 공지를 보냅니다 (공무원)',
        options: [
          {
            name: 'content',
            ko: '내용',
            description: 'The notice; [중요] [곳] [기한 …] may lead it',
            koDescription: '공지 내용 ([중요] [곳] [기한 …]을 앞에 붙일 수 있습니다)',
            type: 'string',
            required: true,
          },
        ],
      },
      handle: (turn, args) => sendNoticeCommand(turn, args),
    },
    {
      id: 'notice_ack',
      ko: ['공지 확인'],
      en: ['ack', 'acknowledge'],
      where: everywhere,
      requires: { role: 'village_head' },
      typedOnly: 'the 확인 button under each notice',
      handle: (turn, args) => acknowledgeNoticeCommand(turn, args),
    },
    {
      id: 'notice_relay',
      ko: ['공지 전달', '마을방에 전달', '전달'],
      en: ['relay'],
      where: everywhere,
      requires: { action: 'notice.relay' },
      typedOnly: 'the 마을방에 전달 button under each notice',
      handle: (turn, args) => relayNoticeCommand(turn, args),
    },
    {
      id: 'notice_correct',
      ko: ['공지 정정'],
      en: ['correct notice'],
      where: everywhere,
      requires: { action: 'notice.send' },
      typedOnly: 'with the number of a notice one sent',
      handle: (turn, args) => reviseNoticeCommand(turn, args, 'correct'),
    },
    {
      id: 'notice_withdraw',
      ko: ['공지 철회'],
      en: ['withdraw notice'],
      where: everywhere,
      requires: { action: 'notice.send' },
      typedOnly: 'with the number of a notice one sent',
      handle: (turn, args) => reviseNoticeCommand(turn, args, 'withdraw'),
    },
    {
      id: 'status',
      ko: ['현황'],
      en: ['status'],
      where: everywhere,
      requires: { action: 'broadcast.send' },
      menu: { label: '현황', order: 45 },
      slash: {
        name: 'status',
        ko: '현황',
        description: 'Broadcasts sent, waiting, failed (village heads, staff)',
        koDescription: '방송 발송 현황을 봅니다 (이장, 공무원)',
      },
      // 현황 N: one notice's hops; bare 현황: the broadcasts, then a short block of recent notices.
      async handle(turn, args) {
        if (/^#?\d/.test(args)) return noticeStatusCommand(turn, args);
        await statusCommand(turn);
        await recentNoticesBlock(turn);
      },
    },
  ],
  dialogs: [noticeConfirmDialog],
});
