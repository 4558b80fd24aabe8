import { z } from 'zod';
import { matchChoice } from '../conversation/command.match.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import { defineDialog } from '../conversation/feature.types.ts';
import { formatKoreanDate } from '../time/county.time.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import type { AnnounceResult } from './workshop.announce.usecases.ts';
import { settlePendingWorkshop, type PendingDecision } from './workshop.create.usecases.ts';
import { lastSignupDay } from './workshop.rules.ts';
import type { Workshop } from './workshop.usecases.ts';
import { josa } from '../text/korean.text.ts';

export const CREATE_CONFIRM_DIALOG = 'workshop_create_confirm';

/** The choices, in order; only the number or the words themselves pick one (never an empty or "?" reply). */
export const deadlineChoices = ['마감을 시작 전으로 바꿔 알리기', '신청 없이 만들기', '만들지 않기'] as const;
const decisions: readonly PendingDecision[] = ['open_until_start', 'no_signup', 'discard'];

/**
 * Asked when 교육 만들기 names a start whose sign-up deadline (3 days before) has already gone: the workshop is kept
 * pending — not announced, not listed, no sign-up — until its creator chooses here.
 */
export async function askAboutDeadline(turn: Turn, w: Workshop): Promise<void> {
  const tz = turn.deps.timezone;
  const last = formatKoreanDate(lastSignupDay(w.startsAt, w.closesDaysBefore, tz), tz);
  await turn.setDialog({ dialog: CREATE_CONFIRM_DIALOG, step: 'deadline', data: { workshopId: w.id } });
  turn.reply({
    text:
      `잠깐만요. ${josa(`「${w.title}」`, '은/는')} ${formatKoreanDateTime(w.startsAt, tz)}에 시작해, 신청 마감(${w.closesDaysBefore}일 전, ${last}까지)이 이미 지났습니다. ` +
      '이대로 알리면 주민은 신청할 수 없습니다. 아직 알리지 않았습니다. 어떻게 할까요?\n' +
      `1. ${deadlineChoices[0]}: 시작 전까지 채팅으로 신청을 받습니다.\n` +
      `2. ${deadlineChoices[1]}: 교육은 만들지만 주민께 알리지 않고 채팅 신청도 받지 않습니다.\n` +
      `3. ${deadlineChoices[2]}`,
    choices: [...deadlineChoices],
  });
}

/** The creator's answer: one of the three, by its number or its words; anything else is asked again. */
export const workshopCreateConfirmDialog = defineDialog({
  name: CREATE_CONFIRM_DIALOG,
  title: '교육 만들기',
  restart: '교육 만들기',
  schema: z.object({ workshopId: z.number().int().positive() }),
  async step(turn, state, text) {
    const index = matchChoice(text, deadlineChoices);
    const decision = index === null ? undefined : decisions[index];
    if (!decision)
      return turn.reply({
        text: '1, 2, 3 가운데 하나를 보내 주세요. 그만두시려면 "취소"를 보내 주세요 (교육은 알리지 않은 채로 둡니다).',
        choices: [...deadlineChoices],
      });
    await turn.setDialog(null);
    const result = await settlePendingWorkshop({
      tx: turn.tx,
      deps: turn.deps,
      creator: { memberId: turn.actor.memberId, grants: turn.actor.grants },
      workshopId: state.data.workshopId,
      decision,
    });
    if (result.kind === 'gone')
      return turn.reply(
        '그 교육은 이미 정리되었거나 시작 시각이 지났습니다. 필요하면 "교육 만들기"로 다시 만들어 주세요.',
      );
    if (result.kind === 'discarded') return turn.reply('교육을 만들지 않았습니다. 아무에게도 알리지 않았습니다.');
    const w = result.workshop;
    if (result.kind === 'announced')
      return createdReply(
        turn,
        w,
        result.announcement,
        `신청은 ${formatKoreanDateTime(w.startsAt, turn.deps.timezone)} 시작 전까지 받습니다.\n`,
      );
    turn.reply(
      `교육 #${w.id} ${josa(`「${w.title}」`, '을/를')} 신청 없이 만들었습니다. ${formatKoreanDateTime(w.startsAt, turn.deps.timezone)}, ${w.place}. 주민께 알리지 않았고 채팅 신청은 받지 않습니다.\n` +
        codeLine(w) +
        nextSteps(w),
    );
  },
});

/** What the creator is told of a workshop just made (or just settled) and announced: the code, what comes next. */
export function createdReply(turn: Turn, w: Workshop, announced: AnnounceResult, preface = ''): void {
  turn.reply(
    `${preface}교육 #${w.id} ${josa(`「${w.title}」`, '을/를')} 만들었습니다. ${formatKoreanDateTime(w.startsAt, turn.deps.timezone)}, ${w.place}, 정원 ${w.capacity}명.\n` +
      codeLine(w) +
      (announced.kind === 'announced'
        ? `주민 ${announced.residents}명과 이장 ${announced.heads}명께 알렸습니다.\n`
        : '') +
      nextSteps(w),
  );
}

export const codeLine = (w: Workshop) =>
  `출석 번호는 ${w.checkInCode}입니다. 교육장에서 알려 주시면 주민이 ${josa(`"출석 ${w.checkInCode}"`, '으로/로')} 출석합니다.\n`;
export const nextSteps = (w: Workshop) =>
  `바꾸기: "교육 변경 ${w.id} 12.11 14:00" · 취소: "교육 취소 ${w.id}" · 신청 현황: "교육 현황 ${w.id}"`;
