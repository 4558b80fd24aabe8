import type { Turn } from '../conversation/conversation.turn.ts';
import type { DialogState } from '../conversation/dialog.store.ts';
import { matchChoice } from '../conversation/command.match.ts';
import {
  DIGEST_TIMES,
  describeSettings,
  loadSettings,
  type MemberSettings,
  QUIET_WINDOWS,
  type SettingsChange,
  updateSettings,
} from './settings.usecases.ts';
import { mayChooseDigest } from './settings.rules.ts';
import { josa } from '../text/korean.text.ts';

export const topics = ['마을방송 받는 방법', '모아 받는 시각', '알림 쉬는 시간', '마치기'];
const modes = ['즉시 받기', '하루 한 번 모아 받기'];
const quietLabels = QUIET_WINDOWS.map((w) => w.label);

/** 설정: shows the current settings and asks which to change (numbered); it stays open until 마치기 or 취소. */
export async function startSettings(turn: Turn): Promise<void> {
  await showTopics(turn, '지금 설정입니다.');
}

/** The current settings and the topics, after each change too: the person stays where they are until done. */
async function showTopics(turn: Turn, lead: string, known?: MemberSettings): Promise<void> {
  const loaded = known ? undefined : await loadSettings({ tx: turn.tx, memberId: turn.actor.memberId });
  const current = known ?? (loaded?.kind === 'found' ? loaded.settings : undefined);
  if (!current) {
    await turn.setDialog(null);
    return turn.reply('설정을 불러오지 못했습니다. 잠시 뒤 "설정"을 다시 보내 주세요.');
  }
  await turn.setDialog({ dialog: 'settings', step: 'topic', data: {} });
  turn.reply({
    text: [
      lead,
      ...describeSettings(current),
      '바꾸실 항목의 번호를 보내 주세요. 다 되셨으면 "마치기"를 골라 주세요.',
    ].join('\n'),
    choices: topics,
  });
}

export async function continueSettings(turn: Turn, state: DialogState, text: string): Promise<void> {
  if (state.step === 'topic') return chooseTopic(turn, text);
  if (state.step === 'mode') {
    const i = matchChoice(text, modes);
    if (i === null)
      return turn.reply({ text: '1이나 2를 보내 주세요. 그만두시려면 "취소"를 보내 주세요.', choices: modes });
    return apply(turn, { broadcastMode: i === 1 ? 'digest' : 'instant' });
  }
  if (state.step === 'time') {
    const i = matchChoice(text, DIGEST_TIMES);
    const time = i === null ? undefined : DIGEST_TIMES[i];
    if (!time)
      return turn.reply({
        text: '목록의 번호를 보내 주세요. 그만두시려면 "취소"를 보내 주세요.',
        choices: [...DIGEST_TIMES],
      });
    return apply(turn, { digestTime: time });
  }
  const i = matchChoice(text, quietLabels);
  const window = i === null ? undefined : QUIET_WINDOWS[i];
  if (!window)
    return turn.reply({ text: '목록의 번호를 보내 주세요. 그만두시려면 "취소"를 보내 주세요.', choices: quietLabels });
  return apply(turn, { quietStart: window.start, quietEnd: window.end });
}

async function chooseTopic(turn: Turn, text: string): Promise<void> {
  const i = matchChoice(text, topics);
  if (i === null) return turn.reply({ text: '바꾸실 항목의 번호를 보내 주세요.', choices: topics });
  if (i === 3) {
    await turn.setDialog(null);
    return turn.reply('설정을 마쳤습니다.');
  }
  // Digests are of one's village's broadcasts: only a resident whose registration was approved has a village.
  if (i < 2 && !mayChooseDigest(turn.actor.registration?.status))
    return turn.reply({
      text: '마을방송 받는 방법은 실명 등록이 승인된 주민만 고르실 수 있습니다. 먼저 "등록"을 해 주세요. 알림 쉬는 시간은 지금 바꾸실 수 있습니다.',
      choices: topics,
    });
  const step = (['mode', 'time', 'quiet'] as const)[i] ?? 'quiet';
  await turn.setDialog({ dialog: 'settings', step, data: {} });
  if (step === 'mode')
    return turn.reply({
      text: '마을방송을 어떻게 받으시겠어요? 긴급 방송은 어느 쪽이든 바로 보내 드립니다.',
      choices: modes,
    });
  if (step === 'time')
    return turn.reply({ text: '하루 한 번 모아 받으실 시각을 골라 주세요.', choices: [...DIGEST_TIMES] });
  return turn.reply({
    text: '이 시간에는 알림을 보내지 않고 끝나면 보내 드립니다. 긴급 방송은 바로 보내 드립니다.',
    choices: quietLabels,
  });
}

async function apply(turn: Turn, change: SettingsChange): Promise<void> {
  const result = await updateSettings({
    tx: turn.tx,
    member: { memberId: turn.actor.memberId, registrationStatus: turn.actor.registration?.status },
    change,
  });
  if (result.kind === 'not_resident')
    return showTopics(turn, '마을방송 받는 방법은 실명 등록이 승인된 주민만 고르실 수 있습니다.');
  if (result.kind !== 'updated') return showTopics(turn, '그 설정으로는 바꿀 수 없습니다. 목록에서 골라 주세요.');
  const now = result.settings;
  const said =
    'broadcastMode' in change
      ? now.broadcastMode === 'digest'
        ? `이제 마을방송을 하루 한 번 ${now.digestTime}에 모아 보내 드립니다. 긴급 방송은 바로 보내 드립니다.`
        : '이제 마을방송을 오는 대로 바로 보내 드립니다.'
      : 'digestTime' in change
        ? `모아 받는 시각을 ${josa(now.digestTime, '으로/로')} 바꿨습니다.${now.broadcastMode === 'instant' ? ' 지금은 "즉시 받기"입니다. 모아 받으시려면 "설정"에서 1번을 골라 주세요.' : ''}`
        : now.quietStart === now.quietEnd
          ? '이제 쉬는 시간 없이 알림을 보내 드립니다.'
          : `알림 쉬는 시간을 ${now.quietStart} ~ ${josa(now.quietEnd, '으로/로')} 바꿨습니다.`;
  await showTopics(turn, `${said}\n\n바뀐 설정입니다.`, now);
}
