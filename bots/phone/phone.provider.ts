/**
 * The port a phone provider implements (issue 17): text (SMS/LMS) and voice (a call that reads a text aloud), many
 * messages a request, and each message's status afterwards. SOLAPI is the first (solapi.client.ts); another Korean
 * provider is another file behind the same port. Numbers cross this port in E.164 (+8210…) and never reach a log.
 */
export type ProviderKind = 'sms' | 'lms' | 'voice';

export type ProviderMessage = { to: string; kind: ProviderKind; text: string; subject?: string | undefined };

export type ProviderAccepted = { to: string; messageId: string };
/** Refused by the provider at once: `optedOut` when the number is on its opt-out (수신거부) list. */
export type ProviderRefused = { to: string; code: string; message: string; optedOut: boolean };

export type SendManyResult = { groupId: string; accepted: ProviderAccepted[]; refused: ProviderRefused[] };

/**
 * A message's state: `pending` (accepted, not yet delivered or answered), `delivered` (an SMS received, a call
 * answered), `unanswered` (a call nobody picked up), `failed`, `opted_out`.
 */
export type ProviderState = 'pending' | 'delivered' | 'failed' | 'unanswered' | 'opted_out';
export type ProviderStatus = { messageId: string; to: string; state: ProviderState; code: string };

/** A request the provider did not take: `retryable` for 429, 5xx and the network; anything else will not get better. */
export class ProviderError extends Error {
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryable: boolean, status?: number, retryAfterMs?: number) {
    super(message);
    this.retryable = retryable;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface PhoneProvider {
  readonly name: string;
  /** Messages one request may carry (SOLAPI: 10,000). */
  readonly maxPerRequest: number;
  sendMany(input: { from: string; messages: ProviderMessage[] }): Promise<SendManyResult>;
  statuses(groupId: string): Promise<ProviderStatus[]>;
}
