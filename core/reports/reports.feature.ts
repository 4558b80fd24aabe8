import { defineFeature } from '../conversation/feature.types.ts';
import { reportAnswerCommand, reportCommand } from './report.commands.ts';

/** 보고: a village head's report up to the district office, and the office's answer back down. */
export const reportsFeature = defineFeature({
  name: 'reports',
  commands: [
    {
      id: 'report',
      ko: ['보고', '보고하기'],
      en: ['report'],
      where: ['direct', 'group', 'staff_room'],
      requires: { role: 'village_head' },
      menu: { label: '읍·면에 보고', order: 46 },
      slash: {
        name: 'report',
        ko: '보고',
        description: 'Report a village matter to the district office (village heads)',
        koDescription: '마을 일을 읍·면사무소에 보고합니다 (이장)',
        options: [
          {
            name: 'content',
            ko: '내용',
            description: 'What to report',
            koDescription: '보고할 내용',
            type: 'string',
            required: true,
          },
        ],
      },
      handle: (turn, args) => reportCommand(turn, args),
    },
    {
      id: 'report_answer',
      ko: ['보고답변', '보고 답변'],
      en: ['report answer'],
      where: ['direct', 'group', 'staff_room'],
      requires: { action: 'report.answer' },
      typedOnly: 'with the report number shown in the staff room',
      handle: (turn, args) => reportAnswerCommand(turn, args),
    },
  ],
});
