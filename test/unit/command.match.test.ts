import { describe, expect, test } from 'vitest';
import { matchChoice } from '../../core/conversation/command.match.ts';
import { matchCommand } from '../../core/features.ts';

describe('commands are understood however people type them', () => {
  test.each([
    ['등록', 'register', ''],
    ['등록할게요', 'register', ''],
    ['등록하고 싶어요', 'register', ''],
    ['등록 해 주세요', 'register', ''],
    ['/register', 'register', ''],
    ['REGISTER', 'register', ''],
    ['회원가입', 'register', ''],
    ['도움말', 'help', ''],
    ['help', 'help', ''],
    ['취소', 'cancel', ''],
    ['cancel', 'cancel', ''],
    ['승인 12', 'approve', '12'],
    ['승인 #12', 'approve', '#12'],
    ['approve 12', 'approve', '12'],
    ['거절 12 다른 마을 분입니다', 'reject', '12 다른 마을 분입니다'],
    ['탈퇴', 'withdraw', ''],
    ['leave', 'withdraw', ''],
    ['마을방 연결', 'link_group', ''],
    ['마을방연결 고성1리', 'link_group', '고성1리'],
    ['마을방 해제', 'unlink_group', ''],
  ])('%s → %s', (input, command, args) => {
    expect(matchCommand(input)).toEqual({ command, args });
  });

  test.each(['안녕하세요', '등록금 얼마예요', '도움이 필요해요 집에 물이 새요', '1', '', 'registered'])(
    '%s is not a command',
    (input) => {
      expect(matchCommand(input)).toBeNull();
    },
  );
});

describe('numbered choices', () => {
  const choices = ['고성읍', '삼산면', '하일면', '하이면'];
  test.each([
    ['1', 0],
    ['2번', 1],
    ['③', 2],
    ['하이면', 3],
    ['삼산', 1],
    ['하일', 2],
    ['하', null],
    ['5', null],
    ['0', null],
    ['없는면', null],
  ])('%s picks %s', (input, index) => {
    expect(matchChoice(input, choices)).toBe(index);
  });
});

test.each([
  ['등록!', 'register', ''],
  ['help.', 'help', ''],
  ['등록 해 주세요.', 'register', ''],
  ['답변 2026-000001 내일 보수하겠습니다.', 'answer', '2026-000001 내일 보수하겠습니다.'],
  ['방송 보내기 내일 정전입니다!', 'send_broadcast', '내일 정전입니다!'],
])('punctuation is ignored around the command word, kept in what follows: %s', (input, command, args) => {
  expect(matchCommand(input)).toEqual({ command, args });
});
