import type { DbOrTx } from '../../db/db.client.ts';
import type { ChatRef, InboundEvent, OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import type { Actor } from '../members/member.resolve.ts';
import { clearDialog, type DialogState, saveDialog } from './dialog.store.ts';

/**
 * One handled event: who spoke, where, inside one transaction. Replies are collected and written to the outbox
 * with the state change that caused them; messages to other people go out through `notify`.
 */
export type Turn = {
  deps: CoreDeps;
  tx: DbOrTx;
  event: InboundEvent;
  actor: Actor;
  chat: ChatRef;
  now: Date;
  replies: OutboundMessage[];
  reply(message: OutboundMessage | string): void;
  /** A message to a member on their platform; `key` makes it unique within this event (e.g. "approver:12"). */
  notify(
    memberId: number,
    messages: OutboundMessage[],
    opts: { purpose: string; key: string; aboutMemberId?: number },
  ): Promise<boolean>;
  setDialog(state: DialogState | null): Promise<void>;
};

export function createTurn(input: { deps: CoreDeps; tx: DbOrTx; event: InboundEvent; actor: Actor }): Turn {
  const { deps, tx, event, actor } = input;
  const now = deps.clock.now();
  const replies: OutboundMessage[] = [];
  return {
    deps,
    tx,
    event,
    actor,
    chat: event.chat,
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
        dedupeKey: `event:${event.platform}:${event.eventId}:${opts.key}`,
      });
    },
    async setDialog(state) {
      if (state) await saveDialog(tx, deps.cipher, actor.identityId, state, now);
      else await clearDialog(tx, actor.identityId);
    },
  };
}
