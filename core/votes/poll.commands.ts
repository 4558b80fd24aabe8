import type { Turn } from '../conversation/conversation.turn.ts';
import { josa } from '../text/korean.text.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import {
  ballotFor,
  openPollsFor,
  pollsOfScope,
  pollStatus,
  type BallotFor,
  type PollStatus,
} from './poll.status.usecases.ts';
import { castBallot, type CastResult } from './poll.usecases.ts';
import { ballotMessage, closeCheckLine, howToChoose, kindLabel, optionLine, resultLines } from './votes.notify.ts';
import { checkBudgetBallot, checkChoices, formatKrw, type Eligibility } from './votes.rules.ts';

export const VOTE_DIALOG = 'vote';
export const confirmChoices = ['이대로 내기', '다시 고르기'];

export const staffOf = (turn: Turn) => ({ memberId: turn.actor.memberId, grants: turn.actor.grants });

/** Why someone may not vote, in one clear sentence. */
export function ineligibleText(reason: Extract<Eligibility, { ok: false }>['reason']): string {
  switch (reason) {
    case 'not_registered':
      return '투표는 실명 등록을 하신 주민만 하실 수 있습니다. "등록"을 보내 주시면 안내해 드립니다.';
    case 'not_approved':
      return '등록이 승인된 뒤에 투표하실 수 있습니다. 승인되면 바로 알려 드립니다.';
    case 'other_district':
      return '이 투표는 다른 읍·면 주민을 위한 투표라 참여하실 수 없습니다.';
    case 'not_resident':
      return '이장님과 담당 공무원은 주민 투표에 참여하지 않습니다.';
    case 'not_on_roster':
      return '이 투표는 명단에 오른 분만 참여하실 수 있습니다. 명단에 계신데 이 안내를 받으셨다면, 등록하신 휴대전화 번호가 명단과 같은지 읍·면사무소에 확인해 주세요.';
    case 'not_present':
      return '주민총회 안건은 총회장에서 "총회 출석 번호"로 출석하신 분만 투표하실 수 있습니다.';
  }
}

function refusal(
  turn: Turn,
  result:
    | Exclude<BallotFor, { kind: 'ballot' }>
    | Exclude<CastResult, { kind: 'cast' | 'changed' | 'invalid' | 'over_rule' }>,
): void {
  const tz = turn.deps.timezone;
  switch (result.kind) {
    case 'not_found':
      return turn.reply('그 번호의 투표를 찾지 못했습니다. "투표"를 보내 지금 참여하실 수 있는 투표를 확인해 주세요.');
    case 'not_open':
      return turn.reply(
        result.phase === 'before'
          ? `이 투표는 ${formatKoreanDateTime(result.poll.opensAt, tz)}에 시작합니다.`
          : `이 투표는 ${formatKoreanDateTime(result.poll.closesAt, tz)}에 마감되었습니다. 결과는 곧 알려 드립니다.`,
      );
    case 'ineligible':
      return turn.reply(ineligibleText(result.reason));
    case 'already_voted':
      return turn.reply(
        '이미 투표하셨습니다. 이 투표는 한 번 내시면 바꿀 수 없습니다 (다른 앱에서 내셨어도 한 분 한 번입니다).',
      );
  }
}

/** 투표 [번호 [선택]] (resident): the open votes one may join, one ballot, or a choice pressed on a ballot's button. */
export async function voteCommand(turn: Turn, args: string): Promise<void> {
  const m = /^#?(\d{1,9})(?:\s+(.+))?$/.exec(args.trim());
  if (!m) return listVotes(turn);
  const ballot = await ballotFor({ tx: turn.tx, deps: turn.deps, memberId: turn.actor.memberId, pollId: Number(m[1]) });
  if (ballot.kind !== 'ballot') return refusal(turn, ballot);
  if (turn.chat.type !== 'direct') return turn.reply('투표는 저와 1:1 대화방에서 해 주세요. 비밀투표입니다.');
  if (m[2]) return choose(turn, ballot, m[2], []);
  await turn.setDialog({ dialog: VOTE_DIALOG, step: 'choose', data: { pollId: ballot.poll.id } });
  const message = ballotMessage(ballot.poll, ballot.options, turn.deps.timezone);
  turn.reply({
    text:
      message.text +
      (ballot.voted ? '\n이미 투표하셨습니다. 새로 고르시면 앞의 투표지를 바꿉니다.' : '') +
      (ballot.budget ? `\n예산 ${formatKrw(ballot.budget.budgetKrw)} 안에서 고르세요.` : ''),
    buttons: message.buttons,
  });
}

async function listVotes(turn: Turn): Promise<void> {
  const open = await openPollsFor({ tx: turn.tx, deps: turn.deps, memberId: turn.actor.memberId });
  if (open.length === 0) return turn.reply('지금 참여하실 수 있는 투표가 없습니다. 투표가 열리면 알려 드립니다.');
  const tz = turn.deps.timezone;
  const lines = open.map(
    (o, i) =>
      `${i + 1}. [${kindLabel(o.poll)}] ${o.poll.question}\n   ${formatKoreanDateTime(o.poll.closesAt, tz)}까지${o.voted ? ' · 투표하셨습니다' : ''}`,
  );
  const labels = open.map((o) => o.poll.question.slice(0, 30));
  await turn.setDialog({
    dialog: VOTE_DIALOG,
    step: 'pick_poll',
    data: { ids: open.map((o) => o.poll.id), labels },
  });
  turn.reply({
    text: `지금 참여하실 수 있는 투표입니다.\n\n${lines.join('\n')}\n\n번호를 보내 주세요.`,
    choices: labels,
  });
}

/**
 * The choice typed (or pressed) for a ballot: checked against the poll's rules here so that a ballot over the budget
 * is explained at once, with the numbers kept, before anything is cast; then confirmed.
 */
export async function choose(
  turn: Turn,
  ballot: Extract<BallotFor, { kind: 'ballot' }>,
  text: string,
  kept: number[],
): Promise<void> {
  const { poll, options } = ballot;
  const remove = /^(?:빼기|-)\s*(\d{1,2})$/.exec(text.trim());
  const numbers = remove ? kept.filter((n) => n !== Number(remove[1])) : parseList(text);
  const again = (message: string, picks: number[]) =>
    turn
      .setDialog({ dialog: VOTE_DIALOG, step: 'choose', data: { pollId: poll.id, picks } })
      .then(() => turn.reply(message));
  if (!numbers) return again(`번호로 보내 주세요. ${howToChoose(poll)}`, kept);
  const ids = numbers.map((n) => options.find((o) => o.position === n)?.id ?? -1);
  const problem = checkChoices(
    ballot.budget ? { minChoices: 0, maxChoices: options.length } : poll,
    options.map((o) => o.id),
    ids,
  );
  if (problem)
    return again(
      problem.kind === 'count'
        ? `${problem.min === problem.max ? `${problem.max}개를` : `${problem.max}개까지`} 고르실 수 있습니다. 다시 보내 주세요.`
        : '목록에 있는 번호를 한 번씩만 보내 주세요.',
      kept,
    );
  const chosen = numbers.map((n) => options.find((o) => o.position === n)).filter((o) => o !== undefined);
  const total = chosen.reduce((sum, o) => sum + (o.costKrw ?? 0), 0);
  if (ballot.budget) {
    const over = checkBudgetBallot(
      ballot.budget,
      chosen.map((o) => o.costKrw ?? 0),
    );
    if (over) return again(budgetProblemText(over, numbers), numbers);
  }
  await turn.setDialog({ dialog: VOTE_DIALOG, step: 'confirm', data: { pollId: poll.id, picks: numbers } });
  turn.reply({
    text: `고르신 것:\n${chosen.map(optionLine).join('\n')}${ballot.budget ? `\n합계 ${formatKrw(total)} / 예산 ${formatKrw(ballot.budget.budgetKrw)}` : ''}\n\n이대로 내실까요?${poll.allowChange ? '' : ' 낸 뒤에는 바꿀 수 없습니다.'}`,
    choices: confirmChoices,
  });
}

export function budgetProblemText(
  problem: NonNullable<ReturnType<typeof checkBudgetBallot>>,
  numbers: readonly number[],
): string {
  const keep = `고르신 ${josa(`번호 ${numbers.join(' ')}`, '은/는')} 그대로 두었습니다. "빼기 번호"로 하나를 빼거나 번호를 다시 보내 주세요.`;
  if (problem.kind === 'over_budget')
    return `합계 ${josa(formatKrw(problem.totalKrw), '이/가')} 예산 ${josa(formatKrw(problem.budgetKrw), '을/를')} 넘어 낼 수 없습니다. 아직 아무것도 내지 않았습니다.\n${keep}`;
  if (problem.kind === 'too_few') return `사업을 ${problem.min}개 이상 골라 주세요.`;
  return `사업은 ${problem.max}개까지 고르실 수 있습니다.\n${keep}`;
}

function parseList(text: string): number[] | null {
  const parts = text
    .trim()
    .split(/[\s,·、]+/)
    .filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^\d{1,2}번?$/.test(p))) return null;
  return parts.map((p) => Number(p.replace('번', '')));
}

/** Confirmed: the ballot is cast. The answer never repeats the choice (it is a secret ballot). */
export async function cast(turn: Turn, pollId: number, picks: number[]): Promise<void> {
  const result = await castBallot({
    tx: turn.tx,
    deps: turn.deps,
    memberId: turn.actor.memberId,
    pollId,
    choices: picks,
  });
  const tz = turn.deps.timezone;
  switch (result.kind) {
    case 'cast':
      await turn.setDialog(null);
      return turn.reply(
        `투표하셨습니다. 고맙습니다. 결과는 ${formatKoreanDateTime(result.poll.closesAt, tz)} 마감 뒤에 알려 드립니다.` +
          (result.poll.allowChange
            ? ` 마감 전까지 ${josa(`"투표 ${result.poll.id}"`, '으로/로')} 바꾸실 수 있습니다.`
            : ''),
      );
    case 'changed':
      await turn.setDialog(null);
      return turn.reply('투표를 바꾸셨습니다. 앞의 투표지는 없어지고 새 투표지만 셉니다.');
    case 'over_rule':
      await turn.setDialog({ dialog: VOTE_DIALOG, step: 'choose', data: { pollId, picks } });
      return turn.reply(budgetProblemText(result.problem, picks));
    case 'invalid':
      await turn.setDialog({ dialog: VOTE_DIALOG, step: 'choose', data: { pollId, picks } });
      return turn.reply('고르신 번호를 다시 확인해 주세요.');
    default:
      await turn.setDialog(null);
      return refusal(turn, result);
  }
}

export function statusText(turn: Turn, s: PollStatus): string {
  const tz = turn.deps.timezone;
  const { poll } = s;
  const when =
    poll.status === 'closed'
      ? `마감 ${formatKoreanDateTime(poll.closesAt, tz)}`
      : poll.status === 'open'
        ? `진행 중 · ${formatKoreanDateTime(poll.closesAt, tz)}까지`
        : `${formatKoreanDateTime(poll.opensAt, tz)} 시작 예정`;
  const head = `[${kindLabel(poll)} #${poll.id}] ${poll.question}\n${when} · 투표 ${s.voters}명 / 선거인 ${s.electorate}명`;
  if (!s.ranked) return `${head}\n결과는 마감 뒤에 볼 수 있습니다 (비밀투표).`;
  return [head, ...resultLines(s.ranked), closeCheckLine(poll.votersAtClose ?? 0, poll.ballotsAtClose ?? 0)].join('\n');
}

/** 투표 현황 [번호] (staff): turnout live; the results once closed. */
export async function pollStatusCommand(turn: Turn, args: string): Promise<void> {
  const id = /^#?(\d{1,9})$/.exec(args.trim())?.[1];
  if (!id) {
    const list = await pollsOfScope({ tx: turn.tx, deps: turn.deps, staff: staffOf(turn) });
    if (list.length === 0) return turn.reply('맡으신 곳의 투표가 아직 없습니다. "투표 만들기"로 만들 수 있습니다.');
    return turn.reply(list.map((s) => statusText(turn, s)).join('\n\n'));
  }
  const result = await pollStatus({ tx: turn.tx, deps: turn.deps, staff: staffOf(turn), pollId: Number(id) });
  if (result.kind === 'not_found') return turn.reply(`${josa(`투표 #${id}`, '을/를')} 찾지 못했습니다.`);
  if (result.kind === 'forbidden') return turn.reply('맡으신 곳의 투표만 볼 수 있습니다.');
  turn.reply(statusText(turn, result.status));
}
