import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { groupChats, identities } from '../../db/schema/index.ts';
import type { InboundEvent } from '../channel/channel.types.ts';
import { noGroupChatsNote } from '../channel/platform.facts.ts';
import type { CoreDeps } from '../core.deps.ts';
import { eventKey } from '../delivery/delivery.keys.ts';
import { enqueue } from '../delivery/outbox.write.ts';
import { loadActor } from '../members/member.resolve.ts';
import { createCommandMatcher, type CommandMatch, type CommandMatcher } from './command.match.ts';
import { builtinCommands, menuDialog } from './conversation.builtins.ts';
import { persist, runDirectText } from './conversation.direct.ts';
import { createTurn, type Turn } from './conversation.turn.ts';
import { loadDialog } from './dialog.store.ts';
import type { CommandDef, DialogDef, Feature, Place } from './feature.types.ts';
import { buildMenu, menuMessage, welcomeMessage, type MenuItem } from './help.menu.ts';
import { checkDeclarations } from './feature.check.ts';

/** The conversation built from the registered features: the only thing the inbound pipeline calls. */
export type Conversation = {
  commands: readonly CommandDef[];
  dialogs: ReadonlyMap<string, DialogDef>;
  matchCommand: CommandMatcher;
  menuFor(person: Parameters<typeof buildMenu>[1], place: Place): MenuItem[];
  handleInboundEvent(deps: CoreDeps, tx: DbOrTx, event: InboundEvent): Promise<void>;
};

/** What the engine hands to the built-in commands and the direct-chat router. */
export type Router = {
  commands: ReadonlyMap<string, CommandDef>;
  dialogs: ReadonlyMap<string, DialogDef>;
  matchCommand: CommandMatcher;
  showMenu(turn: Turn, place: Place, preface?: string): Promise<void>;
  run(turn: Turn, place: Place, match: CommandMatch): Promise<void>;
};

export function createConversation(features: readonly Feature[]): Conversation {
  const router = {} as Router;
  const all = [...builtinCommands(router), ...features.flatMap((f) => f.commands)];
  const dialogList = [menuDialog(router), ...features.flatMap((f) => f.dialogs ?? [])];
  checkDeclarations(all, dialogList);
  const commands = new Map(all.map((c) => [c.id, c]));
  const dialogs = new Map(dialogList.map((d) => [d.name, d]));
  const matchCommand = createCommandMatcher(all);

  Object.assign(router, {
    commands,
    dialogs,
    matchCommand,
    async showMenu(turn, place, preface) {
      const items = buildMenu(all, turn.actor, place);
      // Where the bot cannot be in group chats, those who link village chats are told where that happens instead.
      const groupNote = noGroupChatsNote(turn.event.platform);
      const linksGroups = groupNote && buildMenu(all, turn.actor, 'group').some((i) => i.commandId === 'link_group');
      turn.reply(menuMessage(items, place, [preface, linksGroups ? groupNote : undefined].filter(Boolean).join(' ')));
      if (place === 'direct')
        await turn.setDialog({
          dialog: 'menu',
          step: 'choose',
          data: { labels: items.map((i) => i.label), texts: items.map((i) => i.text) },
        });
    },
    async run(turn, place, match) {
      const def = commands.get(match.command);
      if (!def) return router.showMenu(turn, place, '말씀을 잘 이해하지 못했습니다.');
      if (!def.where.includes(place))
        return turn.reply(
          [wrongPlace(def, place), groupOnly(def, place, turn.event.platform)].filter(Boolean).join(' '),
        );
      return def.handle(turn, match.args);
    },
  } satisfies Router);

  return {
    commands: all,
    dialogs,
    matchCommand,
    menuFor: (person, place) => buildMenu(all, person, place),
    handleInboundEvent: (deps, tx, event) => handleInboundEvent(router, features, deps, tx, event),
  };
}

/**
 * The one entry for every inbound event of every platform (cf. grammY's handleUpdate): it runs in the caller's
 * transaction, changes state, and writes its replies to the outbox in the same transaction.
 */
async function handleInboundEvent(
  router: Router,
  features: readonly Feature[],
  deps: CoreDeps,
  tx: DbOrTx,
  event: InboundEvent,
): Promise<void> {
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
  const place: Place = !isGroup ? 'direct' : (await isStaffRoom(tx, event.chat)) ? 'staff_room' : 'group';
  const command = text ? router.matchCommand(text, place) : null;
  // In a group the bot speaks only when addressed: a mention, a /command, or a message that is only a command word.
  // A staff room is the bot's working room: any message that starts with a command ("답변 2026-000123 …") is for it.
  const addressed =
    !isGroup ||
    event.kind === 'action' ||
    ('addressed' in event && event.addressed) ||
    /^\s*[/!]/.test(text) ||
    (command !== null && (command.args === '' || place === 'staff_room'));
  if (!addressed) return;

  const actor = await loadActor(tx, { platform: event.platform, sender: event.sender, now });
  const turn = createTurn({ deps, tx, event, actor, place });

  if (!isGroup && (event.kind === 'text' || event.kind === 'action')) {
    await runDirectText(router, turn, text, command);
  } else {
    if (event.kind === 'follow') turn.reply(welcomeMessage(actor));
    else if (event.kind === 'media') await handleMedia(turn, features, event);
    else await (command ? router.run(turn, place, command) : router.showMenu(turn, place));
    await persist(turn, null);
  }

  await writeReplies(deps, tx, event, actor.memberId, turn.replies);
}

/** A photo or location goes to the feature that takes it (it joins the feedback being written); else explained. */
async function handleMedia(
  turn: Turn,
  features: readonly Feature[],
  event: Extract<InboundEvent, { kind: 'media' }>,
): Promise<void> {
  if (turn.chat.type === 'direct' && event.media !== 'sticker') {
    const state = await loadDialog(turn.tx, turn.deps.cipher, turn.actor.identityId);
    const media = { kind: event.media, ref: event.ref, ...event.location };
    for (const feature of features) if (await feature.onMedia?.(turn, media, state)) return;
  }
  turn.reply(
    '사진이나 위치는 의견과 함께 받습니다. 먼저 "의견"을 보내신 뒤 보내 주세요. 다른 일은 글로 보내 주시면 도와드리겠습니다.',
  );
}

function wrongPlace(def: CommandDef, place: Place): string {
  if (def.wrongPlace) return def.wrongPlace;
  if (place !== 'direct' && def.where.includes('direct') && def.where.includes('staff_room'))
    return '이름이 담긴 내용이라 마을 단체방에서는 보여 드리지 않습니다. 저와 1:1 대화방이나 직원방에서 보내 주세요.';
  if (place !== 'direct') return '이 일은 저와 1:1 대화방에서 해 주세요. 개인정보를 단체방에 쓰지 않도록 도와드립니다.';
  return '이 일은 해당 단체방에서 저를 불러 보내 주세요.';
}

/** A group command typed 1:1 on a platform whose bot cannot be in group chats: where group chats are instead. */
function groupOnly(def: CommandDef, place: Place, platform: string): string | undefined {
  return place === 'direct' && !def.where.includes('direct') ? noGroupChatsNote(platform) : undefined;
}

async function isStaffRoom(tx: DbOrTx, chat: InboundEvent['chat']): Promise<boolean> {
  const [room] = await tx
    .select({ district: groupChats.staffDistrictCode, hq: groupChats.isHqStaffRoom })
    .from(groupChats)
    .where(and(eq(groupChats.platform, chat.platform), eq(groupChats.chatId, chat.id)));
  return Boolean(room && (room.district || room.hq));
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
    dedupeKey: eventKey({ platform: event.platform, eventId: event.eventId, part: 'reply' }),
    to: event.chat,
    memberId: event.chat.type === 'direct' ? memberId : null,
    purpose: 'reply',
    messages,
    replyHandle: event.replyHandle ?? null,
  });
}
