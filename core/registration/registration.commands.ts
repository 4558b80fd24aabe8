import { isApprover } from '../auth/authz.policy.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import type { DialogState } from '../conversation/dialog.store.ts';
import { matchChoice } from '../conversation/command.match.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { decideRegistration, listDecidable } from './registration.approver.usecases.ts';
import { withdrawMember } from './withdrawal.usecases.ts';

/** 승인 [번호] / 거절 [번호] [사유]: bare, it lists what this person may decide. */
export async function decideCommand(turn: Turn, decision: 'approved' | 'rejected', args: string): Promise<void> {
  if (!isApprover(turn.actor.grants))
    return turn.reply('등록 신청의 승인·거절은 이장님과 담당 공무원만 할 수 있습니다.');
  const m = /^#?(\d+)(?:\s+([\s\S]*))?$/.exec(args.trim());
  if (!m) return listPending(turn);
  const result = await decideRegistration({
    tx: turn.tx,
    deps: turn.deps,
    decider: { memberId: turn.actor.memberId, grants: turn.actor.grants },
    registrationId: Number(m[1]),
    decision,
    reason: m[2] ?? '',
  });
  switch (result.kind) {
    case 'not_found':
      return turn.reply(
        `#${m[1]}번 등록 신청을 찾을 수 없습니다. 번호를 확인해 주세요. 목록은 "승인"을 보내면 볼 수 있습니다.`,
      );
    case 'forbidden':
      return turn.reply(`#${m[1]}번 신청은 다른 마을의 신청이라 처리할 권한이 없습니다.`);
    case 'own_registration':
      return turn.reply('본인의 등록 신청은 직접 승인할 수 없습니다. 읍·면 담당자가 처리합니다.');
    case 'already_decided':
      return turn.reply(`#${m[1]}번 신청은 이미 처리되었습니다. (${statusKo(result.status)})`);
    case 'appointment':
      return turn.reply(
        result.decidedBy === 'district'
          ? `#${m[1]}번 신청은 이장·담당자 임명 명단에 있는 분의 신청이라 읍·면사무소에서 결정합니다. 따로 하실 일은 없습니다.`
          : `#${m[1]}번 신청은 군청 담당자 임명 명단에 있는 분의 신청이라 군청에서 결정합니다. 따로 하실 일은 없습니다.`,
      );
    case 'decided': {
      const r = result.registration;
      return turn.reply(
        `#${r.id} ${r.realName ?? ''}님(${r.districtName} ${r.villageName}) 등록을 ${decision === 'approved' ? '승인' : '거절'}했습니다.`,
      );
    }
  }
}

async function listPending(turn: Turn): Promise<void> {
  const { pending } = await listDecidable({
    tx: turn.tx,
    decider: { memberId: turn.actor.memberId, grants: turn.actor.grants },
  });
  if (pending.length === 0) return turn.reply('기다리는 등록 신청이 없습니다.');
  const shown = pending.slice(0, 5);
  turn.reply({
    text: [
      `기다리는 등록 신청 ${pending.length}건${pending.length > shown.length ? ` (먼저 온 ${shown.length}건)` : ''}:`,
      ...shown.map(
        (r) =>
          `#${r.id} ${r.realName ?? ''} · ${r.districtName} ${r.villageName} · ${formatKoreanDateTime(r.createdAt, turn.deps.timezone)}`,
      ),
    ].join('\n'),
    buttons: shown.flatMap((r) => [
      { label: `승인 #${r.id}`, command: `승인 ${r.id}` },
      { label: `거절 #${r.id}`, command: `거절 ${r.id}` },
    ]),
  });
}

function statusKo(status: string): string {
  return (
    ({ approved: '승인됨', rejected: '거절됨', withdrawn: '탈퇴함', pending: '대기 중' } as Record<string, string>)[
      status
    ] ?? status
  );
}

export const withdrawChoices = ['탈퇴합니다', '그만두기'];

/** 탈퇴 asks once more, then erases name and number. */
export async function startWithdrawal(turn: Turn): Promise<void> {
  if (!turn.actor.registration) return turn.reply('등록된 정보가 없습니다. 지울 이름과 번호가 없습니다.');
  await turn.setDialog({ dialog: 'withdrawal', step: 'confirm', data: {} });
  turn.reply({
    text: '탈퇴하시면 등록하신 이름과 휴대전화 번호를 바로 지우고, 마을 소식도 더 받지 않게 됩니다. 탈퇴할까요?',
    choices: withdrawChoices,
  });
}

export async function continueWithdrawal(turn: Turn, _state: DialogState, text: string): Promise<void> {
  const choice = matchChoice(text, withdrawChoices);
  if (choice === null)
    return turn.reply({ text: '탈퇴하시려면 1, 그만두시려면 2를 보내 주세요.', choices: withdrawChoices });
  await turn.setDialog(null);
  if (choice === 1) return turn.reply('탈퇴하지 않았습니다. 계속 함께해 주셔서 고맙습니다.');
  const result = await withdrawMember({ tx: turn.tx, deps: turn.deps, memberId: turn.actor.memberId });
  turn.forgetDialogs();
  turn.reply(
    [
      '탈퇴했습니다. 이름과 휴대전화 번호를 지웠습니다.',
      ...(result.cancelledPending ? ['기다리던 등록 신청은 취소했습니다.'] : []),
      ...(result.releasedSeats > 0 ? ['신청하신 교육 자리는 다음 분께 넘겼습니다.'] : []),
      '다시 함께하시려면 언제든 "등록"을 보내 주세요.',
    ].join(' '),
  );
}
