import { randomUUID } from 'node:crypto';
import type { OutboundMessage, ReplyHandle } from '../../core/channel/channel.types.ts';
import { KAKAO_LIMITS } from './kakao.facts.ts';

/**
 * Skill requests waiting for their answer, in this process. Kakao takes the answer only in the HTTP response (or,
 * for an AI chatbot, once on the callback URL), so the turn's reply goes through the delivery engine like any other
 * send and the Kakao sender hands it to the request still open here: the engine records it as sent, the request
 * answers with it. A request whose time ran out is forgotten here: its reply then goes by the callback URL or the
 * Event API.
 */
type Pending = { state: 'waiting' | 'taken'; messages: OutboundMessage[]; taken: () => void };

export type InlineAnswers = ReturnType<typeof createInlineAnswers>;

/** What the reply handle of a Kakao event carries: the open request, and the callback URL when Kakao gave one. */
type Handle = { p: string; cb?: string | undefined };

export function createInlineAnswers() {
  const pending = new Map<string, Pending>();
  return {
    /** A request starts waiting; `taken` resolves once the sender has handed it its reply. */
    open(input: { callbackUrl?: string | undefined; receivedAt: Date }): {
      id: string;
      handle: ReplyHandle;
      taken: Promise<void>;
    } {
      const id = randomUUID();
      let resolve: () => void = () => {};
      const taken = new Promise<void>((r) => (resolve = r));
      pending.set(id, { state: 'waiting', messages: [], taken: resolve });
      // The callback URL is valid for a minute; without one, the handle is good only while the request is open.
      const ttl = input.callbackUrl ? KAKAO_LIMITS.callbackValidMs - 5_000 : KAKAO_LIMITS.skillTimeoutMs;
      const token = JSON.stringify({ p: id, ...(input.callbackUrl ? { cb: input.callbackUrl } : {}) } satisfies Handle);
      return { id, handle: { token, expiresAt: new Date(input.receivedAt.getTime() + ttl).toISOString() }, taken };
    },
    /** The sender: true when the request is still waiting here and now carries these messages. */
    take(id: string, messages: OutboundMessage[]): boolean {
      const entry = pending.get(id);
      if (entry?.state !== 'waiting') return false;
      entry.state = 'taken';
      entry.messages = messages;
      entry.taken();
      return true;
    },
    /** The request answers now: its reply if the sender handed one over; otherwise it is late from now on. */
    finish(id: string): OutboundMessage[] | null {
      const entry = pending.get(id);
      pending.delete(id);
      // Not handed over yet: the sender, arriving later, finds nothing waiting and goes another way.
      return entry?.state === 'taken' ? entry.messages : null;
    },
    waiting(): number {
      return pending.size;
    },
  };
}

export function parseHandle(handle: ReplyHandle | null | undefined): Handle | null {
  if (!handle?.token) return null;
  try {
    const parsed = JSON.parse(handle.token) as Partial<Handle>;
    return typeof parsed.p === 'string'
      ? { p: parsed.p, cb: typeof parsed.cb === 'string' ? parsed.cb : undefined }
      : null;
  } catch {
    return null;
  }
}
