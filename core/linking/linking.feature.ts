import { defineFeature } from '../conversation/feature.types.ts';
import { linkCommand, unlinkCommand } from './linking.commands.ts';

/**
 * 연결: one person on several platforms is one member. `연결` on one gives a 6-digit code; `연결 123456` on another
 * joins them; `연결 해제` (or `연결 끊기`) lets one go. In a group chat `연결 해제` unlinks the village room instead.
 */
export const linkingFeature = defineFeature({
  name: 'linking',
  commands: [
    {
      id: 'link_account',
      ko: ['연결', '계정 연결', '메신저 연결'],
      en: ['link account', 'connect'],
      where: ['direct'],
      requires: 'anyone',
      wrongPlace: '다른 메신저와의 연결은 1:1 대화에서 "연결"을 보내 주세요.',
      menu: { label: '다른 메신저와 연결', order: 820 },
      slash: {
        name: 'connect',
        ko: '연결',
        description: 'Link this account with your account on another messenger',
        koDescription: '다른 메신저의 내 계정과 연결합니다',
        options: [
          {
            name: 'code',
            ko: '번호',
            type: 'string',
            description: 'The 6-digit code from your other messenger; empty gives a code',
            koDescription: '다른 메신저에서 받은 6자리 번호 (비우면 번호를 받습니다)',
          },
        ],
      },
      handle: (turn, args) => linkCommand(turn, args),
    },
    {
      id: 'unlink_account',
      ko: ['연결 끊기', '연결 해제', '연결 풀기', '메신저 연결 해제', '계정 연결 해제'],
      en: ['unlink account', 'disconnect'],
      where: ['direct'],
      requires: 'anyone',
      typedOnly: 'told by 연결 and 설정, for a person with linked messengers',
      slash: {
        name: 'disconnect',
        ko: '연결끊기',
        description: 'Unlink this account from your other messengers',
        koDescription: '다른 메신저와의 연결을 풉니다',
      },
      handle: (turn, args) => unlinkCommand(turn, args),
    },
  ],
});
