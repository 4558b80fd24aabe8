import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { groupChats, identities } from '../../db/schema/index.ts';
import type { InboundEvent } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueue } from '../delivery/outbox.write.ts';
import {
  cancelBroadcastCommand,
  listBroadcastsCommand,
  sendBroadcastCommand,
  statusCommand,
} from '../broadcasts/broadcast.commands.ts';
import {
  answerCommand,
  attachToFeedback,
  closeCommand,
  continueFeedback,
  continueFeedbackText,
  feedbackCommand,
  myFeedbackCommand,
  rateCommand,
  replyCommand,
  takeCommand,
} from '../feedback/feedback.commands.ts';
import { linkGroupCommand, unlinkGroupCommand } from '../groups/group.commands.ts';
import { linkStaffRoomCommand } from '../groups/staffroom.commands.ts';
import { loadActor } from '../members/member.resolve.ts';
import {
  acknowledgeNoticeCommand,
  noticeStatusCommand,
  recentNoticesBlock,
  relayNoticeCommand,
  reviseNoticeCommand,
  sendNoticeCommand,
} from '../notices/notice.commands.ts';
import { reportAnswerCommand, reportCommand } from '../reports/report.commands.ts';
import { continueSettings, startSettings } from '../settings/settings.dialog.ts';
import { continueWithdrawal, decideCommand, startWithdrawal } from '../registration/registration.commands.ts';
import { continueRegistration, startRegistration } from '../registration/registration.dialog.ts';
import {
  certificatesCommand,
  checkInCommand,
  signUpCommand,
  withdrawCommand,
  workshopsCommand,
} from '../workshops/workshop.commands.ts';
import { continueWorkshops } from '../workshops/workshop.dialog.ts';
import {
  cancelWorkshopCommand,
  createWorkshopCommand,
  markAttendanceCommand,
  rescheduleCommand,
  workshopStatusCommand,
} from '../workshops/workshop.staff.commands.ts';
import { type CommandId, matchChoice, matchCommand } from './command.match.ts';
import { createTurn, type Turn } from './conversation.turn.ts';
import { loadDialog, type DialogState } from './dialog.store.ts';
import { helpMenu, welcomeMessage } from './help.menu.ts';

type CommandHandler = (turn: Turn, args: string) => Promise<void>;

/** Commands that start a multi-step dialog: only in a 1:1 chat. */
const dialogCommands = new Set<CommandId>([
  'register',
  'withdraw',
  'settings',
  'my_feedback',
  'feedback_reply',
  'feedback_rate',
  'feedback_score',
]);

const commands: Record<CommandId, CommandHandler> = {
  register: (turn) => startRegistration(turn),
  help: async (turn) => helpMenu(turn),
  cancel: async (turn) => turn.reply('진행 중인 일이 없습니다. 할 수 있는 일은 "도움말"을 보내 보세요.'),
  approve: (turn, args) => decideCommand(turn, 'approved', args),
  reject: (turn, args) => decideCommand(turn, 'rejected', args),
  withdraw: (turn) => startWithdrawal(turn),
  link_group: (turn, args) => linkGroupCommand(turn, args),
  unlink_group: (turn) => unlinkGroupCommand(turn),
  link_staff_room: (turn, args) => linkStaffRoomCommand(turn, args),
  send_broadcast: (turn, args) => sendBroadcastCommand(turn, args),
  cancel_broadcast: (turn, args) => cancelBroadcastCommand(turn, args),
  broadcasts: (turn, args) => listBroadcastsCommand(turn, args),
  // 현황 N: one notice's hops; bare 현황: the broadcasts, then a short block of recent notices.
  status: async (turn, args) => {
    if (/^#?\d/.test(args)) return noticeStatusCommand(turn, args);
    await statusCommand(turn);
    await recentNoticesBlock(turn);
  },
  settings: (turn) => startSettings(turn),
  feedback: (turn, args) => feedbackCommand(turn, args),
  my_feedback: (turn) => myFeedbackCommand(turn),
  answer: (turn, args) => answerCommand(turn, args),
  feedback_take: (turn, args) => takeCommand(turn, args),
  feedback_close: (turn, args) => closeCommand(turn, args),
  feedback_reply: (turn, args) => replyCommand(turn, args),
  feedback_rate: (turn, args) => rateCommand(turn, args, 'resolved'),
  feedback_score: (turn, args) => rateCommand(turn, args, 'satisfaction'),
  notice_send: (turn, args) => sendNoticeCommand(turn, args),
  notice_ack: (turn, args) => acknowledgeNoticeCommand(turn, args),
  notice_relay: (turn, args) => relayNoticeCommand(turn, args),
  notice_correct: (turn, args) => reviseNoticeCommand(turn, args, 'correct'),
  notice_withdraw: (turn, args) => reviseNoticeCommand(turn, args, 'withdraw'),
  report: (turn, args) => reportCommand(turn, args),
  report_answer: (turn, args) => reportAnswerCommand(turn, args),
  workshops: (turn) => workshopsCommand(turn),
  workshop_signup: (turn, args) => signUpCommand(turn, args),
  workshop_withdraw: (turn, args) => withdrawCommand(turn, args),
  workshop_create: (turn, args) => createWorkshopCommand(turn, args),
  workshop_reschedule: (turn, args) => rescheduleCommand(turn, args),
  workshop_cancel: (turn, args) => cancelWorkshopCommand(turn, args),
  workshop_status: (turn, args) => workshopStatusCommand(turn, args),
  check_in: (turn, args) => checkInCommand(turn, args),
  mark_attendance: (turn, args) => markAttendanceCommand(turn, args),
  certificates: (turn) => certificatesCommand(turn),
};

const dialogs: Record<string, (turn: Turn, state: DialogState, text: string) => Promise<void>> = {
  registration: continueRegistration,
  withdrawal: continueWithdrawal,
  settings: continueSettings,
  feedback: continueFeedback,
  feedback_text: continueFeedbackText,
  menu: continueMenu,
  workshops: continueWorkshops,
};

/**
 * The one entry for every inbound event of every platform (cf. grammY's handleUpdate): it runs in the caller's
 * transaction, changes state, and writes its replies to the outbox in the same transaction.
 */
export async function handleInboundEvent(deps: CoreDeps, tx: DbOrTx, event: InboundEvent): Promise<void> {
  const now = deps.clock.now();
  if (event.kind === 'unfollow') {
    if (event.sender)
      await tx
        .update(identities)
        .set({ reachable: false })
        .where(
          and(eq(identities.platform, event.platform), eq(identities.platformUserId, event.sender.platformUserId)),
        );
    return;
  }
  if (event.kind === 'bot_left') {
    await tx
      .delete(groupChats)
      .where(and(eq(groupChats.platform, event.platform), eq(groupChats.chatId, event.chat.id)));
    return;
  }
  if (event.kind === 'bot_joined') {
    return writeReplies(deps, tx, event, null, [
      {
        text: '안녕하세요, 마을 소식 도우미입니다. 이장님께서 "마을방 연결"을 보내 주시면 이 방으로 공지와 마을방송을 전해 드립니다.',
      },
    ]);
  }
  if (!event.sender) return;
  const isGroup = event.chat.type === 'group';
  const text = event.kind === 'text' ? event.text : event.kind === 'action' ? event.command : '';
  const command = text ? matchCommand(text) : null;
  // In a group the bot speaks only when addressed: a mention, a /command, or a message that is only a command word.
  // A staff room is the bot's working room: any message that starts with a command ("답변 2026-000123 …") is for it.
  const addressed =
    !isGroup ||
    event.kind === 'action' ||
    ('addressed' in event && event.addressed) ||
    /^\s*[/!]/.test(text) ||
    (command !== null && (command.args === '' || (await isStaffRoom(tx, event.chat))));
  if (!addressed) return;

  const actor = await loadActor(tx, { platform: event.platform, sender: event.sender, now });
  const turn = createTurn({ deps, tx, event, actor });

  if (event.kind === 'follow') turn.reply(welcomeMessage(actor));
  else if (event.kind === 'media') await handleMedia(turn, event);
  else if (isGroup) await handleGroupText(turn, command);
  else await handleDirectText(turn, text, command);

  await writeReplies(deps, tx, event, actor.memberId, turn.replies);
}

/** A photo or location joins the feedback being written (or just sent); anything else is explained. */
async function handleMedia(turn: Turn, event: Extract<InboundEvent, { kind: 'media' }>): Promise<void> {
  if (turn.chat.type === 'direct') {
    const state = await loadDialog(turn.tx, turn.deps.cipher, turn.actor.identityId);
    const attachment = { kind: event.media, ref: event.ref, ...event.location };
    if (event.media !== 'sticker' && (await attachToFeedback(turn, attachment, state))) return;
  }
  turn.reply(
    '사진이나 위치는 의견과 함께 받습니다. 먼저 "의견"을 보내신 뒤 보내 주세요. 다른 일은 글로 보내 주시면 도와드리겠습니다.',
  );
}

async function isStaffRoom(tx: DbOrTx, chat: InboundEvent['chat']): Promise<boolean> {
  const [room] = await tx
    .select({ district: groupChats.staffDistrictCode, hq: groupChats.isHqStaffRoom })
    .from(groupChats)
    .where(and(eq(groupChats.platform, chat.platform), eq(groupChats.chatId, chat.id)));
  return Boolean(room && (room.district || room.hq));
}

async function handleDirectText(turn: Turn, text: string, command: ReturnType<typeof matchCommand>): Promise<void> {
  const state = await loadDialog(turn.tx, turn.deps.cipher, turn.actor.identityId);
  if (command?.command === 'cancel' && state) {
    await turn.setDialog(null);
    return turn.reply('취소했습니다. 처음으로 돌아왔습니다. 할 수 있는 일은 "도움말"을 보내 보세요.');
  }
  if (state && state.dialog !== 'menu' && command?.command === 'help')
    return turn.reply('지금 하시던 일을 이어서 입력해 주세요. 그만두시려면 "취소"를 보내 주세요.');
  if (state) {
    const continueDialog = dialogs[state.dialog];
    if (continueDialog && !(state.dialog === 'menu' && command)) return continueDialog(turn, state, text);
    await turn.setDialog(null);
  }
  if (command) return commands[command.command](turn, command.args);
  return helpMenu(turn, '말씀을 잘 이해하지 못했습니다.');
}

async function handleGroupText(turn: Turn, command: ReturnType<typeof matchCommand>): Promise<void> {
  if (!command) return helpMenu(turn);
  if (dialogCommands.has(command.command))
    return turn.reply('이 일은 저와 1:1 대화방에서 해 주세요. 개인정보를 단체방에 쓰지 않도록 도와드립니다.');
  return commands[command.command](turn, command.args);
}

/** A number (or label) sent after the help menu runs the command it names. */
async function continueMenu(turn: Turn, state: DialogState, text: string): Promise<void> {
  const entries = (state.data.commands as string[] | undefined) ?? [];
  const index = matchChoice(text, (state.data.labels as string[] | undefined) ?? []);
  await turn.setDialog(null);
  const chosen = index === null ? undefined : matchCommand(entries[index] ?? '');
  if (!chosen) return helpMenu(turn, '말씀을 잘 이해하지 못했습니다.');
  return commands[chosen.command](turn, chosen.args);
}

async function writeReplies(
  deps: CoreDeps,
  tx: DbOrTx,
  event: InboundEvent,
  memberId: number | null,
  messages: Turn['replies'],
): Promise<void> {
  if (messages.length === 0) return;
  await enqueue(tx, deps, {
    dedupeKey: `event:${event.platform}:${event.eventId}:reply`,
    to: event.chat,
    memberId: event.chat.type === 'direct' ? memberId : null,
    purpose: 'reply',
    messages,
    replyHandle: event.replyHandle ?? null,
  });
}
