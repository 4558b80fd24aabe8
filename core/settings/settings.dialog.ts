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
import { chooseFirstPlatform, listLinked } from '../linking/linking.usecases.ts';
import { describeLinked, platformLabel } from '../linking/linking.rules.ts';
import { phoneConsentOf, setPhoneConsent } from '../phone/phone.consent.usecases.ts';
import { phoneModeChoices } from '../phone/phone.rules.ts';

export const topics = [
  '마을방송 받는 방법',
  '모아 받는 시각',
  '알림 쉬는 시간',
  '먼저 받을 메신저',
  '휴대전화로 받기',
  '마치기',
];
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
      ...(await linkedLines(turn)),
      '바꾸실 항목의 번호를 보내 주세요. 다 되셨으면 "마치기"를 골라 주세요.',
    ].join('\n'),
    choices: topics,
  });
}

export async function continueSettings(turn: Turn, state: DialogState, text: string): Promise<void> {
  if (state.step === 'topic') return chooseTopic(turn, text);
  if (state.step === 'platform') return choosePlatform(turn, text);
  if (state.step === 'phone') return choosePhone(turn, text);
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
  if (topics[i] === '마치기') {
    await turn.setDialog(null);
    return turn.reply('설정을 마쳤습니다.');
  }
  // Digests are of one's village's broadcasts: only a resident whose registration was approved has a village.
  if (i < 2 && !mayChooseDigest(turn.actor.registration?.status))
    return turn.reply({
      text: '마을방송 받는 방법은 실명 등록이 승인된 주민만 고르실 수 있습니다. 먼저 "등록"을 해 주세요. 알림 쉬는 시간은 지금 바꾸실 수 있습니다.',
      choices: topics,
    });
  if (topics[i] === '먼저 받을 메신저') return askPlatform(turn);
  if (topics[i] === '휴대전화로 받기') return askPhone(turn);
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

/** 연결 (core/linking): the person's messengers in their order, when there is more than one. */
async function linkedLines(turn: Turn): Promise<string[]> {
  const { identities } = await listLinked({ tx: turn.tx, memberId: turn.actor.memberId });
  if (identities.length < 2) return ['· 연결된 메신저: 이곳 하나 (다른 메신저도 쓰시려면 "연결")'];
  return [
    '· 연결된 메신저 (알림은 1번으로, 안 되면 다음으로):',
    ...describeLinked(
      identities.map((i) => i.platform),
      turn.actor.platform,
    ).map((l) => `  ${l}`),
  ];
}

async function askPlatform(turn: Turn): Promise<void> {
  const { identities } = await listLinked({ tx: turn.tx, memberId: turn.actor.memberId });
  if (identities.length < 2)
    return turn.reply({
      text: '연결된 메신저가 이곳 하나뿐입니다. 다른 메신저에서도 받으시려면 설정을 마치고 "연결"을 보내 주세요.',
      choices: topics,
    });
  await turn.setDialog({ dialog: 'settings', step: 'platform', data: {} });
  return turn.reply({
    text: '알림을 먼저 받으실 메신저를 골라 주세요. 그곳으로 보내지 못하면 다음 메신저로 보내 드립니다.',
    choices: identities.map((i) => platformLabel(i.platform)),
  });
}

async function choosePlatform(turn: Turn, text: string): Promise<void> {
  const { identities } = await listLinked({ tx: turn.tx, memberId: turn.actor.memberId });
  const labels = identities.map((i) => platformLabel(i.platform));
  const i = matchChoice(text, labels);
  const chosen = i === null ? undefined : identities[i];
  if (!chosen)
    return turn.reply({ text: '목록의 번호를 보내 주세요. 그만두시려면 "취소"를 보내 주세요.', choices: labels });
  const result = await chooseFirstPlatform({ tx: turn.tx, memberId: turn.actor.memberId, identityId: chosen.id });
  if (result.kind !== 'ordered') return showTopics(turn, '그 메신저를 찾지 못했습니다. 다시 골라 주세요.');
  await showTopics(
    turn,
    `이제 알림을 ${josa(platformLabel(chosen.platform), '으로/로')} 먼저 보내 드립니다.\n\n바뀐 설정입니다.`,
  );
}

/** 휴대전화로 받기 (issue 17): 문자로 받기 / 전화로 듣기 / 받지 않기 — consent to phone delivery, given or taken back here. */
const phoneLabels = phoneModeChoices.map((c) => c.label);

async function askPhone(turn: Turn): Promise<void> {
  const mode = await phoneConsentOf({ tx: turn.tx, memberId: turn.actor.memberId });
  const now = phoneModeChoices.find((c) => c.mode === mode)?.label ?? '받지 않기';
  await turn.setDialog({ dialog: 'settings', step: 'phone', data: {} });
  return turn.reply({
    text: `등록하신 휴대전화로도 알림을 받으시겠어요? (지금: ${now}) 채팅으로 보내지 못할 때와 긴급 방송은 문자로, "전화로 듣기"는 마을방송을 전화로 읽어 드립니다. 문자 비용은 군청이 냅니다.`,
    choices: phoneLabels,
  });
}

async function choosePhone(turn: Turn, text: string): Promise<void> {
  const i = matchChoice(text, phoneLabels);
  const choice = i === null ? undefined : phoneModeChoices[i];
  if (!choice)
    return turn.reply({ text: '목록의 번호를 보내 주세요. 그만두시려면 "취소"를 보내 주세요.', choices: phoneLabels });
  const result = await setPhoneConsent({
    tx: turn.tx,
    deps: turn.deps,
    memberId: turn.actor.memberId,
    mode: choice.mode,
    source: 'settings',
  });
  if (result.kind === 'no_number') return showTopics(turn, '등록된 휴대전화 번호가 없습니다. 먼저 "등록"을 해 주세요.');
  const said =
    choice.mode === 'none'
      ? '이제 휴대전화로는 알림을 보내지 않습니다.'
      : choice.mode === 'voice'
        ? '이제 마을방송을 전화로도 읽어 드립니다. 그만 받으시려면 여기서 "받지 않기"를 골라 주세요.'
        : '이제 채팅으로 보내지 못할 때와 긴급 방송은 문자로 보내 드립니다.';
  await showTopics(turn, `${said}\n\n바뀐 설정입니다.`);
}
