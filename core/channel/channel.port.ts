import type { ChatRef, OutboundMessage, PlatformId, ReplyHandle } from './channel.types.ts';

/** What one delivery asks a platform to do. `idempotencyKey` is stable across retries and reaches the platform. */
export type SendRequest = {
  to: ChatRef;
  messages: OutboundMessage[];
  idempotencyKey: string;
  /** 1 on the first try. */
  attempt: number;
  replyHandle?: ReplyHandle | null | undefined;
  /**
   * An earlier attempt of this very delivery may have used the reply handle (it was recorded as tried before that
   * attempt spent it). A single-use token refused now was then spent by us: the reply landed.
   */
  replyTried?: boolean | undefined;
  /**
   * Recorded before the sender sends: `tried` just before a reply token is first used; `refused` when the token turned
   * out unusable before any reply of ours could have used it (expired or spent elsewhere), so that retries push;
   * `untried` when the platform answered that it did not take the reply (LINE's 429), so the token is still unspent.
   */
  noteReply?: ((state: 'tried' | 'refused' | 'untried') => Promise<void>) | undefined;
};

export type SendResult =
  /** `platformMessageId`: the platform's id of the (first) message sent, where it gives one back, so it can be edited later. */
  | { ok: true; platformMessageId?: string | undefined }
  | { ok: false; permanent: boolean; error: string; retryAfterMs?: number | undefined };

/** The same messages to many people of one platform at once (LINE multicast): one outcome per platform request. */
export type MulticastRequest = { recipients: string[]; messages: OutboundMessage[]; idempotencyKey: string };
export type MulticastOutcome = { recipients: string[]; result: SendResult };

/**
 * The outbound port every channel implements. It makes no assumption that a platform can push at any time
 * (`canPush`) or show buttons: the sender renders what it can.
 */
export interface ChannelSender {
  readonly platform: PlatformId;
  readonly canPush: boolean;
  send(request: SendRequest): Promise<SendResult>;
  /**
   * Present where the platform can send one request to many (LINE: 500 a request); the engine batches for it. The
   * engine decides each request (recipients and key) once and retries it unchanged, at most `multicastLimit`
   * recipients, so that the platform recognises a retry by its key.
   */
  multicast?(request: MulticastRequest): Promise<MulticastOutcome[]>;
  readonly multicastLimit?: number;
}
