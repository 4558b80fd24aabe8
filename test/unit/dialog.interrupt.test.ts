import { describe, expect, test } from 'vitest';
import { matchChoice } from '../../core/conversation/command.match.ts';
import { decideDialogTurn, type DialogTurnDecision } from '../../core/conversation/dialog.interrupt.ts';
import { conversation, matchCommand } from '../../core/features.ts';
import { withdrawChoices } from '../../core/registration/registration.commands.ts';
import { confirmChoices, consentChoices } from '../../core/registration/registration.copy.ts';
import { topics } from '../../core/settings/settings.dialog.ts';
import { signupChoices, withdrawChoices as workshopWithdrawChoices } from '../../core/workshops/workshop.commands.ts';

/** The real prompts: each dialog's step, whether it asks for free text, and the choices it shows. */
const steps = {
  consent: { dialog: 'registration', step: 'consent', choices: consentChoices },
  name: { dialog: 'registration', step: 'name', choices: [] },
  mobile: { dialog: 'registration', step: 'mobile', choices: [] },
  district: { dialog: 'registration', step: 'district', choices: ['고성읍', '삼산면', '하일면', '하이면'] },
  confirm: { dialog: 'registration', step: 'confirm', choices: confirmChoices },
  withdrawal: { dialog: 'withdrawal', step: 'confirm', choices: withdrawChoices },
  settings: { dialog: 'settings', step: 'topic', choices: topics },
  feedback: { dialog: 'feedback', step: 'text', choices: [] },
  answerText: { dialog: 'feedback_text', step: 'text', choices: [] },
  workshopChoose: { dialog: 'workshops', step: 'choose', choices: ['11.30.(월) 스마트폰 기초', '12.2.(수) 키오스크'] },
  workshopSignup: { dialog: 'workshops', step: 'signup', choices: signupChoices },
  workshopWithdraw: { dialog: 'workshops', step: 'withdraw', choices: workshopWithdrawChoices },
  menu: { dialog: 'menu', step: 'choose', choices: ['실명 등록', '도움말'] },
} as const;

function decide(at: keyof typeof steps, text: string, strong = false): DialogTurnDecision {
  const { dialog, step, choices } = steps[at];
  const def = conversation.dialogs.get(dialog);
  if (!def) throw new Error(`no dialog ${dialog}`);
  return decideDialogTurn({
    command: matchCommand(text)?.command ?? null,
    strong: strong || /^\s*[/!]/.test(text),
    menu: dialog === 'menu',
    freeText: def.freeText?.includes(step) ?? false,
    answersChoice: matchChoice(text, choices) !== null,
  });
}

const URGENT = '방송 보내기 [긴급] 오늘 오후 강풍 주의보가 내려졌습니다. 외출을 삼가 주세요.';

describe('what a message does to a dialog in progress', () => {
  test.each([
    // The reported defect: settings open, an urgent broadcast typed — it must go, not be asked for a number.
    ['settings', URGENT, 'set_aside'],
    ['consent', '교육 현황', 'set_aside'],
    ['consent', 'send broadcast 내일 정전', 'set_aside'],
    ['consent', '1', 'continue'],
    ['consent', '동의합니다', 'continue'],
    ['consent', '?', 'continue'],
    ['settings', '1', 'continue'],
    ['settings', '마을방송 받는 방법', 'continue'],
    ['settings', '설정', 'set_aside'],
    // A choice that reads like a command is the answer: "탈퇴합니다" confirms, "신청 취소" cancels the sign-up.
    ['withdrawal', '탈퇴합니다', 'continue'],
    ['workshopWithdraw', '신청 취소', 'continue'],
    ['workshopSignup', '신청하기', 'continue'],
    ['workshopChoose', '2', 'continue'],
    ['workshopChoose', '수료증', 'set_aside'],
    ['district', '고성읍', 'continue'],
    ['district', '방송 보내기 [긴급] 단수 안내', 'set_aside'],
    ['confirm', '네, 신청합니다', 'continue'],
    // Free text: what merely begins like a command is the answer …
    ['name', '등록해요', 'continue'],
    ['feedback', '답변 좀 주세요 도로가 패였어요', 'continue'],
    ['feedback', '방송 보내기가 너무 어려워요', 'continue'],
    ['answerText', '의견 답글 확인했습니다', 'continue'],
    ['mobile', '010-1234-5678', 'continue'],
    ['feedback', '계속', 'continue'],
    ['settings', '계속', 'set_aside'],
    // … but a slash command still gets through, and 취소 and 도움말 work the same in every dialog.
    ['feedback', '/settings', 'set_aside'],
    ['name', '/help', 'help'],
    ['name', '취소', 'cancel'],
    ['feedback', '취소', 'cancel'],
    ['settings', '도움말', 'help'],
    ['consent', '도움말', 'help'],
    ['workshopSignup', 'cancel', 'cancel'],
    ['menu', '1', 'continue'],
    ['menu', '의견', 'run_command'],
    ['menu', '안녕하세요', 'continue'],
  ] as const)('at %s, "%s" → %s', (at, text, expected) => {
    expect(decide(at, text)).toBe(expected);
  });

  test('a button press is a command even at a free-text step', () => {
    expect(decide('feedback', '교육 신청 3', true)).toBe('set_aside');
    expect(decide('name', '승인 12', true)).toBe('set_aside');
  });

  test('an empty reply, whitespace or punctuation alone picks no choice anywhere', () => {
    for (const { choices } of Object.values(steps))
      for (const text of ['', ' ', '?', '!', '.', '…', '~', '??'])
        expect(matchChoice(text, choices), `${JSON.stringify(text)} of ${choices.join('/')}`).toBeNull();
  });
});
