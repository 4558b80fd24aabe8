import { can } from '../auth/authz.policy.ts';
import { parseSendTime } from '../broadcasts/broadcast.scope.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { markAttendance } from './workshop.attendance.usecases.ts';
import { askAboutDeadline, createdReply } from './workshop.create.dialog.ts';
import { CHAT_CLOSES_DAYS_BEFORE, openWorkshop } from './workshop.create.usecases.ts';
import { creditedMinutes } from './workshop.rules.ts';
import { cancelWorkshop, rescheduleWorkshop, workshopStatus } from './workshop.staff.usecases.ts';
import { withdrawCommand } from './workshop.commands.ts';
import { josa } from '../text/korean.text.ts';

const CREATE_USAGE =
  '교육은 한 줄로 만듭니다. 칸은 / 로 나눠 주세요:\n"교육 만들기 제목 / 읍·면 또는 전체 / 장소 / 날짜 시각 / 시간 / 정원"\n예: "교육 만들기 마을 기록 교실 / 고성읍 / 고성읍 주민자치센터 / 12.10 14:00 / 2시간 / 20명"';

function isStaff(turn: Turn): boolean {
  return turn.actor.grants.some((g) => can([g], 'workshop.manage', { districtCode: g.districtCode }));
}

const staffOf = (turn: Turn) => ({ memberId: turn.actor.memberId, grants: turn.actor.grants });
const idOf = (text: string) => /^#?(\d{1,9})\b/.exec(text.trim())?.[1];

/** "6시간", "1.5시간", "90분", "6" (hours) → minutes. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(시간|분|h|m)?$/i.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const minutes = /분|m/i.test(m[2] ?? '') ? n : n * 60;
  return Number.isFinite(minutes) && minutes > 0 ? Math.round(minutes) : null;
}

/** 교육 만들기 제목 / 곳 / 장소 / 일시 / 시간 / 정원 (staff): created, then announced to residents and village heads. */
export async function createWorkshopCommand(turn: Turn, args: string): Promise<void> {
  if (!isStaff(turn))
    return turn.reply('교육은 읍·면 담당자와 군청 담당자가 만들 수 있습니다. 교육 신청은 "교육"을 보내 주세요.');
  const fields = args.split('/').map((f) => f.trim());
  if (fields.length !== 6 || fields.some((f) => !f)) return turn.reply(CREATE_USAGE);
  const [title = '', where = '', place = '', when = '', length = '', size = ''] = fields;
  const startsAt = parseSendTime(when, turn.now, turn.deps.timezone);
  if (!startsAt)
    return turn.reply(`일시 ${josa(`"${when}"`, '을/를')} 알아보지 못했습니다. 예: 12.10 14:00, 2026-12-10 14:00`);
  const minutes = parseDuration(length);
  if (!minutes) return turn.reply(`교육 시간 ${josa(`"${length}"`, '을/를')} 알아보지 못했습니다. 예: 2시간, 90분`);
  const capacity = Number(/^(\d+)\s*명?$/.exec(size)?.[1] ?? NaN);
  if (!(capacity > 0)) return turn.reply(`정원 ${josa(`"${size}"`, '을/를')} 알아보지 못했습니다. 예: 20명`);
  const result = await openWorkshop({
    tx: turn.tx,
    deps: turn.deps,
    staff: staffOf(turn),
    workshop: { title, where, place, startsAt, minutes, capacity },
    // A deadline already gone is asked about in a 1:1 chat only (a dialog in a group would catch others' words).
    mayAsk: turn.chat.type === 'direct',
    via: 'chat',
  });
  switch (result.kind) {
    case 'unknown_district':
      return turn.reply(
        `${josa(`"${where}"`, '이라/라')}는 읍·면을 찾지 못했습니다. 읍·면 이름이나 "전체"를 적어 주세요.\n${CREATE_USAGE}`,
      );
    case 'deadline_passed':
      return turn.reply(
        `${formatKoreanDateTime(startsAt, turn.deps.timezone)}에 시작하는 교육은 신청 마감(${CHAT_CLOSES_DAYS_BEFORE}일 전)이 이미 지났습니다. 마감을 어떻게 할지 여쭤보려면 저와 1:1 대화방에서 같은 내용으로 보내 주세요. 아무것도 만들지 않았습니다.`,
      );
    case 'forbidden':
      return turn.reply(
        `${result.districtName ?? '군 전체'} 교육을 만들 권한이 없습니다. 맡으신 읍·면의 교육만 만들 수 있습니다.`,
      );
    case 'past':
      return turn.reply(`${josa(formatKoreanDateTime(startsAt, turn.deps.timezone), '은/는')} 이미 지난 시각입니다.`);
    case 'invalid':
      return turn.reply(`교육 내용을 확인해 주세요 (시간은 24시간 이내, 정원은 1명 이상).\n${CREATE_USAGE}`);
    case 'pending':
      return askAboutDeadline(turn, result.workshop);
    case 'announced':
      return createdReply(turn, result.workshop, result.announcement);
  }
}

/** 교육 변경 N <일시> (staff). */
export async function rescheduleCommand(turn: Turn, args: string): Promise<void> {
  if (!isStaff(turn)) return turn.reply('교육 일정은 담당자만 바꿀 수 있습니다.');
  const id = idOf(args);
  const when = args.trim().replace(/^#?\d+\s*/, '');
  const startsAt = when ? parseSendTime(when, turn.now, turn.deps.timezone) : null;
  if (!id || !startsAt) return turn.reply('"교육 변경 번호 날짜 시각"으로 보내 주세요. 예: "교육 변경 12 11.30 14:00"');
  const result = await rescheduleWorkshop({
    tx: turn.tx,
    deps: turn.deps,
    staff: staffOf(turn),
    workshopId: Number(id),
    startsAt,
    via: 'chat',
  });
  const at = (d: Date) => formatKoreanDateTime(d, turn.deps.timezone);
  if (result.kind === 'not_found')
    return turn.reply(`교육 ${josa(`#${id}`, '을/를')} 찾지 못했습니다. "교육 현황"에서 번호를 확인해 주세요.`);
  if (result.kind === 'forbidden')
    return turn.reply(`교육 ${josa(`#${id}`, '은/는')} 맡으신 곳의 교육이 아니라 바꿀 수 없습니다.`);
  if (result.kind === 'cancelled') return turn.reply(`교육 ${josa(`#${id}`, '은/는')} 취소된 교육입니다.`);
  if (result.kind === 'past') return turn.reply(`${josa(at(startsAt), '은/는')} 이미 지난 시각입니다.`);
  if (result.kind === 'same') return turn.reply(`교육 ${josa(`#${id}`, '은/는')} 이미 ${at(startsAt)}입니다.`);
  turn.reply(
    `교육 #${id} 일정을 ${at(result.previousStartsAt)}에서 ${josa(at(result.workshop.startsAt), '으로/로')} 바꿨습니다. 신청하신 ${result.told}명께 알렸고, 알림도 새 시각에 맞춰 보냅니다.`,
  );
}

/** 교육 취소 N: staff cancel the workshop; for anyone else it is their own sign-up being cancelled. */
export async function cancelWorkshopCommand(turn: Turn, args: string): Promise<void> {
  if (!isStaff(turn)) return withdrawCommand(turn, args);
  const id = idOf(args);
  if (!id)
    return turn.reply('취소할 교육 번호를 적어 주세요. 예: "교육 취소 12" (번호는 "교육 현황"에서 볼 수 있습니다)');
  const result = await cancelWorkshop({
    tx: turn.tx,
    deps: turn.deps,
    staff: staffOf(turn),
    workshopId: Number(id),
    via: 'chat',
  });
  if (result.kind === 'not_found') return turn.reply(`교육 ${josa(`#${id}`, '을/를')} 찾지 못했습니다.`);
  if (result.kind === 'forbidden')
    return turn.reply(`교육 ${josa(`#${id}`, '은/는')} 맡으신 곳의 교육이 아니라 취소할 수 없습니다.`);
  if (result.kind === 'already') return turn.reply(`교육 ${josa(`#${id}`, '은/는')} 이미 취소되었습니다.`);
  turn.reply(
    `교육 #${id} ${josa(`「${result.workshop.title}」`, '을/를')} 취소했습니다. 신청하신 ${result.told}명(대기 포함)께 알렸습니다.`,
  );
}

/** 교육 현황 [N] (staff): fill of upcoming workshops, or one workshop's sign-up list with names. */
export async function workshopStatusCommand(turn: Turn, args: string): Promise<void> {
  if (!isStaff(turn)) return turn.reply('교육 현황은 담당자만 볼 수 있습니다. 내 신청은 "교육"에서 보실 수 있습니다.');
  const id = idOf(args);
  const result = await workshopStatus({
    tx: turn.tx,
    deps: turn.deps,
    staff: staffOf(turn),
    workshopId: id ? Number(id) : undefined,
  });
  const at = (d: Date) => formatKoreanDateTime(d, turn.deps.timezone);
  if (result.kind === 'not_found') return turn.reply(`교육 ${josa(`#${id}`, '을/를')} 찾지 못했습니다.`);
  if (result.kind === 'forbidden') return turn.reply(`교육 ${josa(`#${id}`, '은/는')} 맡으신 곳의 교육이 아닙니다.`);
  if (result.kind === 'none_managed') return turn.reply('교육 현황은 담당자만 볼 수 있습니다.');
  if (result.kind === 'all') {
    if (result.items.length === 0) return turn.reply('다가오는 교육이 없습니다. "교육 만들기"로 만들 수 있습니다.');
    const lines = result.items.map(
      ({ workshop: w, fill }) =>
        `#${w.id} ${at(w.startsAt)}${w.startsAt <= turn.now ? ' (진행 중)' : ''} 「${w.title}」 — 확정 ${fill.confirmed}/${w.capacity} · 대기 ${fill.waitlisted}`,
    );
    const underway = result.items.filter((i) => i.workshop.startsAt <= turn.now).length;
    const heading = underway
      ? `진행 중인 교육 ${underway}건과 다가오는 교육 ${result.items.length - underway}건`
      : `다가오는 교육 ${result.items.length}건`;
    return turn.reply(`${heading}:\n${lines.join('\n')}\n명단은 "교육 현황 번호"로 보실 수 있습니다.`);
  }
  const w = result.workshop;
  const confirmed = result.attendees.filter((a) => a.status === 'confirmed');
  const waiting = result.attendees.filter((a) => a.status === 'waitlisted');
  // Minutes as they have passed (the stored ones lag by up to the completion job's 5 minutes until it ends).
  const passed = (a: (typeof confirmed)[number]) =>
    !a.attendedAt || w.completedAt
      ? a.attendedMinutes
      : Math.max(
          a.attendedMinutes,
          creditedMinutes({ ...w, arrivedAt: a.attendedAt, at: turn.now, fromStart: a.markedBy !== null }),
        );
  const attended = (a: (typeof confirmed)[number]) => {
    const minutes = passed(a);
    const h = Math.floor(minutes / 60);
    const length = h ? `${h}시간${minutes % 60 ? ` ${minutes % 60}분` : ''}` : `${minutes}분`;
    return a.attendedAt ? ` (출석 ${length})` : '';
  };
  turn.reply(
    [
      `#${w.id} 「${w.title}」 ${at(w.startsAt)}, ${w.place}${w.status === 'cancelled' ? ' (취소됨)' : ''}`,
      `확정 ${result.fill.confirmed}/${w.capacity} · 대기 ${result.fill.waitlisted} · 출석 번호 ${w.checkInCode}`,
      ...confirmed.map((a, i) => `${i + 1}. ${a.name}${attended(a)}`),
      ...(waiting.length ? ['대기:', ...waiting.map((a, i) => `  ${i + 1}. ${a.name}`)] : []),
      `출석 표시: "출석 확인 ${w.id} 1 2 …" 또는 "출석 확인 ${w.id} 전체"`,
    ].join('\n'),
  );
}

/** 출석 확인 N 1 2 홍길동 | 전체 (staff). */
export async function markAttendanceCommand(turn: Turn, args: string): Promise<void> {
  if (!isStaff(turn)) return turn.reply('출석 확인은 담당자만 할 수 있습니다. 교육장에서는 "출석 번호"를 보내 주세요.');
  const id = idOf(args);
  const rest = args.trim().replace(/^#?\d+\s*/, '');
  if (!id || !rest)
    return turn.reply(
      '"출석 확인 교육번호 명단번호…"로 보내 주세요. 예: "출석 확인 12 1 3 5" 또는 "출석 확인 12 전체"',
    );
  const picks = rest === '전체' ? 'all' : rest.split(/[\s,，、]+/).filter(Boolean);
  const result = await markAttendance({
    tx: turn.tx,
    deps: turn.deps,
    staff: staffOf(turn),
    workshopId: Number(id),
    picks,
    via: 'chat',
  });
  if (result.kind === 'not_found') return turn.reply(`교육 ${josa(`#${id}`, '을/를')} 찾지 못했습니다.`);
  if (result.kind === 'forbidden') return turn.reply(`교육 ${josa(`#${id}`, '은/는')} 맡으신 곳의 교육이 아닙니다.`);
  if (result.kind === 'early')
    return turn.reply(
      `교육 ${josa(`#${id}`, '은/는')} 아직 시작 전입니다. 출석은 시작 30분 전부터 표시할 수 있습니다.`,
    );
  if (result.kind === 'empty') return turn.reply('출석한 분의 명단 번호나 이름을 적어 주세요.');
  if (result.kind === 'unknown')
    return turn.reply(
      `명단에서 찾지 못했습니다: ${result.picks.join(', ')}. "교육 현황 ${id}"의 번호로 다시 보내 주세요. 아무것도 표시하지 않았습니다.`,
    );
  turn.reply(
    `출석을 표시했습니다: ${result.names.length}명${result.certificates ? `, 수료증 ${result.certificates}건을 발급해 보내 드렸습니다` : ''}.` +
      (result.workshop.endsAt > turn.now
        ? ' 교육 시간은 진행되는 대로 쌓이고, 수료증은 수료 시간이 지나면 보내 드립니다.'
        : ''),
  );
}
