import type { OutboundMessage } from '../channel/channel.types.ts';
import { formatMobile, maskMobile } from '../privacy/privacy.mask.ts';

/** The registration dialog's words, in one place, polite and short: one idea a message. */
export const CONSENT_VERSION = '2026-11-v1';

/** The third: consent to the phone too (issue 17), the number given below then gets SMS (a fallback, and 긴급). */
export const consentChoices = ['동의합니다', '동의하지 않습니다', '동의하고, 휴대전화 문자로도 받겠습니다'];

export function consentMessage(countyName: string): OutboundMessage {
  return {
    text: [
      `[개인정보 수집·이용 동의]`,
      `${countyName} 주민 소통 채널 실명 등록을 위해 아래 정보를 받습니다.`,
      `• 목적: 주민 확인(실명제), 이장님 승인, 마을방송·공지 전달`,
      `• 항목: 이름, 휴대전화 번호, 사는 마을`,
      `• 보관: 탈퇴하실 때까지 (탈퇴하면 이름과 번호를 바로 지웁니다)`,
      `• 동의하지 않으셔도 됩니다. 그 경우 등록은 되지 않지만 안내와 도움말은 계속 쓰실 수 있습니다.`,
      `• 휴대전화 문자(선택, 3번): 채팅으로 보내지 못할 때와 긴급 방송을 등록하신 번호로 문자로도 보내 드립니다. "설정"에서 언제든 끄실 수 있습니다.`,
      ``,
      `동의하십니까? (그만두시려면 언제든 "취소")`,
    ].join('\n'),
    choices: consentChoices,
  };
}

export const askName: OutboundMessage = { text: '실명을 입력해 주세요. (예: 홍길동)' };
export const askMobile: OutboundMessage = { text: '알림을 받으실 휴대전화 번호를 입력해 주세요. (예: 010-1234-5678)' };

export function askDistrict(names: string[]): OutboundMessage {
  return { text: '사시는 읍·면을 골라 번호로 보내 주세요.', choices: names };
}

export function askVillage(districtName: string, names: string[]): OutboundMessage {
  return { text: `${districtName}에서 사시는 마을을 골라 번호로 보내 주세요.`, choices: names };
}

/**
 * The number is registered already (pending or approved): perhaps by this very person on another messenger. They are
 * told how to link (core/linking) — and nothing about that registration (whose, where, on which platform): whoever
 * merely knows a number learns only what "taken" always said.
 */
export const mobileRegisteredMessage: OutboundMessage = {
  text: [
    '이 번호로는 이미 등록되어 있어 여기서 새로 등록할 수 없습니다.',
    '다른 메신저에서 이 번호로 등록하셨다면, 두 곳을 연결하시면 됩니다:',
    '1) 등록하신 메신저에서 "연결"을 보내 6자리 번호를 받으시고',
    '2) 여기에 "연결 123456"처럼 그 번호를 보내 주세요.',
    '본인 번호가 아니라면 "등록"을 다시 보내 번호를 확인해 입력해 주세요. 도움이 필요하시면 읍·면사무소에 문의해 주세요.',
  ].join('\n'),
};

export const confirmChoices = ['네, 신청합니다', '처음부터 다시'];

export function confirmMessage(input: {
  name: string;
  mobile: string;
  districtName: string;
  villageName: string;
}): OutboundMessage {
  return {
    text: [
      '입력하신 내용을 확인해 주세요.',
      `• 이름: ${input.name}`,
      `• 휴대전화: ${formatMobile(input.mobile)}`,
      `• 마을: ${input.districtName} ${input.villageName}`,
      '',
      '이대로 신청할까요?',
    ].join('\n'),
    choices: confirmChoices,
  };
}

/**
 * `heldUntil`: when the request reaches the approver, in words ("내일 07:00"), if it waits for their quiet hours.
 * `approver`: the village head decides; else the district office or the county (no head, or an appointed number).
 */
export function submittedMessage(input: {
  villageName: string;
  districtName: string;
  approver: 'head' | 'district' | 'county';
  heldUntil: string | null;
}): OutboundMessage {
  const who =
    input.approver === 'head'
      ? `${input.villageName} 이장님`
      : input.approver === 'district'
        ? `${input.districtName} 담당자`
        : '군청 담당자';
  if (input.heldUntil)
    return {
      text: `등록 신청이 접수되었습니다. 지금은 쉬는 시간이라 ${who}께 ${input.heldUntil}에 전해집니다. 확인하신 뒤 결과를 알려 드립니다.`,
    };
  return {
    text: `등록 신청이 접수되었습니다. ${who}${input.approver === 'head' ? '이' : '가'} 확인하신 뒤 결과를 알려 드립니다.`,
  };
}

export function approvalRequest(input: {
  registrationId: number;
  name: string;
  mobile: string;
  districtName: string;
  villageName: string;
}): OutboundMessage {
  return {
    text: [
      `[주민 등록 신청 #${input.registrationId}]`,
      `${input.districtName} ${input.villageName} 주민 등록 신청이 왔습니다.`,
      `• 이름: ${input.name}`,
      `• 휴대전화: ${maskMobile(input.mobile)}`,
      '우리 마을 주민이 맞으면 승인해 주세요.',
    ].join('\n'),
    buttons: [
      { label: '승인', command: `승인 ${input.registrationId}` },
      { label: '거절', command: `거절 ${input.registrationId}` },
    ],
  };
}

export function approvedNotice(villageName: string): OutboundMessage {
  return {
    text: `등록이 승인되었습니다. 이제 ${villageName} 주민으로 마을 소식을 받으실 수 있습니다. 할 수 있는 일은 "도움말"을 보내 보세요.`,
  };
}

export function rejectedNotice(reason: string): OutboundMessage {
  return {
    text: [
      '등록 신청이 승인되지 않았습니다.',
      ...(reason ? [`사유: ${reason}`] : []),
      '정보를 확인하신 뒤 "등록"으로 다시 신청하실 수 있습니다. 궁금하신 점은 읍·면사무소에 문의해 주세요.',
    ].join('\n'),
  };
}
