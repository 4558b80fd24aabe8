import type { Turn } from '../conversation/conversation.turn.ts';
import { josa } from '../text/korean.text.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import {
  CODE_TTL_MINUTES,
  parseLinkArgs,
  platformLabel,
  platformNamed,
  spacedCode,
  WRONG_PER_IDENTITY_PER_HOUR,
} from './linking.rules.ts';
import { type Becomes, issueLinkCode, listLinked, redeemLinkCode, unlinkIdentity } from './linking.usecases.ts';

/** `연결` gives a code; `연결 123456` typed on another platform makes both accounts one person. */
export async function linkCommand(turn: Turn, args: string): Promise<void> {
  const parsed = parseLinkArgs(args);
  if (parsed.kind === 'invalid')
    return turn.reply(
      '연결 번호는 숫자 6자리입니다. 예: "연결 123456". 번호를 받으시려면 이미 쓰시는 메신저에서 "연결"만 보내 주세요.',
    );
  if (parsed.kind === 'issue') {
    const issued = await issueLinkCode({
      tx: turn.tx,
      deps: turn.deps,
      memberId: turn.actor.memberId,
      identityId: turn.actor.identityId,
    });
    return turn.reply(
      [
        `연결 번호: ${spacedCode(issued.code)}`,
        `함께 쓰실 다른 메신저(예: LINE, 카카오톡)에서 이 마을 채널에 ${josa(`"연결 ${issued.code}"`, '을/를')} 보내 주세요.`,
        `${CODE_TTL_MINUTES}분 동안(${formatKoreanDateTime(issued.expiresAt, turn.deps.timezone)}까지) 한 번 쓸 수 있습니다.`,
        '이 번호는 다른 사람에게 알려 주지 마세요. 번호를 아는 사람은 이 계정에 연결할 수 있습니다.',
      ].join('\n'),
    );
  }
  const result = await redeemLinkCode({ tx: turn.tx, deps: turn.deps, actor: turn.actor, code: parsed.code });
  switch (result.kind) {
    case 'linked': {
      follow(turn, result.becomes);
      const names = result.platforms.map(platformLabel).join(', ');
      return turn.reply(
        [
          `연결되었습니다. 이제 ${names}에서 한 분으로 알아봅니다.`,
          '등록, 설정, 의견과 교육 신청이 모두 하나로 합쳐졌습니다. 알림은 한 곳으로 한 번만 갑니다.',
          '어느 메신저로 먼저 받으실지는 "설정"에서 고르실 수 있습니다. 연결을 풀려면 "연결 끊기"를 보내 주세요.',
        ].join('\n'),
      );
    }
    case 'wrong':
      return turn.reply(
        `연결 번호가 맞지 않습니다. 번호를 확인해 다시 보내 주세요. (한 시간에 ${result.left}번 더 입력하실 수 있습니다)`,
      );
    case 'limited':
      return turn.reply(
        `틀린 번호를 한 시간에 ${WRONG_PER_IDENTITY_PER_HOUR}번 넘게 입력하셔서 잠시 연결할 수 없습니다. 한 시간 뒤에 다시 해 주세요. 급하시면 읍·면사무소에 문의해 주세요.`,
      );
    case 'expired':
      return turn.reply(
        `연결 번호의 사용 시간(${CODE_TTL_MINUTES}분)이 지났습니다. 처음 메신저에서 "연결"을 다시 보내 새 번호를 받아 주세요.`,
      );
    case 'same_member':
      return turn.reply(
        '이 번호는 여기서 받으신 번호입니다. 함께 쓰실 다른 메신저에서 "연결"과 이 번호를 보내 주세요.',
      );
    case 'both_registered':
      return turn.reply(
        '두 메신저 모두 따로 실명 등록이 되어 있어 합칠 수 없습니다. 한쪽에서 "탈퇴"하신 뒤 다시 "연결"해 주세요.',
      );
  }
}

/** `연결 끊기 [메신저]`: this account (or the one named) stops being linked; the others keep everything. */
export async function unlinkCommand(turn: Turn, args: string): Promise<void> {
  const linked = (await listLinked({ tx: turn.tx, memberId: turn.actor.memberId })).identities;
  const named = args.trim()
    ? platformNamed(
        args,
        linked.map((i) => i.platform),
      )
    : turn.actor.platform;
  const target = named === turn.actor.platform ? turn.actor.identityId : linked.find((i) => i.platform === named)?.id;
  if (named === null || target === undefined)
    return turn.reply(
      `연결된 메신저가 아닙니다. 연결된 곳: ${linked.map((i) => platformLabel(i.platform)).join(', ')}`,
    );
  const result = await unlinkIdentity({ tx: turn.tx, deps: turn.deps, actor: turn.actor, identityId: target });
  if (result.kind === 'only_one' || result.kind === 'not_found')
    return turn.reply('다른 메신저와 연결되어 있지 않습니다. 연결하시려면 "연결"을 보내 주세요.');
  if (result.actorBecomes) {
    follow(turn, result.actorBecomes);
    return turn.reply(
      `이곳(${platformLabel(result.platform)})의 연결을 풀었습니다. 등록과 설정은 연결되어 있던 다른 메신저에 그대로 있고, 여기서는 처음부터 시작합니다. 다시 합치시려면 "연결"을 보내 주세요.`,
    );
  }
  return turn.reply(`${platformLabel(result.platform)} 연결을 풀었습니다. 등록과 설정은 여기에 그대로 있습니다.`);
}

/** The rest of the turn (its replies, its menu) speaks as the member the person now is. */
function follow(turn: Turn, becomes: Becomes): void {
  turn.actor.memberId = becomes.memberId;
  turn.actor.grants = becomes.grants;
  turn.actor.registration = becomes.registration;
}
