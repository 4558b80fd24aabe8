import type { DbOrTx } from '../../db/db.client.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue } from '../delivery/outbox.write.ts';
import { quietUntil } from '../delivery/quiet.hours.ts';
import { maskName } from '../privacy/privacy.mask.ts';
import { tellStaff as tellStaffOf } from '../staff/staff.rooms.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { quietHoursOf } from '../members/member.directory.ts';
import { writerOf, type FeedbackItem } from './feedback.repository.ts';
import { feedbackGoesToHq } from './feedback.routing.ts';
import { categoryKo } from './feedback.rules.ts';

export type Attachment = {
  kind: string;
  ref?: string | undefined;
  latitude?: number | undefined;
  longitude?: number | undefined;
  address?: string | undefined;
};

/**
 * A message a usecase wrote to the outbox for someone other than the person acting: the usecases send them
 * themselves (so no entry point can skip them) and return them in their result (so every entry point can show
 * what went where).
 */
export type Notice = { to: 'resident' | 'staff'; messages: OutboundMessage[] };

/** Tells the staff of an item's scope (its district; HQ too when urgent or about safety). `event` keeps each notice once. */
export async function tellStaff(
  tx: DbOrTx,
  deps: CoreDeps,
  item: FeedbackItem,
  event: string,
  messages: OutboundMessage[],
): Promise<Notice> {
  await tellStaffOf(tx, deps, {
    districtCode: item.districtCode,
    alsoHq: feedbackGoesToHq(item),
    urgent: item.urgent,
    key: `feedback:${item.id}:${event}`,
    purpose: 'feedback.staff',
    messages,
  });
  return { to: 'staff', messages };
}

/**
 * A message to the writer of an item: to the account they wrote from (the engine falls back to their next platform
 * if it fails for good), after their quiet hours.
 */
export async function tellResident(
  tx: DbOrTx,
  deps: CoreDeps,
  item: FeedbackItem,
  event: string,
  messages: OutboundMessage[],
): Promise<Notice> {
  const quiet = await quietHoursOf(tx, item.memberId);
  const held = quiet ? quietUntil(deps.clock.now(), quiet, deps.timezone) : null;
  await enqueue(tx, deps, {
    dedupeKey: `feedback:${item.id}:${event}:resident`,
    to: { platform: item.platform, type: 'direct', id: item.platformUserId },
    memberId: item.memberId,
    purpose: 'feedback.resident',
    messages,
    notBefore: held ?? undefined,
  });
  return { to: 'resident', messages };
}

export function readAttachments(deps: Pick<CoreDeps, 'cipher'>, item: FeedbackItem): Attachment[] {
  return item.attachmentsEnc ? (JSON.parse(deps.cipher.decrypt(item.attachmentsEnc)) as Attachment[]) : [];
}

/** What a staff room sees of a new item: the text in full (staff may), the writer's name masked (a room has many). */
export async function staffCard(tx: DbOrTx, deps: CoreDeps, item: FeedbackItem): Promise<OutboundMessage> {
  const writer = await writerOf(tx, item.memberId);
  const body = item.bodyEnc ? deps.cipher.decrypt(item.bodyEnc) : '';
  const summary = item.summaryEnc ? deps.cipher.decrypt(item.summaryEnc) : '';
  const head = [
    `[주민 의견 ${item.receiptNo}] ${categoryKo[item.category]}${item.urgent ? ' · 긴급' : ''}`,
    `${writer?.village ?? ''} ${maskName(writer?.realName ?? '주민')} 님${item.unapproved ? ' (등록 승인 전)' : ''}`,
    // A one-sentence opinion is its own summary: the line would only repeat it.
    ...(summary && summary !== body.trim() ? [`요약: ${summary}`] : []),
  ];
  const text = [
    head.join('\n'),
    [body, ...readAttachments(deps, item).map(describeAttachment)].join('\n'),
    `첫 답변 기한: ${formatKoreanDateTime(item.dueAt, deps.timezone)}\n답변: "답변 ${item.receiptNo} 내용"`,
  ];
  return {
    text: text.join('\n\n'),
    buttons: [
      { label: '맡기', command: `의견 맡기 ${item.receiptNo}` },
      { label: '답변', command: `답변 ${item.receiptNo}` },
      { label: '종결', command: `의견 닫기 ${item.receiptNo}` },
    ],
  };
}

function describeAttachment(a: Attachment): string {
  // A map link staff can open (Kakao Map's public link form: name,latitude,longitude).
  if (a.latitude !== undefined && a.longitude !== undefined)
    return `위치: ${a.address ?? ''} https://map.kakao.com/link/map/의견,${a.latitude},${a.longitude}`.replace(
      '  ',
      ' ',
    );
  return `${a.kind === 'image' ? '사진' : a.kind === 'video' ? '동영상' : '첨부'} 1건 (${a.ref ?? '참조 없음'})`;
}
