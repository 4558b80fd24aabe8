import { z } from 'zod';
import { defineDialog, defineFeature } from '../conversation/feature.types.ts';
import {
  attachToFeedback,
  continueFeedback,
  continueFeedbackText,
  feedbackCommand,
  myFeedbackCommand,
  rateResolvedCommand,
  rateSatisfactionCommand,
  replyCommand,
} from './feedback.commands.ts';
import { answerCommand, closeCommand, takeCommand } from './feedback.staff.commands.ts';

const staffPlaces = ['direct', 'group', 'staff_room'] as const;
const RECEIPT_BUTTON = 'the buttons under each item in the staff room, with its receipt number';

/** 의견: a resident writes, the right office answers, the answer comes back. */
export const feedbackFeature = defineFeature({
  name: 'feedback',
  commands: [
    {
      id: 'feedback',
      ko: ['의견', '건의', '민원', '의견 보내기'],
      en: ['feedback', 'opinion'],
      where: ['direct'],
      wrongPlace: '의견은 저와 1:1 대화방에서 보내 주세요. 개인정보가 단체방에 남지 않도록 도와드립니다.',
      requires: 'registered',
      menu: { label: '의견 보내기', order: 15 },
      slash: {
        name: 'feedback',
        ko: '의견',
        description: 'Send an opinion or complaint to the county',
        koDescription: '군청에 의견이나 불편을 보냅니다',
        options: [
          {
            name: 'content',
            ko: '내용',
            description: 'What you want to say; empty asks for it',
            koDescription: '보낼 내용 (비우면 물어봅니다)',
            type: 'string',
          },
        ],
      },
      handle: (turn, args) => feedbackCommand(turn, args),
    },
    {
      id: 'my_feedback',
      ko: ['내 의견', '내의견', '의견 확인'],
      en: ['my feedback'],
      where: ['direct'],
      requires: 'registered',
      menu: { label: '내 의견', order: 16 },
      slash: {
        name: 'myfeedback',
        ko: '내의견',
        description: 'Your opinions, their status and answers',
        koDescription: '보낸 의견의 처리 상황과 답변을 봅니다',
      },
      handle: (turn) => myFeedbackCommand(turn),
    },
    {
      id: 'answer',
      ko: ['답변'],
      en: ['answer'],
      where: staffPlaces,
      requires: { action: 'feedback.answer' },
      typedOnly: RECEIPT_BUTTON,
      handle: (turn, args) => answerCommand(turn, args),
    },
    {
      id: 'feedback_take',
      ko: ['의견 맡기', '의견 배정'],
      en: ['take'],
      where: staffPlaces,
      requires: { action: 'feedback.answer' },
      typedOnly: RECEIPT_BUTTON,
      handle: (turn, args) => takeCommand(turn, args),
    },
    {
      id: 'feedback_close',
      ko: ['의견 닫기', '의견 종결'],
      en: ['close'],
      where: staffPlaces,
      requires: { action: 'feedback.answer' },
      typedOnly: RECEIPT_BUTTON,
      handle: (turn, args) => closeCommand(turn, args),
    },
    {
      id: 'feedback_reply',
      ko: ['의견 답글', '의견 다시', '답글'],
      en: ['reply', 'reopen'],
      where: ['direct'],
      requires: 'registered',
      typedOnly: 'the 덧붙여 묻기 button under an answer, or with the receipt number from 내 의견',
      handle: (turn, args) => replyCommand(turn, args),
    },
    {
      id: 'feedback_rate',
      ko: ['의견 평가'],
      en: ['rate'],
      where: ['direct'],
      requires: 'registered',
      typedOnly: 'the buttons asking whether a closed item was resolved',
      handle: (turn, args) => rateResolvedCommand(turn, args),
    },
    {
      id: 'feedback_score',
      ko: ['의견 만족'],
      en: ['score'],
      where: ['direct'],
      requires: 'registered',
      typedOnly: 'the 1–5 buttons after a closed item',
      handle: (turn, args) => rateSatisfactionCommand(turn, args),
    },
  ],
  dialogs: [
    defineDialog({
      name: 'feedback',
      title: '의견 쓰기',
      restart: '의견',
      schema: z.object({ attachments: z.array(z.looseObject({ kind: z.string() })).default([]) }),
      freeText: ['text'],
      step: (turn, state, text) => continueFeedback(turn, state, text),
    }),
    defineDialog({
      name: 'feedback_text',
      title: '의견에 글 쓰기',
      restart: '내 의견',
      // `text`: a follow-up kept at step `held` (over the day's limit) until the resident sends "보내기".
      schema: z.object({ command: z.enum(['answer', 'reply']), receipt: z.string(), text: z.string().optional() }),
      freeText: ['text'],
      step: (turn, state, text) => continueFeedbackText(turn, state, text),
    }),
  ],
  onMedia: (turn, media, dialog) => attachToFeedback(turn, media, dialog),
});
