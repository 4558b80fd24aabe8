import { parseSendTime } from '../broadcasts/broadcast.scope.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import { josa } from '../text/korean.text.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import {
  assemblyStatus,
  checkInAssembly,
  createAssembly,
  MAX_WRONG_CODES,
  type AssemblyStatus,
} from './assembly.usecases.ts';
import { staffOf } from './poll.commands.ts';
import { ballotMessage } from './votes.notify.ts';

const CREATE_USAGE =
  '주민총회는 한 줄로 만듭니다. 칸은 / 로, 안건은 ; 로 나눠 주세요:\n"총회 만들기 제목 / 읍·면 / 장소 / 일시 / 시간 / 안건1; 안건2"\n예: "총회 만들기 삼산면 주민총회 / 삼산면 / 삼산면 주민자치센터 / 12.20 14:00 / 2시간 / 주민자치회 신청; 마을 축제 예산"';

/** "2시간", "90분", "1.5시간" → minutes. */
function minutesOf(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(시간|분)?$/.exec(text.trim());
  if (!m) return null;
  const minutes = m[2] === '분' ? Number(m[1]) : Number(m[1]) * 60;
  return minutes > 0 && minutes <= 24 * 60 ? Math.round(minutes) : null;
}

/** 총회 만들기 제목 / 읍·면 / 장소 / 일시 / 시간 / 안건; 안건 (staff). */
export async function createAssemblyCommand(turn: Turn, args: string): Promise<void> {
  const fields = args.split('/').map((f) => f.trim());
  if (fields.length !== 6 || fields.some((f) => !f)) return turn.reply(CREATE_USAGE);
  const [title = '', where = '', place = '', when = '', length = '', agenda = ''] = fields;
  const startsAt = parseSendTime(when, turn.now, turn.deps.timezone);
  const minutes = minutesOf(length);
  if (!startsAt || !minutes) return turn.reply(`일시나 시간을 알아보지 못했습니다.\n${CREATE_USAGE}`);
  const result = await createAssembly({
    tx: turn.tx,
    deps: turn.deps,
    staff: staffOf(turn),
    assembly: {
      title,
      where,
      place,
      startsAt,
      endsAt: new Date(startsAt.getTime() + minutes * 60_000),
      agenda: agenda.split(/;|；/),
    },
  });
  switch (result.kind) {
    case 'unknown_district':
      return turn.reply(`${josa(`"${where}"`, '이라/라')}는 읍·면을 찾지 못했습니다.`);
    case 'forbidden':
      return turn.reply('맡으신 읍·면의 주민총회만 만들 수 있습니다.');
    case 'invalid':
      return turn.reply(`제목, 장소, 앞으로의 일시와 안건(10개까지)을 확인해 주세요.\n${CREATE_USAGE}`);
    case 'created': {
      const a = result.assembly;
      return turn.reply(
        `주민총회 #${a.id} ${josa(`「${a.title}」`, '을/를')} 만들었습니다. ${formatKoreanDateTime(a.startsAt, turn.deps.timezone)}, ${a.place}.\n` +
          `안건 ${result.agenda.length}건 (투표 ${result.agenda.map((p) => `#${p.id}`).join(', ')}: 총회 시간에만 열립니다).\n` +
          `출석 번호는 ${a.checkInCode}입니다. 총회장에서 알려 주시면 주민이 ${josa(`"총회 출석 ${a.checkInCode}"`, '으로/로')} 출석합니다.\n` +
          `${result.districtName} 주민 ${result.told}명께 알렸습니다. 현황: "총회 현황 ${a.id}"`,
      );
    }
  }
}

/** 총회 출석 <번호> (resident at the venue): present; agenda items already open come as ballots. */
export async function assemblyCheckInCommand(turn: Turn, args: string): Promise<void> {
  const code = /^(\d{4})$/.exec(args.trim())?.[1];
  if (!code) return turn.reply('총회장에서 안내받은 네 자리 번호와 함께 "총회 출석 1234"처럼 보내 주세요.');
  const r = turn.actor.registration;
  const result = await checkInAssembly({
    tx: turn.tx,
    deps: turn.deps,
    memberId: turn.actor.memberId,
    districtCode: r?.status === 'approved' ? r.districtCode : null,
    isResident: r?.status === 'approved' && turn.actor.grants.length === 0,
    code,
  });
  switch (result.kind) {
    case 'not_resident':
      return turn.reply('주민총회 출석은 등록이 승인된 주민이 하실 수 있습니다.');
    case 'none_open':
      return turn.reply(
        '지금 우리 읍·면에서 출석을 받는 주민총회가 없습니다. 총회 시작 30분 전부터 출석하실 수 있습니다.',
      );
    case 'locked':
      return turn.reply(
        '출석 번호가 여러 번 맞지 않아 채팅으로 출석을 더 받지 않습니다. 총회장 담당자께 말씀해 주세요.',
      );
    case 'wrong_code':
      return turn.reply(
        `출석 번호가 맞지 않습니다. 총회장에서 안내받은 번호를 확인해 주세요. (${result.left}번 더 보내실 수 있습니다)`,
      );
    default: {
      const a = result.assembly;
      turn.reply(
        result.kind === 'already'
          ? `이미 「${a.title}」에 출석하셨습니다.`
          : `「${a.title}」에 출석하셨습니다. 고맙습니다.` +
              (result.ballots.length ? ' 지금 열린 안건입니다.' : ' 안건 투표는 총회가 시작하면 보내 드립니다.'),
      );
      for (const b of result.ballots) turn.reply(ballotMessage(b.poll, b.options, turn.deps.timezone));
    }
  }
}

export function assemblyText(turn: Turn, s: AssemblyStatus): string {
  const tz = turn.deps.timezone;
  const a = s.assembly;
  return [
    `[주민총회 #${a.id}] 「${a.title}」 ${formatKoreanDateTime(a.startsAt, tz)}, ${a.place}${a.closedAt ? ' · 마침' : ''}`,
    `출석 ${s.attended}명 / 등록 주민 ${s.residents}명 (${s.quorum.sharePercent}%) · 정족수 ${a.quorumPercent}% = ${s.quorum.needed}명 ${s.quorum.met ? '충족' : '미달'}`,
    ...s.agenda.map(
      (item) =>
        `${item.poll.question} — 투표 ${item.voters}명${item.poll.status === 'closed' ? ' · 마감 ("투표 현황 ' + item.poll.id + '")' : ''}`,
    ),
    `출석 번호 ${a.checkInCode} · 한 분이 ${MAX_WRONG_CODES}번 틀리면 채팅 출석이 막힙니다`,
  ].join('\n');
}

/** 총회 현황 N (staff): attendance against the district's registered residents, the quorum, each agenda item. */
export async function assemblyStatusCommand(turn: Turn, args: string): Promise<void> {
  const id = /^#?(\d{1,9})$/.exec(args.trim())?.[1];
  if (!id) return turn.reply('"총회 현황 번호"로 보내 주세요. 번호는 총회를 만들 때 알려 드렸습니다.');
  const result = await assemblyStatus({ tx: turn.tx, deps: turn.deps, staff: staffOf(turn), assemblyId: Number(id) });
  if (result.kind === 'not_found') return turn.reply(`${josa(`주민총회 #${id}`, '을/를')} 찾지 못했습니다.`);
  if (result.kind === 'forbidden') return turn.reply('맡으신 읍·면의 주민총회만 볼 수 있습니다.');
  turn.reply(assemblyText(turn, result.status));
}
