import type { DbOrTx } from '../../db/db.client.ts';
import type { ChatRef, InboundEvent, OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import type { Purpose } from '../delivery/delivery.purpose.ts';
import { eventKey } from '../delivery/delivery.keys.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import type { Actor } from '../members/member.resolve.ts';
import type { DialogState, Place } from './feature.types.ts';

/**
 * One handled event: who spoke, where, inside one transaction. Replies are collected and written to the outbox
 * with the state change that caused them; messages to other people go out through `notify`. A dialog set during
 * the turn is stored when the turn ends, together with the choices it showed.
 */
export type Turn = {
  deps: CoreDeps;
  tx: DbOrTx;
  event: InboundEvent;
  actor: Actor;
  chat: ChatRef;
  /** A 1:1 chat, a group chat, or a group linked as a staff room. */
  place: Place;
  now: Date;
  replies: OutboundMessage[];
  reply(message: OutboundMessage | string): void;
  /** A message to a member on their platform; `key` makes it unique within this event (e.g. "approver:12"). */
  notify(
    memberId: number,
    messages: OutboundMessage[],
    opts: { purpose: Purpose; key: string; aboutMemberId?: number },
  ): Promise<boolean>;
  setDialog(state: DialogState | null): Promise<void>;
  /** The dialog as this turn left it: `undefined` when the turn did not change it. */
  readonly dialogChange: { state: DialogState | null } | undefined;
  /**
   * The person's dialogs were erased during this turn (탈퇴): nothing is stored when it ends, not even a dialog that
   * was set aside before, since it holds what they typed.
   */
  forgetDialogs(): void;
  readonly dialogsForgotten: boolean;
};

export function createTurn(input: {
  deps: CoreDeps;
  tx: DbOrTx;
  event: InboundEvent;
  actor: Actor;
  place: Place;
}): Turn {
  const { deps, tx, event, actor, place } = input;
  const now = deps.clock.now();
  const replies: OutboundMessage[] = [];
  let dialogChange: { state: DialogState | null } | undefined;
  let dialogsForgotten = false;
  return {
    deps,
    tx,
    event,
    actor,
    chat: event.chat,
    place,
    now,
    replies,
    reply(message) {
      replies.push(typeof message === 'string' ? { text: message } : message);
    },
    notify(memberId, messages, opts) {
      return enqueueToMember(tx, deps, {
        memberId,
        messages,
        purpose: opts.purpose,
        aboutMemberId: opts.aboutMemberId,
        dedupeKey: eventKey({ platform: event.platform, eventId: event.eventId, part: opts.key }),
      });
    },
    async setDialog(state) {
      dialogChange = { state };
    },
    get dialogChange() {
      return dialogChange;
    },
    forgetDialogs() {
      dialogsForgotten = true;
    },
    get dialogsForgotten() {
      return dialogsForgotten;
    },
  };
}
