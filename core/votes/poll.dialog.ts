import { z } from 'zod';
import { parseSendTime } from '../broadcasts/broadcast.scope.ts';
import { matchChoice } from '../conversation/command.match.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import { defineDialog, type DialogStateOf } from '../conversation/feature.types.ts';
import { josa } from '../text/korean.text.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { cast, choose, confirmChoices, staffOf, voteCommand, VOTE_DIALOG } from './poll.commands.ts';
import { ballotFor } from './poll.status.usecases.ts';
import { createPoll } from './poll.usecases.ts';
import { MAX_OPTIONS, MIN_OPTIONS, type PollDraftProblem } from './votes.rules.ts';

/** The resident's ballot: pick a vote from the list, choose, confirm. */
export const voteDialog = defineDialog({
  name: VOTE_DIALOG,
  title: '투표',
  restart: '투표',
  schema: z.object({
    ids: z.array(z.number()).optional(),
    labels: z.array(z.string()).optional(),
    pollId: z.number().optional(),
    picks: z.array(z.number()).optional(),
  }),
  async step(turn, state, text) {
    const d = state.data;
    if (state.step === 'pick_poll') {
      const index = matchChoice(text, d.labels ?? []);
      const id = index === null ? undefined : d.ids?.[index];
      if (id === undefined)
        return turn.reply({
          text: '목록의 번호를 보내 주세요. 그만두시려면 "취소"를 보내 주세요.',
          choices: d.labels ?? [],
        });
      return voteCommand(turn, String(id));
    }
    const pollId = d.pollId ?? 0;
    if (state.step === 'confirm') {
      const choice = matchChoice(text, confirmChoices);
      if (choice === null) return turn.reply({ text: '1이나 2를 보내 주세요.', choices: confirmChoices });
      if (choice === 1) return voteCommand(turn, String(pollId));
      return cast(turn, pollId, d.picks ?? []);
    }
    const ballot = await ballotFor({ tx: turn.tx, deps: turn.deps, memberId: turn.actor.memberId, pollId });
    if (ballot.kind !== 'ballot') {
      await turn.setDialog(null);
      return voteCommand(turn, String(pollId));
    }
    return choose(turn, ballot, text, d.picks ?? []);
  },
});

export const POLL_CREATE_DIALOG = 'poll_create';
const electorateChoices = ['주민 전체', '명단 (휴대전화 번호)'];
const changeChoices = ['마감 전까지 바꿀 수 있음', '바꿀 수 없음'];
const confirmCreate = ['만들기', '그만두기'];

const createSchema = z.object({
  question: z.string().optional(),
  options: z.array(z.string()).optional(),
  maxChoices: z.number().optional(),
  roster: z.string().optional(),
  opensAt: z.string().optional(),
  closesAt: z.string().optional(),
  allowChange: z.boolean().optional(),
});
type CreateData = z.infer<typeof createSchema>;

/** 투표 만들기 (staff): question → options → how many → electorate (→ roster) → window → changeable → confirm. */
export async function startPollCreate(turn: Turn): Promise<void> {
  if (turn.chat.type !== 'direct') return turn.reply('투표는 저와 1:1 대화방에서 만들어 주세요.');
  await turn.setDialog({ dialog: POLL_CREATE_DIALOG, step: 'question', data: {} });
  turn.reply('투표할 질문을 보내 주세요. (예: 고성읍장 후보 추천)');
}

const ask = async (turn: Turn, step: string, data: CreateData, message: Parameters<Turn['reply']>[0]) => {
  await turn.setDialog({ dialog: POLL_CREATE_DIALOG, step, data });
  turn.reply(message);
};

function scopeName(turn: Turn): string {
  const district = turn.actor.grants.find((g) => g.role === 'district_staff')?.districtCode;
  return district ? '맡으신 읍·면' : '군 전체';
}

const problemText: Record<PollDraftProblem, string> = {
  question: '질문을 200자 안으로 써 주세요.',
  too_few_options: `선택지는 ${MIN_OPTIONS}개 이상이어야 합니다.`,
  too_many_options: `선택지는 ${MAX_OPTIONS}개까지입니다.`,
  duplicate_option: '같은 선택지가 두 번 있습니다.',
  max_choices: '고를 수 있는 개수가 선택지 수보다 많습니다.',
  window: '마감이 시작보다 뒤여야 합니다.',
  past: '마감 시각이 이미 지났습니다.',
};

async function stepCreate(turn: Turn, state: DialogStateOf<CreateData>, text: string): Promise<void> {
  const d = state.data;
  const tz = turn.deps.timezone;
  switch (state.step) {
    case 'question':
      if (!text.trim() || text.length > 200) return turn.reply(problemText.question);
      return ask(
        turn,
        'options',
        { ...d, question: text.trim() },
        `선택지를 한 줄에 하나씩(또는 쉼표로 나눠) ${MIN_OPTIONS}~${MAX_OPTIONS}개 보내 주세요.`,
      );
    case 'options': {
      const options = text
        .split(/\r?\n|,/)
        .map((o) => o.trim())
        .filter(Boolean);
      if (options.length < MIN_OPTIONS || options.length > MAX_OPTIONS || new Set(options).size !== options.length)
        return turn.reply(`서로 다른 선택지 ${MIN_OPTIONS}~${MAX_OPTIONS}개를 한 줄에 하나씩 보내 주세요.`);
      return ask(
        turn,
        'max',
        { ...d, options },
        `한 사람이 몇 개까지 고를 수 있나요? 1~${options.length} 숫자로 보내 주세요 (하나만 고르면 1).`,
      );
    }
    case 'max': {
      const n = Number(/^(\d{1,2})\s*개?$/.exec(text.trim())?.[1]);
      if (!(n >= 1 && n <= (d.options?.length ?? 0)))
        return turn.reply(`1~${d.options?.length ?? 0} 숫자로 보내 주세요.`);
      return ask(
        turn,
        'electorate',
        { ...d, maxChoices: n },
        {
          text: `누가 투표하나요?\n1. ${scopeName(turn)} ${electorateChoices[0]} (승인된 주민)\n2. ${electorateChoices[1]}: 위원회처럼 정해진 분들`,
          choices: electorateChoices,
        },
      );
    }
    case 'electorate': {
      const choice = matchChoice(text, electorateChoices);
      if (choice === null) return turn.reply({ text: '1이나 2를 보내 주세요.', choices: electorateChoices });
      if (choice === 1)
        return ask(
          turn,
          'roster',
          d,
          '명단의 휴대전화 번호를 한 줄에 하나씩 보내 주세요 (CSV라면 mobile 열). 번호는 그대로 남기지 않고 등록 번호와 맞춰 보는 값으로만 둡니다.',
        );
      return ask(turn, 'window', { ...d, roster: '' }, windowQuestion);
    }
    case 'roster':
      return ask(turn, 'window', { ...d, roster: text }, windowQuestion);
    case 'window': {
      const [from = '', to = ''] = text.split(/~|부터/).map((s) => s.trim());
      const opensAt = /^(지금|바로)$/.test(from) ? turn.now : parseSendTime(from, turn.now, tz);
      const closesAt = parseSendTime(to.replace(/까지$/, ''), turn.now, tz);
      if (!opensAt || !closesAt) return turn.reply(`기간을 알아보지 못했습니다. ${windowQuestion}`);
      if (!(opensAt < closesAt)) return turn.reply(problemText.window);
      return ask(
        turn,
        'change',
        { ...d, opensAt: opensAt.toISOString(), closesAt: closesAt.toISOString() },
        {
          text: '낸 투표를 마감 전까지 바꿀 수 있게 할까요?',
          choices: changeChoices,
        },
      );
    }
    case 'change': {
      const choice = matchChoice(text, changeChoices);
      if (choice === null) return turn.reply({ text: '1이나 2를 보내 주세요.', choices: changeChoices });
      const next = { ...d, allowChange: choice === 0 };
      return ask(turn, 'confirm', next, {
        text: [
          `질문: ${next.question}`,
          ...(next.options ?? []).map((o, i) => `${i + 1}. ${o}`),
          `고르기: ${next.maxChoices === 1 ? '하나' : `${next.maxChoices}개까지`} · 투표: ${next.roster ? '명단' : `${scopeName(turn)} 주민`}`,
          `기간: ${formatKoreanDateTime(new Date(next.opensAt ?? ''), tz)} ~ ${formatKoreanDateTime(new Date(next.closesAt ?? ''), tz)}`,
          `바꾸기: ${next.allowChange ? '마감 전까지 가능' : '불가'} · 결과는 마감 뒤에만 공개`,
          '이대로 만들까요?',
        ].join('\n'),
        choices: confirmCreate,
      });
    }
    case 'confirm': {
      const choice = matchChoice(text, confirmCreate);
      if (choice === null) return turn.reply({ text: '1이나 2를 보내 주세요.', choices: confirmCreate });
      await turn.setDialog(null);
      if (choice === 1) return turn.reply('투표를 만들지 않았습니다.');
      const result = await createPoll({
        tx: turn.tx,
        deps: turn.deps,
        staff: staffOf(turn),
        poll: {
          question: d.question ?? '',
          options: d.options ?? [],
          maxChoices: d.maxChoices ?? 1,
          allowChange: d.allowChange ?? false,
          districtCode: turn.actor.grants.find((g) => g.role === 'district_staff')?.districtCode ?? null,
          electorate: d.roster ? { kind: 'list', csv: d.roster } : { kind: 'residents' },
          opensAt: new Date(d.opensAt ?? ''),
          closesAt: new Date(d.closesAt ?? ''),
        },
      });
      if (result.kind === 'forbidden') return turn.reply('투표를 만들 권한이 없습니다.');
      if (result.kind === 'invalid') return turn.reply(`만들지 못했습니다: ${problemText[result.problem]}`);
      if (result.kind === 'bad_roster')
        return turn.reply(`명단을 읽지 못했습니다:\n${result.errors.slice(0, 5).join('\n')}`);
      const p = result.poll;
      return turn.reply(
        `${josa(`투표 #${p.id}`, '을/를')} 만들었습니다.` +
          (result.roster !== null ? ` 명단 ${result.roster}명.` : '') +
          (result.opened !== null
            ? ` 지금 열었고 ${result.opened}명께 보냈습니다.`
            : ` ${formatKoreanDateTime(p.opensAt, tz)}에 열립니다.`) +
          `\n투표율: "투표 현황 ${p.id}" (결과는 마감 뒤에)`,
      );
    }
  }
}

const windowQuestion = '투표 기간을 "12.5 09:00 ~ 12.6 18:00"처럼 보내 주세요. 지금 시작하려면 "지금 ~ 12.6 18:00".';

export const pollCreateDialog = defineDialog({
  name: POLL_CREATE_DIALOG,
  title: '투표 만들기',
  restart: '투표 만들기',
  schema: createSchema,
  freeText: ['question', 'options', 'roster'],
  step: stepCreate,
});
