import { and, eq, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { members, registrations, villages } from '../../db/schema/index.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue } from '../delivery/outbox.write.ts';
import { quietUntil } from '../delivery/quiet.hours.ts';
import { maskName } from '../privacy/privacy.mask.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { categoryKo } from './feedback.rules.ts';
import { feedbackGoesToHq } from './feedback.routing.ts';
import { tellStaff as tellStaffOf } from '../staff/staff.rooms.ts';
import type { Attachment, FeedbackItem } from './feedback.usecases.ts';

/** Tells the staff of an item's scope (its district; HQ too when urgent or about safety). `event` keeps each notice once. */
export async function tellStaff(
  tx: DbOrTx,
  deps: CoreDeps,
  item: FeedbackItem,
  event: string,
  messages: OutboundMessage[],
): Promise<number> {
  return tellStaffOf(tx, deps, {
    districtCode: item.districtCode,
    alsoHq: feedbackGoesToHq(item),
    urgent: item.urgent,
    key: `feedback:${item.id}:${event}`,
    purpose: 'feedback.staff',
    messages,
  });
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
): Promise<void> {
  const [member] = await tx
    .select({ quietStart: members.quietStart, quietEnd: members.quietEnd })
    .from(members)
    .where(eq(members.id, item.memberId));
  const held = member
    ? quietUntil(deps.clock.now(), { start: member.quietStart, end: member.quietEnd }, deps.timezone)
    : null;
  await enqueue(tx, deps, {
    dedupeKey: `feedback:${item.id}:${event}:resident`,
    to: { platform: item.platform, type: 'direct', id: item.platformUserId },
    memberId: item.memberId,
    purpose: 'feedback.resident',
    messages,
    notBefore: held ?? undefined,
  });
}

/** What a staff room sees of a new item: the text in full (staff may), the writer's name masked (a room has many). */
export async function staffCard(tx: DbOrTx, deps: CoreDeps, item: FeedbackItem): Promise<OutboundMessage> {
  const [writer] = await tx
    .select({ realName: registrations.realName, village: villages.nameKo })
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .where(
      and(
        eq(registrations.memberId, item.memberId),
        or(eq(registrations.status, 'approved'), eq(registrations.status, 'pending')),
      ),
    );
  const body = item.bodyEnc ? deps.cipher.decrypt(item.bodyEnc) : '';
  const attachments = item.attachmentsEnc ? (JSON.parse(deps.cipher.decrypt(item.attachmentsEnc)) as Attachment[]) : [];
  const head = [
    `[주민 의견 ${item.receiptNo}] ${categoryKo[item.category]}${item.urgent ? ' · 긴급' : ''}`,
    `${writer?.village ?? ''} ${maskName(writer?.realName ?? '주민')} 님${item.unapproved ? ' (등록 승인 전)' : ''}`,
    // A one-sentence opinion is its own summary: the line would only repeat it.
    ...(item.summary && item.summary !== body.trim() ? [`요약: ${item.summary}`] : []),
  ];
  const text = [
    head.join('\n'),
    [body, ...attachments.map(describeAttachment)].join('\n'),
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
