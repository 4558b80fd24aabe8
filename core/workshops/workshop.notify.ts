import type { DbOrTx } from '../../db/db.client.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { workshopVersionKey } from '../delivery/delivery.keys.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { countyParts, formatKoreanDate } from '../time/county.time.ts';
import { lastSignupDay, type ReminderKind } from './workshop.rules.ts';
import { josa } from '../text/korean.text.ts';
import type { Certificate } from './workshop.certificate.repository.ts';
import type { Workshop } from './workshop.repository.ts';

/** The workshop's calendar file, on the app's public address (PUBLIC_BASE_URL, else where it listens). */
export function icsUrl(deps: Pick<CoreDeps, 'publicUrl'>, workshopId: number): string {
  return `${deps.publicUrl?.() ?? ''}/workshops/${workshopId}.ics`;
}

/** 2029.11.30. — a full date, for certificates (they outlive the year). */
export function formatFullDate(date: Date, timeZone: string): string {
  const p = countyParts(date, timeZone);
  return `${p.year}.${p.month}.${p.day}.`;
}

/** 14:00: the clock time alone, as formatKoreanDateTime writes it (for "~ 16:00", "16:00까지"). */
export function clockTime(date: Date, timeZone: string): string {
  return formatKoreanDateTime(date, timeZone).split(' ')[1] ?? '';
}

/** Until when one may sign up, as residents read it: "11.28.(토)까지", or "12.1.(화) 11:20 시작 전까지" (no days before). */
export function signupUntil(w: Pick<Workshop, 'startsAt' | 'closesDaysBefore'>, timeZone: string): string {
  if (w.closesDaysBefore <= 0) return `${formatKoreanDateTime(w.startsAt, timeZone)} 시작 전까지`;
  return `${formatKoreanDate(lastSignupDay(w.startsAt, w.closesDaysBefore, timeZone), timeZone)}까지`;
}

export function whenAndWhere(deps: Pick<CoreDeps, 'timezone' | 'publicUrl'>, w: Workshop): string {
  return `일시: ${formatKoreanDateTime(w.startsAt, deps.timezone)} ~ ${clockTime(w.endsAt, deps.timezone)}\n장소: ${w.place}\n달력에 넣기: ${icsUrl(deps, w.id)}`;
}

const cancelButton = (w: Workshop) => ({ label: '신청 취소', command: `교육 신청 취소 ${w.id}` });

export type MemberNote =
  | { kind: 'promoted'; key: string }
  | { kind: 'reminder'; reminder: ReminderKind }
  | { kind: 'rescheduled'; key: string; previousStartsAt: Date }
  /** A new place (the console's edit): told like a new time, under the same purpose. */
  | { kind: 'moved'; key: string; previousPlace: string }
  | { kind: 'cancelled' };

/** What a person signed up for a workshop is told, one idea a message. */
export function memberMessage(
  deps: Pick<CoreDeps, 'timezone' | 'publicUrl'>,
  w: Workshop,
  note: MemberNote,
): OutboundMessage {
  const title = `「${w.title}」`;
  switch (note.kind) {
    case 'promoted':
      return {
        text: `[교육] 자리가 나서 대기하시던 ${title} 신청이 확정되었습니다.\n${whenAndWhere(deps, w)}`,
        buttons: [cancelButton(w)],
      };
    case 'reminder':
      return note.reminder === 'day_before'
        ? {
            text: `[교육 안내] 내일 ${title}에 오시는 날입니다.\n${whenAndWhere(deps, w)}\n도착하시면 안내받은 출석 번호를 "출석 번호"처럼 보내 주세요.`,
            buttons: [cancelButton(w)],
          }
        : {
            text: `[교육 안내] 2시간 뒤 ${josa(title, '이/가')} 시작합니다.\n${whenAndWhere(deps, w)}\n못 오시게 되면 "신청 취소"를 눌러 주세요.`,
            buttons: [cancelButton(w)],
          };
    case 'rescheduled':
      return {
        text: `[교육 일정 변경] ${title}의 일시가 ${formatKoreanDateTime(note.previousStartsAt, deps.timezone)}에서 바뀌었습니다. 신청은 그대로입니다.\n${whenAndWhere(deps, w)}`,
        buttons: [cancelButton(w)],
      };
    case 'moved':
      return {
        text: `[교육 장소 변경] ${title}의 장소가 “${note.previousPlace}”에서 바뀌었습니다. 신청은 그대로입니다.\n${whenAndWhere(deps, w)}`,
        buttons: [cancelButton(w)],
      };
    case 'cancelled':
      return {
        text: `[교육 취소] ${formatKoreanDateTime(w.startsAt, deps.timezone)} ${josa(title, '이/가')} 취소되었습니다. 신청해 주셔서 고맙습니다.\n문의: ${w.contact ?? '읍·면사무소'}`,
      };
  }
}

/** A reminder belongs to the workshop's version (withdrawn when it changes); the other notes to the workshop. */
function noteKey(w: Workshop, note: MemberNote, memberId: number): string {
  const part = `${note.kind === 'reminder' ? note.reminder : note.kind === 'cancelled' ? 'cancelled' : note.key}:member:${memberId}`;
  return note.kind === 'reminder'
    ? workshopVersionKey({ workshopId: w.id, version: w.version, part })
    : `workshop:${w.id}:${part}`;
}

/**
 * One message to each person, in the caller's transaction. The dedupe key carries the workshop version and the kind
 * of message, so that a job run twice adds nothing and a reminder made for an older time is a different message.
 */
export async function tellMembers(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  workshop: Workshop;
  memberIds: readonly number[];
  note: MemberNote;
}): Promise<number> {
  const { tx, deps, workshop: w, note } = input;
  const message = memberMessage(deps, w, note);
  let queued = 0;
  for (const memberId of input.memberIds)
    if (
      await enqueueToMember(tx, deps, {
        memberId,
        messages: [message],
        purpose: note.kind === 'moved' ? 'workshop.rescheduled' : `workshop.${note.kind}`,
        dedupeKey: noteKey(w, note, memberId),
      })
    )
      queued++;
  return queued;
}

export function describeCertificate(deps: Pick<CoreDeps, 'timezone'>, c: Certificate): string {
  return `수료증 번호 ${c.number}\n발급일 ${formatFullDate(c.issuedAt, deps.timezone)} · 유효기간 ${formatFullDate(c.validUntil, deps.timezone)}까지`;
}
