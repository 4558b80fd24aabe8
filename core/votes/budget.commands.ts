import { z } from 'zod';
import { parseSendTime } from '../broadcasts/broadcast.scope.ts';
import { matchChoice } from '../conversation/command.match.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import { defineDialog } from '../conversation/feature.types.ts';
import { josa } from '../text/korean.text.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { createBudgetRound, proposalsToScreen, proposeProject, screenProposal } from './budget.usecases.ts';
import { staffOf } from './poll.commands.ts';
import { formatKrw, parseKrw } from './votes.rules.ts';

const CREATE_USAGE =
  '주민참여예산은 한 줄로 엽니다. 칸은 / 로 나눠 주세요:\n"예산 만들기 제목 / 읍·면 / 제안 마감 / 투표 시작 / 투표 마감"\n예: "예산 만들기 2027 삼산면 주민참여예산 / 삼산면 / 12.10 18:00 / 12.11 09:00 / 12.15 18:00"';

/** 예산 만들기 제목 / 읍·면 / 제안 마감 / 투표 시작 / 투표 마감 (staff): a round with the district's budget from its file. */
export async function createBudgetCommand(turn: Turn, args: string): Promise<void> {
  const fields = args.split('/').map((f) => f.trim());
  if (fields.length !== 5 || fields.some((f) => !f)) return turn.reply(CREATE_USAGE);
  const [title = '', where = '', ...times] = fields;
  const [proposalsCloseAt, votingOpensAt, votingClosesAt] = times.map((t) =>
    parseSendTime(t, turn.now, turn.deps.timezone),
  );
  if (!proposalsCloseAt || !votingOpensAt || !votingClosesAt)
    return turn.reply(`일시를 알아보지 못했습니다. 예: 12.10 18:00\n${CREATE_USAGE}`);
  const result = await createBudgetRound({
    tx: turn.tx,
    deps: turn.deps,
    staff: staffOf(turn),
    round: { title, where, proposalsCloseAt, votingOpensAt, votingClosesAt },
  });
  switch (result.kind) {
    case 'unknown_district':
      return turn.reply(`${josa(`"${where}"`, '이라/라')}는 읍·면을 찾지 못했습니다.`);
    case 'forbidden':
      return turn.reply('맡으신 읍·면의 주민참여예산만 열 수 있습니다.');
    case 'no_budget':
      return turn.reply(`${result.districtName}의 주민참여예산 금액이 읍·면 자료(db/data)에 없습니다.`);
    case 'invalid':
      return turn.reply(`제안 마감 < 투표 시작 < 투표 마감 순서로, 앞으로의 일시를 적어 주세요.\n${CREATE_USAGE}`);
    case 'created': {
      const r = result.round;
      const tz = turn.deps.timezone;
      return turn.reply(
        `주민참여예산 #${r.id} ${josa(`「${r.title}」`, '을/를')} 열었습니다. ${result.districtName} 예산 ${formatKrw(r.budgetKrw)}.\n` +
          `제안: ${formatKoreanDateTime(r.proposalsCloseAt, tz)}까지 · 투표: ${formatKoreanDateTime(r.votingOpensAt, tz)} ~ ${formatKoreanDateTime(r.votingClosesAt, tz)}\n` +
          `주민 ${result.told}명께 알렸습니다. 제안 심사: "제안 심사"`,
      );
    }
  }
}

export const PROPOSE_DIALOG = 'budget_propose';
const confirmChoices = ['제안하기', '그만두기'];

/** 예산 제안 (resident): title → description → estimated cost → confirm. */
export async function proposeCommand(turn: Turn): Promise<void> {
  await turn.setDialog({ dialog: PROPOSE_DIALOG, step: 'title', data: {} });
  turn.reply('주민참여예산에 제안하실 사업의 제목을 보내 주세요. (예: 마을회관 앞 가로등 설치)');
}

export const proposeDialog = defineDialog({
  name: PROPOSE_DIALOG,
  title: '예산 제안',
  restart: '예산 제안',
  schema: z.object({
    title: z.string().optional(),
    description: z.string().optional(),
    costKrw: z.number().optional(),
  }),
  freeText: ['title', 'description'],
  async step(turn, state, text) {
    const d = state.data;
    const next = async (step: string, data: typeof d, message: Parameters<Turn['reply']>[0]) => {
      await turn.setDialog({ dialog: PROPOSE_DIALOG, step, data });
      turn.reply(message);
    };
    if (state.step === 'title') {
      if (!text.trim() || text.length > 60) return turn.reply('제목을 60자 안으로 보내 주세요.');
      return next('description', { title: text.trim() }, '어떤 사업인지, 어디에 왜 필요한지 적어 주세요.');
    }
    if (state.step === 'description') {
      if (!text.trim() || text.length > 1000) return turn.reply('내용을 1,000자 안으로 보내 주세요.');
      return next('cost', { ...d, description: text.trim() }, '예상 비용을 보내 주세요. (예: 3000만원, 30,000천원)');
    }
    if (state.step === 'cost') {
      const costKrw = parseKrw(text);
      if (!costKrw) return turn.reply('금액을 알아보지 못했습니다. 예: 3000만원, 30,000천원, 25000000');
      return next(
        'confirm',
        { ...d, costKrw },
        {
          text: `「${d.title}」\n${d.description}\n예상 비용 ${formatKrw(costKrw)}\n\n이대로 제안할까요?`,
          choices: confirmChoices,
        },
      );
    }
    const choice = matchChoice(text, confirmChoices);
    if (choice === null) return turn.reply({ text: '1이나 2를 보내 주세요.', choices: confirmChoices });
    await turn.setDialog(null);
    if (choice === 1) return turn.reply('제안하지 않았습니다.');
    const r = turn.actor.registration;
    const result = await proposeProject({
      tx: turn.tx,
      deps: turn.deps,
      memberId: turn.actor.memberId,
      districtCode: r?.status === 'approved' ? r.districtCode : null,
      isResident: r?.status === 'approved' && turn.actor.grants.length === 0,
      proposal: { title: d.title ?? '', description: d.description ?? '', costKrw: d.costKrw ?? 0 },
    });
    switch (result.kind) {
      case 'not_resident':
        return turn.reply('주민참여예산 제안은 등록이 승인된 주민이 하실 수 있습니다.');
      case 'no_round':
        return turn.reply('지금 우리 읍·면에서 제안을 받는 주민참여예산이 없습니다. 열리면 알려 드립니다.');
      case 'invalid':
        return turn.reply(
          result.reason === 'cost'
            ? '예상 비용이 읍·면 예산보다 큽니다. 금액을 확인해 다시 제안해 주세요.'
            : '제목과 내용을 확인해 다시 제안해 주세요.',
        );
      case 'proposed':
        return turn.reply(
          `${josa(`제안 #${result.proposal.id}`, '이/가')} 접수되었습니다. 담당자가 살펴본 뒤 투표에 오르는지 알려 드립니다. 투표는 ${formatKoreanDateTime(result.round.votingOpensAt, turn.deps.timezone)}에 시작합니다.`,
        );
    }
  },
});

const statusWord = { submitted: '심사 전', accepted: '채택', rejected: '반려' } as const;

/** 제안 심사 (staff): the proposals of the open rounds of one's scope. */
export async function screenListCommand(turn: Turn): Promise<void> {
  const rounds = await proposalsToScreen({ tx: turn.tx, deps: turn.deps, staff: staffOf(turn) });
  if (rounds.length === 0) return turn.reply('맡으신 곳에 진행 중인 주민참여예산이 없습니다.');
  turn.reply(
    rounds
      .map(({ round, districtName, proposals }) =>
        [
          `[주민참여예산 #${round.id}] ${districtName ?? ''} 「${round.title}」 예산 ${formatKrw(round.budgetKrw)}`,
          ...(proposals.length
            ? proposals.map(
                (p) =>
                  `#${p.id} 「${p.title}」 ${formatKrw(p.costKrw)} — ${statusWord[p.status]}${p.rejectReason ? ` (${p.rejectReason})` : ''}`,
              )
            : ['제안이 아직 없습니다.']),
        ].join('\n'),
      )
      .join('\n\n') + '\n\n채택: "제안 채택 번호" · 반려: "제안 반려 번호 사유"',
  );
}

/** 제안 채택 N / 제안 반려 N 사유 (staff). */
export async function screenCommand(turn: Turn, args: string, decision: 'accept' | 'reject'): Promise<void> {
  const m = /^#?(\d{1,9})(?:\s+([\s\S]+))?$/.exec(args.trim());
  if (!m)
    return turn.reply(
      decision === 'accept' ? '"제안 채택 번호"로 보내 주세요.' : '"제안 반려 번호 사유"로 보내 주세요.',
    );
  const result = await screenProposal({
    tx: turn.tx,
    deps: turn.deps,
    staff: staffOf(turn),
    proposalId: Number(m[1]),
    decision,
    reason: m[2] ?? '',
  });
  switch (result.kind) {
    case 'not_found':
      return turn.reply('그 번호의 제안을 찾지 못했습니다. "제안 심사"로 목록을 보세요.');
    case 'forbidden':
      return turn.reply('맡으신 읍·면의 제안만 심사할 수 있습니다.');
    case 'too_late':
      return turn.reply('투표가 이미 시작되어 심사를 바꿀 수 없습니다.');
    case 'needs_reason':
      return turn.reply('반려하실 때는 제안하신 분께 전할 사유를 함께 적어 주세요: "제안 반려 번호 사유"');
    default:
      return turn.reply(
        `제안 #${result.proposal.id} ${josa(`「${result.proposal.title}」`, '을/를')} ${result.kind === 'accepted' ? '채택했습니다' : '반려했습니다'}.` +
          (result.told ? ' 제안하신 분께 알렸습니다.' : ''),
      );
  }
}
