import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommandOption,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord.js';

/**
 * The slash commands: English names by default, Korean names and descriptions for Korean clients. Each stands for
 * the Korean command text the core already understands, so a slash command is handled exactly as if typed.
 * https://discord.com/developers/docs/interactions/application-commands#localization
 */
type OptionSpec = {
  name: string;
  ko: string;
  description: string;
  koDescription: string;
  type: ApplicationCommandOptionType.String | ApplicationCommandOptionType.Integer;
  required?: boolean;
  choices?: { name: string; ko: string; value: string }[];
};
type SlashSpec = {
  name: string;
  ko: string;
  description: string;
  koDescription: string;
  text: string;
  options?: OptionSpec[];
  order?: string[];
};

const NUMBER: Omit<OptionSpec, 'description' | 'koDescription'> = {
  name: 'number',
  ko: '번호',
  type: ApplicationCommandOptionType.Integer,
};

export const slashSpecs: readonly SlashSpec[] = [
  {
    name: 'register',
    ko: '등록',
    description: 'Register as a resident by real name',
    koDescription: '실명으로 주민 등록을 합니다',
    text: '등록',
  },
  {
    name: 'help',
    ko: '도움말',
    description: 'What you can do here',
    koDescription: '할 수 있는 일을 알려 드립니다',
    text: '도움말',
  },
  {
    name: 'cancel',
    ko: '취소',
    description: 'Leave what you are doing',
    koDescription: '하던 일을 그만둡니다',
    text: '취소',
  },
  {
    name: 'approve',
    ko: '승인',
    description: 'Approve a registration (village heads, staff)',
    koDescription: '등록 신청을 승인합니다 (이장, 공무원)',
    text: '승인',
    options: [
      {
        ...NUMBER,
        description: 'Registration number; empty lists those waiting',
        koDescription: '신청 번호 (비우면 대기 목록)',
      },
    ],
  },
  {
    name: 'reject',
    ko: '거절',
    description: 'Reject a registration (village heads, staff)',
    koDescription: '등록 신청을 거절합니다 (이장, 공무원)',
    text: '거절',
    options: [
      {
        ...NUMBER,
        description: 'Registration number; empty lists those waiting',
        koDescription: '신청 번호 (비우면 대기 목록)',
      },
    ],
  },
  {
    name: 'broadcasts',
    ko: '방송',
    description: "Your village's recent broadcasts",
    koDescription: '우리 마을의 최근 방송을 봅니다',
    text: '방송',
    options: [
      {
        name: 'query',
        ko: '검색어',
        description: 'Search the broadcasts',
        koDescription: '방송에서 찾을 말',
        type: ApplicationCommandOptionType.String,
      },
    ],
  },
  {
    name: 'announce',
    ko: '방송보내기',
    description: 'Send a village broadcast (village heads, staff)',
    koDescription: '마을방송을 보냅니다 (이장, 공무원)',
    text: '방송 보내기',
    options: [
      {
        name: 'content',
        ko: '내용',
        description: 'What to announce',
        koDescription: '방송할 내용',
        type: ApplicationCommandOptionType.String,
        required: true,
      },
      {
        name: 'kind',
        ko: '종류',
        description: 'Urgent ignores quiet hours',
        koDescription: '긴급은 조용한 시간에도 보냅니다',
        type: ApplicationCommandOptionType.String,
        choices: [
          { name: 'urgent', ko: '긴급', value: '긴급' },
          { name: 'event', ko: '행사', value: '행사' },
        ],
      },
    ],
    // "방송 보내기 [긴급|행사] 내용": the kind comes first in the text, though Discord lists required options first.
    order: ['kind', 'content'],
  },
  {
    name: 'status',
    ko: '현황',
    description: 'Broadcasts sent, waiting, failed (village heads, staff)',
    koDescription: '방송 발송 현황을 봅니다 (이장, 공무원)',
    text: '현황',
  },
  {
    name: 'link',
    ko: '마을방연결',
    description: 'Link this channel to a village',
    koDescription: '이 채널을 마을방으로 연결합니다',
    text: '마을방 연결',
    options: [
      {
        name: 'village',
        ko: '마을',
        description: 'Village name (staff)',
        koDescription: '마을 이름 (공무원)',
        type: ApplicationCommandOptionType.String,
      },
    ],
  },
  {
    name: 'unlink',
    ko: '마을방해제',
    description: 'Unlink this channel from its village',
    koDescription: '이 채널의 마을방 연결을 해제합니다',
    text: '마을방 해제',
  },
  {
    name: 'staffroom',
    ko: '직원방연결',
    description: 'Make this channel a staff room (staff)',
    koDescription: '이 채널을 직원방으로 연결합니다 (공무원)',
    text: '직원방 연결',
    options: [
      {
        name: 'district',
        ko: '읍면',
        description: 'District, or 본청 for the county office',
        koDescription: '읍·면 이름, 본청은 "본청"',
        type: ApplicationCommandOptionType.String,
      },
    ],
  },
  {
    name: 'feedback',
    ko: '의견',
    description: 'Send an opinion or complaint to the county',
    koDescription: '군청에 의견이나 불편을 보냅니다',
    text: '의견',
    options: [
      {
        name: 'content',
        ko: '내용',
        description: 'What you want to say; empty asks for it',
        koDescription: '보낼 내용 (비우면 물어봅니다)',
        type: ApplicationCommandOptionType.String,
      },
    ],
  },
  {
    name: 'myfeedback',
    ko: '내의견',
    description: 'Your opinions, their status and answers',
    koDescription: '보낸 의견의 처리 상황과 답변을 봅니다',
    text: '내 의견',
  },
  {
    name: 'workshops',
    ko: '교육',
    description: 'Upcoming workshops: sign up or cancel',
    koDescription: '다가오는 교육을 보고 신청·취소합니다',
    text: '교육',
  },
  {
    name: 'certificate',
    ko: '수료증',
    description: 'Your workshop certificates',
    koDescription: '교육 수료증을 봅니다',
    text: '수료증',
  },
  {
    name: 'settings',
    ko: '설정',
    description: 'Broadcasts at once or once a day, quiet hours',
    koDescription: '방송 받는 방법과 조용한 시간을 정합니다',
    text: '설정',
  },
  {
    name: 'notice',
    ko: '공지',
    description: 'Send a notice to village heads (staff)',
    koDescription: '이장님들께 공지를 보냅니다 (공무원)',
    text: '공지',
    options: [
      {
        name: 'content',
        ko: '내용',
        description: 'The notice; [중요] [곳] [기한 …] may lead it',
        koDescription: '공지 내용 ([중요] [곳] [기한 …]을 앞에 붙일 수 있습니다)',
        type: ApplicationCommandOptionType.String,
        required: true,
      },
    ],
  },
  {
    name: 'report',
    ko: '보고',
    description: 'Report a village matter to the district office (village heads)',
    koDescription: '마을 일을 읍·면사무소에 보고합니다 (이장)',
    text: '보고',
    options: [
      {
        name: 'content',
        ko: '내용',
        description: 'What to report',
        koDescription: '보고할 내용',
        type: ApplicationCommandOptionType.String,
        required: true,
      },
    ],
  },
  {
    name: 'leave',
    ko: '탈퇴',
    description: 'Withdraw and erase your name and number',
    koDescription: '탈퇴하고 이름과 번호를 지웁니다',
    text: '탈퇴',
  },
];

/** The body of the bulk overwrite (PUT /applications/{id}/commands): registering on every start is idempotent. */
export function slashCommandDefinitions(): RESTPutAPIApplicationCommandsJSONBody {
  return slashSpecs.map((spec) => ({
    type: ApplicationCommandType.ChatInput,
    name: spec.name,
    name_localizations: { ko: spec.ko },
    description: spec.description,
    description_localizations: { ko: spec.koDescription },
    options: (spec.options ?? []).map(
      (o) =>
        ({
          type: o.type,
          name: o.name,
          name_localizations: { ko: o.ko },
          description: o.description,
          description_localizations: { ko: o.koDescription },
          required: o.required ?? false,
          ...(o.choices && {
            choices: o.choices.map((c) => ({ name: c.name, name_localizations: { ko: c.ko }, value: c.value })),
          }),
        }) as APIApplicationCommandOption,
    ),
  }));
}

/**
 * The command text a slash command stands for ("approve number:12" → "승인 12"), or null for a command we did not
 * register. `data` is the interaction's raw `data`; option values are flattened to one line.
 */
export function slashCommandText(data: Record<string, unknown>): string | null {
  const spec = slashSpecs.find((s) => s.name === data.name);
  if (!spec) return null;
  const values = new Map<string, string>();
  for (const option of Array.isArray(data.options) ? (data.options as unknown[]) : []) {
    if (typeof option !== 'object' || option === null) continue;
    const { name, value } = option as { name?: unknown; value?: unknown };
    if (typeof name === 'string' && (typeof value === 'string' || typeof value === 'number'))
      values.set(name, String(value).replace(/\s+/g, ' ').trim());
  }
  const order = spec.order ?? (spec.options ?? []).map((o) => o.name);
  return [spec.text, ...order.map((name) => values.get(name) ?? '')].filter(Boolean).join(' ');
}
