import { josa } from '../text/korean.text.ts';
import { matchChoice, matchYesNo } from '../conversation/command.match.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import type { DialogState } from '../conversation/dialog.store.ts';
import { maskMobile } from '../privacy/privacy.mask.ts';
import { proxyFormChoices, proxyModeChoices } from './registration.proxy.rules.ts';
import { checkProxyNumber, proxyVillages, registerByProxy, withdrawByProxy } from './registration.proxy.usecases.ts';
import { checkMobile, checkRealName } from './registration.validate.ts';

/** 대신 등록: name → mobile → village (skipped when one) → phone (text and calls, or text) → the signed form → done. */
type Data = { name?: string; mobile?: string; villageId?: number; mode?: 'sms' | 'voice' };

export const PROXY_DIALOG = 'proxy_registration';
const LIST_MAX = 30;

export async function startProxyRegistration(turn: Turn): Promise<void> {
  await turn.setDialog({ dialog: PROXY_DIALOG, step: 'name', data: {} });
  turn.reply(
    '채팅 앱이 없는 주민을 대신 등록합니다. 주민께서 서명하신 개인정보 동의서가 있어야 합니다.\n주민의 실명을 입력해 주세요. (그만두시려면 "취소")',
  );
}

export async function continueProxyRegistration(turn: Turn, state: DialogState, text: string): Promise<void> {
  const data = state.data as Data;
  const step = (name: string, next: Data) => turn.setDialog({ dialog: PROXY_DIALOG, step: name, data: next });
  const villages = () => proxyVillages({ tx: turn.tx, grants: turn.actor.grants });
  switch (state.step) {
    case 'name': {
      const name = checkRealName(text);
      if (!name.ok) return turn.reply(name.message);
      await step('mobile', { name: name.value });
      return turn.reply('주민의 휴대전화 번호를 입력해 주세요. (예: 010-1234-5678)');
    }
    case 'mobile': {
      const mobile = checkMobile(text);
      if (!mobile.ok) return turn.reply(mobile.message);
      const used = await checkProxyNumber({ tx: turn.tx, deps: turn.deps, mobile: mobile.value });
      if (used.kind === 'taken')
        return turn.reply('이 번호는 이미 등록되어 있습니다. 번호를 확인해 다시 입력해 주세요.');
      if (used.kind === 'appointed')
        return turn.reply(
          '이 번호는 이장·담당자로 정해진 분의 번호라 읍·면사무소에서 등록합니다. 다른 번호를 입력해 주세요.',
        );
      const list = await villages();
      const next = { ...data, mobile: mobile.value };
      if (list.length === 1) return askMode(turn, { ...next, villageId: list[0]?.id ?? 0 });
      await step('village', next);
      return turn.reply(villageQuestion(list.map((v) => `${v.districtName} ${v.nameKo}`)));
    }
    case 'village': {
      const list = await villages();
      const labels = list.map((v) => `${v.districtName} ${v.nameKo}`);
      const index =
        matchChoice(text, labels) ?? list.findIndex((v) => v.nameKo === text.trim() || labels.includes(text.trim()));
      const village = index === null || index < 0 ? undefined : list[index];
      if (!village) return turn.reply(villageQuestion(labels, '맡으신 곳에 없는 마을입니다. '));
      return askMode(turn, { ...data, villageId: village.id });
    }
    case 'mode': {
      const choice = matchChoice(text, proxyModeChoices);
      if (choice === null) return turn.reply({ text: '1 또는 2를 보내 주세요.', choices: proxyModeChoices });
      await step('form', { ...data, mode: choice === 0 ? 'voice' : 'sms' });
      return turn.reply({
        text: `${data.name ?? ''}님(${maskMobile(data.mobile ?? '')})께서 서명하신 개인정보 수집·이용 및 문자·전화 수신 동의서를 보관하고 계십니까?`,
        choices: proxyFormChoices,
      });
    }
    case 'form': {
      const choice =
        matchChoice(text, proxyFormChoices) ?? (matchYesNo(text) === 'yes' ? 0 : matchYesNo(text) === 'no' ? 1 : null);
      if (choice === null) return turn.reply({ text: '1 또는 2를 보내 주세요.', choices: proxyFormChoices });
      await turn.setDialog(null);
      if (choice === 1)
        return turn.reply(
          '동의서가 있어야 대신 등록할 수 있습니다. 주민께 동의서에 서명을 받으신 뒤 다시 "대신 등록"을 보내 주세요.',
        );
      return submit(turn, data);
    }
    default:
      await turn.setDialog(null);
      return turn.reply('진행 중이던 대화를 이어갈 수 없습니다. "대신 등록"을 다시 보내 주세요.');
  }
}

async function askMode(turn: Turn, data: Data): Promise<void> {
  await turn.setDialog({ dialog: PROXY_DIALOG, step: 'mode', data });
  turn.reply({ text: '마을방송을 어떻게 알려 드릴까요? 전화는 내용을 읽어 드립니다.', choices: proxyModeChoices });
}

function villageQuestion(labels: string[], prefix = ''): { text: string; choices?: string[] } {
  if (labels.length <= LIST_MAX) return { text: `${prefix}주민이 사는 마을을 골라 주세요.`, choices: labels };
  return { text: `${prefix}주민이 사는 마을 이름을 입력해 주세요. (예: 고성1리)` };
}

async function submit(turn: Turn, data: Data): Promise<void> {
  const head = turn.actor.grants.some((g) => g.role === 'village_head');
  const result = await registerByProxy({
    tx: turn.tx,
    deps: turn.deps,
    actor: {
      memberId: turn.actor.memberId,
      grants: turn.actor.grants,
      label: head
        ? turn.actor.registration?.realName
          ? `이장 ${turn.actor.registration.realName}님`
          : '이장님'
        : '담당 공무원',
    },
    realName: data.name ?? '',
    mobile: data.mobile ?? '',
    villageId: data.villageId ?? 0,
    mode: data.mode ?? 'sms',
    formHeld: true,
    confirmedAt: turn.now,
  });
  if (result.kind === 'registered')
    return turn.reply(
      `${data.name ?? ''}님을 ${result.villageName} 주민으로 등록했습니다 (#${result.registrationId}). 등록되었다는 문자를 보내 드립니다. 그만 받으시려면 주민께서 "거부"라고 답장하시거나, ${josa(`"대신 탈퇴 ${result.registrationId}"`, '을/를')} 보내 주세요.`,
    );
  const why: Record<Exclude<typeof result.kind, 'registered'>, string> = {
    forbidden: '맡으신 마을의 주민만 대신 등록할 수 있습니다.',
    unknown_village: '마을을 찾지 못했습니다. "대신 등록"을 다시 보내 주세요.',
    taken: '이 번호는 이미 등록되어 있습니다.',
    appointed: '이 번호는 읍·면사무소에서 등록합니다.',
    no_form: '동의서가 있어야 대신 등록할 수 있습니다.',
  };
  return turn.reply(why[result.kind]);
}

/** 대신 탈퇴 번호: the head withdraws a resident they registered; the name and number are erased at once. */
export async function proxyWithdrawCommand(turn: Turn, args: string): Promise<void> {
  const id = Number(/\d+/.exec(args)?.[0] ?? NaN);
  if (!Number.isInteger(id)) return turn.reply('대신 등록하신 번호를 함께 보내 주세요. (예: 대신 탈퇴 12)');
  const result = await withdrawByProxy({ tx: turn.tx, deps: turn.deps, grants: turn.actor.grants, registrationId: id });
  if (result.kind === 'withdrawn') return turn.reply(`#${id} 주민을 탈퇴 처리했습니다. 이름과 번호를 지웠습니다.`);
  return turn.reply(`대신 등록하신 주민 중에 ${josa(`#${id}`, '이/가')} 없습니다.`);
}
