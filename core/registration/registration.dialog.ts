import { matchChoice, matchYesNo } from '../conversation/command.match.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import type { DialogState } from '../conversation/dialog.store.ts';
import { setPhoneConsent } from '../phone/phone.consent.usecases.ts';
import * as copy from './registration.copy.ts';
import { whenInWords } from './registration.rules.ts';
import {
  checkMobileFree,
  listDistricts,
  listVillages,
  registrationIntro,
  submitRegistration,
} from './registration.usecases.ts';
import { checkMobile, checkRealName } from './registration.validate.ts';

/** Real-name registration (실명제): consent → name → mobile → district → village → confirm → pending. */
type Data = {
  consentedAt?: string;
  name?: string;
  mobile?: string;
  districtCode?: string;
  villageId?: number;
  /** The consent's phone line (issue 17): SMS to the number given. */
  phone?: 'sms';
};

const DIALOG = 'registration';

export async function startRegistration(turn: Turn): Promise<void> {
  const active = turn.actor.registration;
  if (active?.status === 'approved') {
    turn.reply(
      `이미 ${active.districtName} ${active.villageName} 주민으로 등록되어 있습니다. 할 수 있는 일은 "도움말"을 보내 보세요.`,
    );
    return;
  }
  if (active?.status === 'pending') {
    turn.reply(
      `등록 신청(${active.districtName} ${active.villageName})이 이미 접수되어 이장님 확인을 기다리고 있습니다. 결과가 나오면 바로 알려 드립니다.`,
    );
    return;
  }
  const intro = await registrationIntro({ tx: turn.tx });
  await turn.setDialog({ dialog: DIALOG, step: 'consent', data: {} });
  turn.reply(copy.consentMessage(intro.countyName ?? '군청'));
}

export async function continueRegistration(turn: Turn, state: DialogState, text: string): Promise<void> {
  const data = state.data as Data;
  const step = async (name: string, next: Data) => turn.setDialog({ dialog: DIALOG, step: name, data: next });

  switch (state.step) {
    case 'consent': {
      const choice =
        matchChoice(text, copy.consentChoices) ??
        (matchYesNo(text) === 'yes' ? 0 : matchYesNo(text) === 'no' ? 1 : null);
      if (choice === 1) {
        await turn.setDialog(null);
        turn.reply('알겠습니다. 등록하지 않았습니다. 안내가 필요하시면 언제든 "도움말"을 보내 주세요.');
        return;
      }
      if (choice !== 0 && choice !== 2)
        return turn.reply({ text: '동의하시면 1, 동의하지 않으시면 2를 보내 주세요.', choices: copy.consentChoices });
      await step('name', { consentedAt: turn.now.toISOString(), ...(choice === 2 ? { phone: 'sms' as const } : {}) });
      return turn.reply(copy.askName);
    }
    case 'name': {
      const name = checkRealName(text);
      if (!name.ok) return turn.reply(name.message);
      await step('mobile', { ...data, name: name.value });
      return turn.reply(copy.askMobile);
    }
    case 'mobile': {
      const mobile = checkMobile(text);
      if (!mobile.ok) return turn.reply(mobile.message);
      const free = await checkMobileFree({
        tx: turn.tx,
        deps: turn.deps,
        memberId: turn.actor.memberId,
        mobile: mobile.value,
      });
      if (free.kind === 'taken') {
        // The dialog ends: its mobile step takes any text as the number, and the way on is `연결 123456`.
        await turn.setDialog(null);
        return turn.reply(copy.mobileRegisteredMessage);
      }
      await step('district', { ...data, mobile: mobile.value });
      return turn.reply(copy.askDistrict((await districtList(turn)).map((d) => d.nameKo)));
    }
    case 'district': {
      const list = await districtList(turn);
      const index = matchChoice(
        text,
        list.map((d) => d.nameKo),
      );
      const district = index === null ? undefined : list[index];
      if (!district)
        return turn.reply({
          ...copy.askDistrict(list.map((d) => d.nameKo)),
          text: '목록에 없는 읍·면입니다. 아래에서 번호로 골라 주세요.',
        });
      const villageList = await villagesOf(turn, district.code);
      if (villageList.length === 0)
        return turn.reply(
          `${district.nameKo}에는 아직 등록된 마을이 없습니다. 다른 읍·면을 고르시거나 ${district.nameKo}사무소에 문의해 주세요.`,
        );
      await step('village', { ...data, districtCode: district.code });
      return turn.reply(
        copy.askVillage(
          district.nameKo,
          villageList.map((v) => v.nameKo),
        ),
      );
    }
    case 'village': {
      const found = await listVillages({ tx: turn.tx, districtCode: data.districtCode ?? '' });
      const list = found.kind === 'villages' ? found.villages : [];
      const index = matchChoice(
        text,
        list.map((v) => v.nameKo),
      );
      const village = index === null ? undefined : list[index];
      const districtName = found.kind === 'villages' ? found.district.nameKo : '';
      if (!village)
        return turn.reply({
          ...copy.askVillage(
            districtName,
            list.map((v) => v.nameKo),
          ),
          text: '목록에 없는 마을입니다. 아래에서 번호로 골라 주세요.',
        });
      await step('confirm', { ...data, villageId: village.id });
      return turn.reply(
        copy.confirmMessage({
          name: data.name ?? '',
          mobile: data.mobile ?? '',
          districtName,
          villageName: village.nameKo,
        }),
      );
    }
    case 'confirm': {
      const choice = matchChoice(text, copy.confirmChoices) ?? (matchYesNo(text) === 'yes' ? 0 : null);
      if (choice === 1) {
        await step('name', { consentedAt: data.consentedAt ?? turn.now.toISOString(), phone: data.phone });
        return turn.reply({ text: `처음부터 다시 받겠습니다. ${copy.askName.text}` });
      }
      if (choice !== 0)
        return turn.reply({ text: '신청하시려면 1, 고치시려면 2를 보내 주세요.', choices: copy.confirmChoices });
      return submit(turn, data);
    }
    default:
      await turn.setDialog(null);
      return turn.reply('진행 중이던 대화를 이어갈 수 없어 처음으로 돌아왔습니다. "등록"을 다시 보내 주세요.');
  }
}

async function submit(turn: Turn, data: Data): Promise<void> {
  if (!data.name || !data.mobile || !data.villageId) return incomplete(turn);
  const result = await submitRegistration({
    tx: turn.tx,
    deps: turn.deps,
    memberId: turn.actor.memberId,
    consentedAt: new Date(data.consentedAt ?? turn.now.toISOString()),
    realName: data.name,
    mobile: data.mobile,
    villageId: data.villageId,
  });
  if (result.kind === 'unknown_village') return incomplete(turn);
  if (result.kind === 'mobile_taken') {
    await turn.setDialog(null);
    return turn.reply(copy.mobileRegisteredMessage);
  }
  await turn.setDialog(null);
  if (result.kind !== 'already_active' && data.phone)
    await setPhoneConsent({
      tx: turn.tx,
      deps: turn.deps,
      memberId: turn.actor.memberId,
      mode: data.phone,
      source: 'registration',
    });
  if (result.kind === 'already_active')
    return turn.reply('이미 등록 신청이 되어 있습니다. 결과가 나오면 알려 드립니다.');
  const { reach } = result;
  turn.reply(
    copy.submittedMessage({
      villageName: result.villageName,
      districtName: result.districtName,
      approver: reach.approver,
      heldUntil: reach.queued > 0 && reach.at ? whenInWords(reach.at, turn.now, turn.deps.timezone) : null,
    }),
  );
}

async function incomplete(turn: Turn): Promise<void> {
  await turn.setDialog(null);
  return turn.reply('신청 내용이 완전하지 않아 접수하지 못했습니다. "등록"을 다시 보내 주세요.');
}

async function districtList(turn: Turn) {
  return (await listDistricts({ tx: turn.tx })).districts;
}

async function villagesOf(turn: Turn, districtCode: string) {
  const found = await listVillages({ tx: turn.tx, districtCode });
  return found.kind === 'villages' ? found.villages : [];
}
