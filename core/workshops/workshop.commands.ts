import type { Turn } from '../conversation/conversation.turn.ts';
import { formatKoreanDate } from '../time/county.time.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { checkIn, listCertificates } from './workshop.attendance.usecases.ts';
import { clockTime, describeCertificate, signupUntil, whenAndWhere } from './workshop.notify.ts';
import { cancelSignup, signUp } from './workshop.signup.usecases.ts';
import { listUpcoming, type ListedWorkshop } from './workshop.usecases.ts';
import { josa } from '../text/korean.text.ts';

export const DIALOG = 'workshops';
export const signupChoices = ['신청하기', '그만두기'];
export const withdrawChoices = ['신청 취소', '그대로 두기'];

export function approvedResident(turn: Turn): { districtCode: string } | null {
  const r = turn.actor.registration;
  if (r?.status === 'approved') return { districtCode: r.districtCode };
  turn.reply(
    r
      ? '교육 신청은 등록이 승인된 뒤에 하실 수 있습니다. 승인되면 바로 알려 드립니다.'
      : '교육을 신청하시려면 먼저 실명 등록을 해 주세요. "등록"을 보내 주시면 안내해 드립니다.',
  );
  return null;
}

/** Begun (and not over: the list holds none that are): it is under way. */
export const underWay = (turn: Turn, item: ListedWorkshop) => item.workshop.startsAt <= turn.now;

export function line(turn: Turn, item: ListedWorkshop): string {
  const { workshop: w, fill, mine } = item;
  const tz = turn.deps.timezone;
  const left = Math.max(0, w.capacity - fill.confirmed);
  const state = underWay(turn, item)
    ? `${clockTime(w.endsAt, tz)}까지 진행${mine?.status === 'confirmed' ? ' · 신청하셨습니다 (출석은 교육장에서 "출석 번호")' : ''}`
    : mine?.status === 'confirmed'
      ? '신청하셨습니다'
      : mine?.status === 'waitlisted'
        ? `대기 ${item.waitPosition ?? ''}번째`
        : turn.now >= item.closesAt
          ? '신청 마감'
          : left > 0
            ? `남은 자리 ${left}/${w.capacity} · ${signupUntil(w, tz)}`
            : `정원 마감 · 대기 ${fill.waitlisted}명 (신청하시면 대기)`;
  return `「${w.title}」\n   ${formatKoreanDateTime(w.startsAt, tz)} · ${w.place}\n   ${state}`;
}

/**
 * The list under headings that are true: workshops already begun are "진행 중인 교육", the others "다가오는 교육"; one
 * numbering runs through both, in the order of `items` (begun ones come first: the list is soonest first).
 */
export function listText(turn: Turn, items: ListedWorkshop[]): string {
  const numbered = items.map((item, i) => ({ item, text: `${i + 1}. ${line(turn, item)}` }));
  const now = numbered.filter((n) => underWay(turn, n.item)).map((n) => n.text);
  const next = numbered.filter((n) => !underWay(turn, n.item)).map((n) => n.text);
  return [
    ...(now.length ? [`진행 중인 교육입니다.\n\n${now.join('\n')}`] : []),
    ...(next.length ? [`다가오는 교육입니다.\n\n${next.join('\n')}`] : []),
  ].join('\n\n');
}

/** 교육 (resident): the workshops of one's district and the county under way or to come, as numbered choices. */
export async function workshopsCommand(turn: Turn): Promise<void> {
  const resident = approvedResident(turn);
  if (!resident) return;
  const { items } = await listUpcoming({
    tx: turn.tx,
    deps: turn.deps,
    memberId: turn.actor.memberId,
    districtCode: resident.districtCode,
  });
  if (items.length === 0)
    return turn.reply('지금 신청할 수 있는 교육이 없습니다. 새 교육이 열리면 마을방송으로 알려 드립니다.');
  const text = listText(turn, items);
  if (turn.chat.type !== 'direct') return turn.reply(`${text}\n\n신청은 저와 1:1 대화방에서 "교육"을 보내 주세요.`);
  const labels = items.map(
    (item) => `${formatKoreanDate(item.workshop.startsAt, turn.deps.timezone)} ${item.workshop.title}`,
  );
  await turn.setDialog({ dialog: DIALOG, step: 'choose', data: { ids: items.map((i) => i.workshop.id), labels } });
  turn.reply({ text: `${text}\n\n신청하거나 취소하실 교육의 번호를 보내 주세요.`, choices: labels });
}

/** 교육 신청 <번호> (the button under an announcement): the same sign-up, without the list. */
export async function signUpCommand(turn: Turn, args: string): Promise<void> {
  const id = /^#?(\d{1,9})$/.exec(args.trim())?.[1];
  if (!id) return workshopsCommand(turn);
  if (!approvedResident(turn)) return;
  return doSignUp(turn, Number(id));
}

/** 교육 신청 취소 <번호>. */
export async function withdrawCommand(turn: Turn, args: string): Promise<void> {
  const id = /^#?(\d{1,9})$/.exec(args.trim())?.[1];
  if (!id) return workshopsCommand(turn);
  if (!approvedResident(turn)) return;
  return doWithdraw(turn, Number(id));
}

export function closedMessage(turn: Turn, w: ListedWorkshop['workshop']): string {
  const last = signupUntil(w, turn.deps.timezone);
  return `「${w.title}」 신청은 ${last.replace(/까지$/, '')}까지였습니다. 지금은 채팅으로 신청하실 수 없습니다. 꼭 참석하고 싶으시면 ${w.contact ?? '읍·면사무소'}에 전화해 주세요.`;
}

export async function doSignUp(turn: Turn, workshopId: number): Promise<void> {
  const districtCode = turn.actor.registration?.districtCode ?? '';
  const result = await signUp({
    tx: turn.tx,
    deps: turn.deps,
    memberId: turn.actor.memberId,
    districtCode,
    workshopId,
  });
  switch (result.kind) {
    case 'not_found':
      return turn.reply('그 번호의 교육을 찾지 못했습니다. "교육"을 보내 목록에서 골라 주세요.');
    case 'cancelled':
      return turn.reply(
        `${josa(`「${result.workshop.title}」`, '은/는')} 취소된 교육입니다. 다른 교육은 "교육"을 보내 보세요.`,
      );
    case 'other_district':
      return turn.reply(
        `${josa(`「${result.workshop.title}」`, '은/는')} 다른 읍·면 주민을 위한 교육입니다. 우리 읍·면 교육은 "교육"을 보내 보세요.`,
      );
    case 'closed':
      return turn.reply(closedMessage(turn, result.workshop));
    case 'already':
      return turn.reply(
        result.status === 'confirmed'
          ? `「${result.workshop.title}」에 이미 신청하셨습니다.`
          : `「${result.workshop.title}」 대기 ${result.position ?? ''}번째로 기다리고 계십니다.`,
      );
    case 'waitlisted':
      return turn.reply({
        text: `「${result.workshop.title}」 정원 ${result.workshop.capacity}명이 다 찼습니다. 대기 ${result.position}번째로 올려 드렸습니다. 자리가 나면 바로 알려 드립니다.`,
        buttons: [{ label: '대기 취소', command: `교육 신청 취소 ${result.workshop.id}` }],
      });
    case 'confirmed':
      return turn.reply({
        text: `「${result.workshop.title}」 신청이 확정되었습니다.\n${whenAndWhere(turn.deps, result.workshop)}\n전날 저녁 6시와 시작 2시간 전에 알려 드립니다.`,
        buttons: [{ label: '신청 취소', command: `교육 신청 취소 ${result.workshop.id}` }],
      });
  }
}

export async function doWithdraw(turn: Turn, workshopId: number): Promise<void> {
  const result = await cancelSignup({ tx: turn.tx, deps: turn.deps, memberId: turn.actor.memberId, workshopId });
  if (result.kind === 'not_found')
    return turn.reply('그 번호의 교육을 찾지 못했습니다. "교육"을 보내 목록에서 골라 주세요.');
  if (result.kind === 'not_signed_up') return turn.reply(`「${result.workshop.title}」에 신청하신 기록이 없습니다.`);
  if (result.kind === 'started')
    return turn.reply(`${josa(`「${result.workshop.title}」`, '은/는')} 이미 시작해서 취소할 수 없습니다.`);
  turn.reply(
    `「${result.workshop.title}」 ${result.was === 'confirmed' ? '신청을' : '대기를'} 취소했습니다. 다음에 또 신청해 주세요.`,
  );
}

/** 출석 <번호>: said at the venue. */
export async function checkInCommand(turn: Turn, args: string): Promise<void> {
  if (!args.trim()) return turn.reply('교육장에서 안내받은 출석 번호를 함께 보내 주세요. 예: "출석 1234"');
  const result = await checkIn({ tx: turn.tx, deps: turn.deps, memberId: turn.actor.memberId, code: args });
  const title = 'workshop' in result ? `「${result.workshop.title}」` : '';
  const tz = turn.deps.timezone;
  switch (result.kind) {
    // The same words whether the code is nobody's or another workshop's: a wrong code tells nothing.
    case 'wrong_code':
      return turn.reply(
        result.left > 0
          ? `출석 번호가 맞지 않습니다. 교육장에서 안내받은 번호를 다시 확인해 주세요. (오늘 ${result.left}번 더 보내실 수 있습니다)`
          : LOCKED,
      );
    case 'locked':
      return turn.reply(LOCKED);
    case 'cancelled':
      return turn.reply(`${josa(title, '은/는')} 취소된 교육입니다.`);
    case 'waitlisted':
      return turn.reply(`${title}에 대기 중이셔서 출석을 받지 못했습니다. 교육장 담당자께 말씀해 주세요.`);
    case 'early':
      return turn.reply(`${title} 출석은 ${formatKoreanDateTime(result.opensAt, tz)}부터 받습니다.`);
    case 'over':
      return turn.reply(
        `${josa(title, '은/는')} 이미 끝나 출석을 받을 수 없습니다. 참석하셨다면 담당자께 말씀해 주세요.`,
      );
    case 'already':
      return turn.reply(`${title} 출석은 이미 확인되었습니다.`);
    case 'attended': {
      const w = result.workshop;
      if (result.certificateMessage) {
        turn.reply(`${title} 출석을 확인했습니다. 고맙습니다.`);
        return turn.reply(result.certificateMessage);
      }
      const whole = Math.round((w.endsAt.getTime() - w.startsAt.getTime()) / 60_000);
      const late = result.minutes < whole;
      // The minutes count as they pass: the certificate comes once they have, not with the check-in.
      const doneAt = new Date(
        Math.max(w.startsAt.getTime(), late ? turn.now.getTime() : 0) + w.requiredMinutes * 60_000,
      );
      return turn.reply(
        [
          `${title} 출석을 확인했습니다. 고맙습니다.`,
          ...(late
            ? [`늦게 오셔서 끝까지 계셔도 ${result.minutes}분으로 기록됩니다. 먼저 와 계셨다면 담당자께 말씀해 주세요.`]
            : []),
          ...(!w.seriesId && result.minutes >= w.requiredMinutes
            ? [`수료증은 수료 시간이 지나는 ${clockTime(doneAt, tz)} 이후에 보내 드립니다.`]
            : []),
        ].join('\n'),
      );
    }
  }
}

const LOCKED =
  '출석 번호가 여러 번 맞지 않아 오늘은 채팅으로 출석을 더 받지 않습니다. 교육장 담당자께 말씀해 주시면 출석을 표시해 드립니다.';

/** 수료증: one's certificates with number, issue date and validity. */
export async function certificatesCommand(turn: Turn): Promise<void> {
  const { items: list } = await listCertificates({ tx: turn.tx, memberId: turn.actor.memberId });
  if (list.length === 0)
    return turn.reply(
      '아직 받으신 수료증이 없습니다. 교육을 마치시면 이곳에서 보실 수 있습니다. "교육"을 보내 신청해 보세요.',
    );
  const blocks = list.map(
    ({ certificate, title }) =>
      `「${title}」${certificate.validUntil <= turn.now ? ' (만료)' : ''}\n${describeCertificate(turn.deps, certificate)}`,
  );
  turn.reply(`수료증 ${list.length}건입니다.\n\n${blocks.join('\n\n')}`);
}
