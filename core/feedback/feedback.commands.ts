import { and, desc, eq, gte, ne } from 'drizzle-orm';
import { districts, feedbackItems } from '../../db/schema/index.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import type { DialogState } from '../conversation/dialog.store.ts';
import type { MediaKind } from '../channel/channel.types.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { staffCard, tellResident, tellStaff } from './feedback.notify.ts';
import {
  answerFeedback,
  closeFeedback,
  createFeedback,
  listOwnFeedback,
  rateFeedback,
  replyToFeedback,
  takeFeedback,
  type Attachment,
  type StaffActionResult,
} from './feedback.usecases.ts';

const statusKo = { received: '접수', assigned: '담당자 확인 중', answered: '답변 완료', closed: '종결' } as const;
const RECEIPT = /^#?((?:\d{4}-)?\d{1,6})(?:\s+([\s\S]*))?$/;

/** 의견 [내용]: with text, a receipt at once; bare, a short dialog asking for it (a photo or location may come too). */
export async function feedbackCommand(turn: Turn, args: string): Promise<void> {
  if (turn.chat.type !== 'direct')
    return turn.reply('의견은 저와 1:1 대화방에서 보내 주세요. 개인정보가 단체방에 남지 않도록 도와드립니다.');
  if (!turn.actor.registration)
    return turn.reply('의견을 보내시려면 먼저 실명 등록을 해 주세요. "등록"을 보내 주시면 안내해 드립니다.');
  if (!args.trim()) {
    await turn.setDialog({ dialog: 'feedback', step: 'text', data: { attachments: [] } });
    return turn.reply(
      '어떤 의견이신가요? 한 번에 적어 보내 주세요. 사진이나 위치를 먼저 보내셔도 됩니다. (그만두려면 "취소")',
    );
  }
  return submit(turn, args, []);
}

export async function continueFeedback(turn: Turn, state: DialogState, text: string): Promise<void> {
  await turn.setDialog(null);
  return submit(turn, text, (state.data.attachments as Attachment[] | undefined) ?? []);
}

async function submit(turn: Turn, text: string, attachments: Attachment[]): Promise<void> {
  const result = await createFeedback({
    tx: turn.tx,
    deps: turn.deps,
    author: {
      memberId: turn.actor.memberId,
      platform: turn.actor.platform,
      platformUserId: turn.actor.platformUserId,
      registration: turn.actor.registration,
    },
    text,
    attachments,
  });
  switch (result.kind) {
    case 'not_registered':
      return turn.reply('의견을 보내시려면 먼저 실명 등록을 해 주세요. "등록"을 보내 주시면 안내해 드립니다.');
    case 'empty':
      return turn.reply('의견 내용이 비어 있습니다. "의견 내용"처럼 적어 보내 주세요.');
    case 'too_long':
      // Nothing is lost: the dialog stays open, so the same text can be sent again, shorter.
      await turn.setDialog({ dialog: 'feedback', step: 'text', data: { attachments } });
      return turn.reply(
        `의견은 ${result.max}자 이내로 적어 주세요. (지금 ${result.length}자) 나누어 줄여서 다시 보내 주시면 이어서 접수합니다.`,
      );
    case 'daily_limit':
      return turn.reply(
        `의견은 하루 ${result.limit}건까지 보낼 수 있습니다. 내일 다시 보내 주시거나, 급한 일은 읍·면사무소에 전화해 주세요.`,
      );
    case 'created':
      return turn.reply(
        `의견이 접수되었습니다. 접수번호 ${result.item.receiptNo}\n담당 부서가 확인한 뒤 이 대화방으로 답변을 드립니다. (답변 기한 ${formatKoreanDateTime(result.item.dueAt, turn.deps.timezone)})` +
          (result.item.unapproved ? '\n아직 등록 승인 전이라 담당자께 함께 알려 드립니다.' : '') +
          '\n진행 상황은 "내 의견"으로 볼 수 있습니다.',
      );
  }
}

/** A photo or a location sent during 의견, or just after one: it joins that item. */
export async function attachToFeedback(
  turn: Turn,
  attachment: Attachment,
  state: DialogState | null,
): Promise<boolean> {
  if (state?.dialog === 'feedback') {
    const attachments = [...((state.data.attachments as Attachment[] | undefined) ?? []), attachment];
    await turn.setDialog({ ...state, data: { ...state.data, attachments } });
    turn.reply(`${mediaKo(attachment.kind)} 받았습니다. 이제 의견 내용을 글로 적어 보내 주세요.`);
    return true;
  }
  const recent = new Date(turn.now.getTime() - 10 * 60_000);
  const [item] = await turn.tx
    .select()
    .from(feedbackItems)
    .where(
      and(
        eq(feedbackItems.memberId, turn.actor.memberId),
        gte(feedbackItems.createdAt, recent),
        ne(feedbackItems.status, 'closed'),
      ),
    )
    .orderBy(desc(feedbackItems.id))
    .limit(1);
  if (!item) return false;
  const previous = item.attachmentsEnc
    ? (JSON.parse(turn.deps.cipher.decrypt(item.attachmentsEnc)) as Attachment[])
    : [];
  const [updated] = await turn.tx
    .update(feedbackItems)
    .set({ attachmentsEnc: turn.deps.cipher.encrypt(JSON.stringify([...previous, attachment])), updatedAt: turn.now })
    .where(eq(feedbackItems.id, item.id))
    .returning();
  // Already shown to staff: they get the addition; otherwise the card they will get includes it.
  if (updated?.triagedBy)
    await tellStaff(turn.tx, turn.deps, updated, `attachment:${turn.event.eventId}`, [
      await staffCard(turn.tx, turn.deps, updated),
    ]);
  turn.reply(`${mediaKo(attachment.kind)} 의견 ${item.receiptNo}에 함께 붙였습니다.`);
  return true;
}

/** The noun with its object particle (사진을, 위치를): the particle follows the last syllable's final consonant. */
function mediaKo(kind: MediaKind | string): string {
  return kind === 'image' ? '사진을' : kind === 'location' ? '위치를' : kind === 'video' ? '동영상을' : '파일을';
}

/** 내 의견: the writer's items with status and the last answer. */
export async function myFeedbackCommand(turn: Turn): Promise<void> {
  const mine = await listOwnFeedback(turn.tx, turn.deps, turn.actor.memberId);
  if (mine.length === 0) return turn.reply('아직 보내신 의견이 없습니다. "의견 내용"처럼 보내 주시면 접수해 드립니다.');
  const blocks = mine.map(({ item, body, lastAnswer }) =>
    [
      `${item.receiptNo} · ${statusKo[item.status]} · ${formatKoreanDateTime(item.createdAt, turn.deps.timezone)}`,
      `  ${[...body].slice(0, 40).join('')}${[...body].length > 40 ? '…' : ''}`,
      ...(lastAnswer ? [`  ↳ 답변: ${lastAnswer}`] : []),
    ].join('\n'),
  );
  turn.reply(
    `보내신 의견 ${mine.length}건:\n\n${blocks.join('\n\n')}\n\n덧붙일 말씀은 "의견 답글 접수번호 내용"으로 보내 주세요.`,
  );
}

function staffOf(turn: Turn) {
  return { memberId: turn.actor.memberId, grants: turn.actor.grants };
}

function refusal(turn: Turn, result: Exclude<StaffActionResult, { kind: 'done' }>, receipt: string): void {
  if (result.kind === 'not_found') turn.reply(`접수번호 ${receipt} 의견을 찾을 수 없습니다. 번호를 확인해 주세요.`);
  else if (result.kind === 'forbidden') turn.reply(`${receipt} 의견은 다른 읍·면의 의견이라 처리할 권한이 없습니다.`);
  else if (result.kind === 'closed')
    turn.reply(`${receipt} 의견은 이미 종결되었습니다. 주민이 다시 열면 알려 드립니다.`);
  else turn.reply(`답변 내용을 함께 적어 주세요. 예: "답변 ${receipt} 내일 보수하겠습니다"`);
}

/** 답변 <번호> <내용> (staff): the answer reaches the resident on the platform they wrote from. */
export async function answerCommand(turn: Turn, args: string): Promise<void> {
  const m = RECEIPT.exec(args.trim());
  if (!m)
    return turn.reply('답변은 "답변 접수번호 내용" 형식으로 보내 주세요. 예: "답변 2026-000123 내일 보수하겠습니다"');
  const receipt = m[1] ?? '';
  const result = await answerFeedback({
    tx: turn.tx,
    deps: turn.deps,
    staff: staffOf(turn),
    receipt,
    text: m[2] ?? '',
  });
  // The 답변 button carries no text: in a 1:1 chat the answer is asked for; in a room, what to type is said.
  if (result.kind === 'empty' && turn.chat.type === 'direct') {
    await turn.setDialog({ dialog: 'feedback_text', step: 'text', data: { command: 'answer', receipt } });
    return turn.reply(`의견 ${receipt}에 보낼 답변을 적어 주세요. 주민께 그대로 전해 드립니다. (그만두려면 "취소")`);
  }
  if (result.kind !== 'done') return refusal(turn, result, receipt);
  const item = result.item;
  const text = (m[2] ?? '').trim();
  await tellResident(turn.tx, turn.deps, item, `answer:${turn.event.platform}:${turn.event.eventId}`, [
    {
      text: `[의견 ${item.receiptNo} 답변]\n${text}\n— ${await officeLabel(turn, item.districtCode)}`,
      buttons: [{ label: '덧붙여 묻기', command: `의견 답글 ${item.receiptNo}` }],
    },
  ]);
  await tellStaff(turn.tx, turn.deps, item, `answered:${turn.event.platform}:${turn.event.eventId}`, [
    { text: `[의견 ${item.receiptNo}] 답변이 나갔습니다:\n${text}` },
  ]);
  if (turn.chat.type === 'direct') turn.reply(`의견 ${item.receiptNo}에 답변했습니다. 주민께 전해 드립니다.`);
}

/**
 * The text a button could not carry: a staff member's answer (답변 button) or a resident's follow-up (덧붙여 묻기),
 * asked for in the 1:1 chat and then handled as if typed with the command.
 */
export async function continueFeedbackText(turn: Turn, state: DialogState, text: string): Promise<void> {
  await turn.setDialog(null);
  const args = `${String(state.data.receipt ?? '')} ${text}`;
  return state.data.command === 'reply' ? replyCommand(turn, args) : answerCommand(turn, args);
}

/** 의견 맡기 <번호> (staff). */
export async function takeCommand(turn: Turn, args: string): Promise<void> {
  const receipt = RECEIPT.exec(args.trim())?.[1];
  if (!receipt) return turn.reply('맡을 의견의 접수번호를 적어 주세요. 예: "의견 맡기 2026-000123"');
  const result = await takeFeedback({ tx: turn.tx, deps: turn.deps, staff: staffOf(turn), receipt });
  if (result.kind !== 'done') return refusal(turn, result, receipt);
  if (result.changed)
    await tellResident(turn.tx, turn.deps, result.item, 'assigned', [
      { text: `의견 ${result.item.receiptNo}을 담당자가 확인하고 있습니다.` },
    ]);
  turn.reply(
    `의견 ${result.item.receiptNo}을 맡으셨습니다. 답변은 "답변 ${result.item.receiptNo} 내용"으로 보내 주세요.`,
  );
}

/** 의견 닫기 <번호> (staff): closed; the resident is asked whether it was resolved. */
export async function closeCommand(turn: Turn, args: string): Promise<void> {
  const receipt = RECEIPT.exec(args.trim())?.[1];
  if (!receipt) return turn.reply('종결할 의견의 접수번호를 적어 주세요. 예: "의견 닫기 2026-000123"');
  const result = await closeFeedback({ tx: turn.tx, deps: turn.deps, staff: staffOf(turn), receipt });
  if (result.kind !== 'done') return refusal(turn, result, receipt);
  const r = result.item.receiptNo;
  await tellResident(turn.tx, turn.deps, result.item, `closed:${turn.event.eventId}`, [
    {
      text: `의견 ${r}이 종결되었습니다. 해결되셨나요?\n(14일 안에 "의견 답글 ${r} 내용"을 보내시면 다시 열립니다.)`,
      buttons: [
        { label: '해결되었어요', command: `의견 평가 ${r} 해결` },
        { label: '해결되지 않았어요', command: `의견 평가 ${r} 미해결` },
      ],
    },
  ]);
  turn.reply(`의견 ${r}을 종결했습니다. 주민께 해결 여부를 여쭙겠습니다.`);
}

/** 의견 답글 <번호> [내용] (resident): joins the thread; reopens a closed item within 14 days. */
export async function replyCommand(turn: Turn, args: string): Promise<void> {
  const m = RECEIPT.exec(args.trim());
  if (!m) return turn.reply('"의견 답글 접수번호 내용"처럼 보내 주세요. 접수번호는 "내 의견"에서 볼 수 있습니다.');
  const receipt = m[1] ?? '';
  const text = m[2] ?? '';
  const result = await replyToFeedback({ tx: turn.tx, deps: turn.deps, memberId: turn.actor.memberId, receipt, text });
  if (result.kind === 'not_found')
    return turn.reply(`접수번호 ${receipt}인 내 의견을 찾을 수 없습니다. "내 의견"에서 번호를 확인해 주세요.`);
  if (result.kind === 'too_late')
    return turn.reply(`종결된 지 ${result.days}일이 지난 의견은 다시 열 수 없습니다. 새 의견으로 보내 주세요.`);
  // The 덧붙여 묻기 button carries no text, and an overlong text is to be sent again shorter: in a 1:1 chat the
  // dialog asks for it (and stays open), so nothing has to be typed twice with its receipt number.
  if ((result.kind === 'empty' || result.kind === 'too_long') && turn.chat.type === 'direct')
    await turn.setDialog({ dialog: 'feedback_text', step: 'text', data: { command: 'reply', receipt } });
  if (result.kind === 'too_long')
    return turn.reply(`${result.max}자 이내로 줄여서 다시 보내 주세요. 보내시면 의견 ${receipt}에 덧붙여 드립니다.`);
  if (result.kind === 'empty')
    return turn.reply(`의견 ${receipt}에 덧붙일 말씀을 적어 보내 주세요. (그만두려면 "취소")`);
  const item = result.item;
  await tellStaff(turn.tx, turn.deps, item, `resident:${turn.event.platform}:${turn.event.eventId}`, [
    {
      text: `[의견 ${item.receiptNo} ${result.reopened ? '다시 열림' : '주민 답글'}]\n${text.trim()}`,
      buttons: [{ label: '맡기', command: `의견 맡기 ${item.receiptNo}` }],
    },
  ]);
  turn.reply(
    result.reopened
      ? `의견 ${item.receiptNo}을 다시 열었습니다. 담당자께 전해 드립니다.`
      : `의견 ${item.receiptNo}에 덧붙여 담당자께 전해 드립니다.`,
  );
}

/** 의견 평가 <번호> 해결|미해결, then 의견 만족 <번호> 1–5 (the resident, after closing). */
export async function rateCommand(turn: Turn, args: string, kind: 'resolved' | 'satisfaction'): Promise<void> {
  const m = RECEIPT.exec(args.trim());
  const value = (m?.[2] ?? '').trim();
  const rating = kind === 'resolved' ? { resolved: !/미해결|아니|안/.test(value) } : { satisfaction: Number(value) };
  if (!m || !value) return turn.reply('버튼을 눌러 알려 주세요.');
  const result = await rateFeedback({
    tx: turn.tx,
    deps: turn.deps,
    memberId: turn.actor.memberId,
    receipt: m[1] ?? '',
    rating,
  });
  if (result.kind === 'not_found') return turn.reply(`접수번호 ${m[1]}인 내 의견을 찾을 수 없습니다.`);
  if (result.kind === 'not_closed') return turn.reply('아직 처리 중인 의견입니다. 종결된 뒤에 알려 주세요.');
  if (result.kind === 'invalid') return turn.reply('만족도는 1부터 5까지의 숫자로 알려 주세요.');
  const r = result.item.receiptNo;
  if (kind === 'satisfaction') return turn.reply('알려 주셔서 고맙습니다. 더 나은 군정에 반영하겠습니다.');
  turn.reply({
    text: `${'resolved' in rating && rating.resolved ? '다행입니다.' : '불편을 드려 죄송합니다. "의견 답글"로 다시 여실 수 있습니다.'} 처리에 얼마나 만족하셨나요? (5: 매우 만족)`,
    buttons: [1, 2, 3, 4, 5].map((n) => ({ label: String(n), command: `의견 만족 ${r} ${n}` })),
  });
}

async function officeLabel(turn: Turn, districtCode: string): Promise<string> {
  const [d] = await turn.tx
    .select({ nameKo: districts.nameKo })
    .from(districts)
    .where(eq(districts.code, districtCode));
  return turn.actor.grants.some((g) => g.role === 'county_staff') ? '군청' : `${d?.nameKo ?? ''}사무소`;
}
