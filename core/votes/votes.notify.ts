import type { OutboundMessage } from '../channel/channel.types.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import type { Poll, PollOption } from './poll.repository.ts';
import { formatKrw, type FundedProject, type RankedOption } from './votes.rules.ts';

/** What people read about a vote: the ballot with its buttons, the results, the staff's report. Never who chose what. */

export function kindLabel(poll: Pick<Poll, 'kind'>): string {
  return poll.kind === 'budget' ? '주민참여예산 투표' : poll.kind === 'agenda' ? '주민총회 안건' : '투표';
}

export function howToChoose(poll: Pick<Poll, 'kind' | 'minChoices' | 'maxChoices'>): string {
  if (poll.kind === 'budget') return '예산 안에서 사업을 고르시면 됩니다 (번호를 띄어 보내기, 예: "1 3").';
  if (poll.maxChoices === 1) return '하나를 고르세요.';
  return `${poll.minChoices === poll.maxChoices ? `${poll.maxChoices}개` : `${poll.maxChoices}개까지`} 고르세요 (번호를 띄어 보내기, 예: "1 3").`;
}

export function optionLine(o: PollOption): string {
  return `${o.position}. ${o.label}${o.costKrw !== null ? ` (${formatKrw(o.costKrw)})` : ''}`;
}

/** The ballot as an eligible member gets it: one button per option for a single choice, else one "투표" button. */
export function ballotMessage(poll: Poll, options: readonly PollOption[], timezone: string): OutboundMessage {
  const text = [
    `[${kindLabel(poll)} #${poll.id}] ${poll.question}`,
    ...options.map(optionLine),
    `${formatKoreanDateTime(poll.closesAt, timezone)}까지 · 비밀투표 (누가 무엇을 골랐는지 남지 않습니다)`,
    howToChoose(poll) + (poll.allowChange ? ' 마감 전까지 바꾸실 수 있습니다.' : ' 한 번 내시면 바꿀 수 없습니다.'),
  ].join('\n');
  const single = poll.maxChoices === 1 && poll.kind !== 'budget';
  return {
    text,
    buttons: single
      ? options.map((o) => ({
          label: `${o.position}. ${o.label}`.slice(0, 20),
          command: `투표 ${poll.id} ${o.position}`,
        }))
      : [{ label: '투표하기', command: `투표 ${poll.id}` }],
  };
}

export function resultLines(ranked: readonly RankedOption[] | readonly FundedProject[]): string[] {
  return ranked.map((r) => {
    const funded = 'funded' in r ? (r.funded ? ' ✔ 선정' : '') : '';
    const cost = r.costKrw !== null ? ` · ${formatKrw(r.costKrw)}` : '';
    return `${r.rank}위 ${r.label} — ${r.votes}표${cost}${funded}`;
  });
}

export function resultsMessage(input: {
  poll: Poll;
  voters: number;
  electorate: number;
  lines: string[];
  footer?: string;
}): OutboundMessage {
  const { poll } = input;
  return {
    text: [
      `[${kindLabel(poll)} 결과 #${poll.id}] ${poll.question}`,
      `투표 ${input.voters}명 / 선거인 ${input.electorate}명`,
      ...input.lines,
      ...(input.footer ? [input.footer] : []),
    ].join('\n'),
  };
}

/** To staff at the close: the results and the check that ballots equal voters. */
export function closeCheckLine(voters: number, ballots: number): string {
  return voters === ballots
    ? `확인: 투표자 ${voters}명 = 투표지 ${ballots}장 (일치)`
    : `⚠ 확인 필요: 투표자 ${voters}명 ≠ 투표지 ${ballots}장 — 담당 부서에 알려 주세요.`;
}

export function budgetFooter(spentKrw: number, budgetKrw: number): string {
  return `선정 사업 합계 ${formatKrw(spentKrw)} / 예산 ${formatKrw(budgetKrw)}`;
}
