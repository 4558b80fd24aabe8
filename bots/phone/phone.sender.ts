import type { ChannelSender, MulticastOutcome, SendResult } from '../../core/channel/channel.port.ts';
import { type OutboundMessage, renderPlainText } from '../../core/channel/channel.types.ts';
import type { CoreDeps } from '../../core/core.deps.ts';
import { EXTRA_PREFIX } from '../../core/phone/phone.broadcast.usecases.ts';
import { callToPlace, prepareSend, recordCallPlaced, recordSend } from '../../core/phone/phone.delivery.usecases.ts';
import { fitPhoneText, fitVoiceText, pointerText } from '../../core/phone/phone.rules.ts';
import { type PhoneProvider, ProviderError } from './phone.provider.ts';

export const PHONE = 'phone';

/**
 * The phone channel's sender: a direct chat's id is the phone identity (the number's blind index) for a text, or
 * `call:<id>` for a broadcast's call. Numbers are read from the registration at send time, only while consent holds
 * (core/phone); a recipient without it fails for good and is never sent to.
 *
 * Retries: the engine retries a stored request unchanged under its key, but SOLAPI takes no idempotency key. What it
 * accepted is stored under that key right after it answers (phone_sends), and a retry sends only to recipients not
 * stored there. The window left: a crash (or a lost answer) after SOLAPI accepted and before that insert — a retry
 * then sends those messages again. A timeout is that case too; we accept it rather than lose an urgent broadcast.
 */
export function createPhoneSender(input: {
  provider: PhoneProvider;
  deps: CoreDeps;
  from: string;
  callbackNumber?: string | undefined;
}): ChannelSender & { multicast: NonNullable<ChannelSender['multicast']> } {
  const { provider, deps } = input;
  const pointer = pointerText(input.callbackNumber);

  async function sendTexts(
    recipients: string[],
    messages: OutboundMessage[],
    retryKey: string,
    fallsBack = true,
  ): Promise<MulticastOutcome[]> {
    const prepared = await prepareSend({ deps, retryKey, recipients });
    const outcomes: MulticastOutcome[] = [];
    if (prepared.already.length) outcomes.push({ recipients: prepared.already, result: { ok: true } });
    if (prepared.refused.length)
      outcomes.push({
        recipients: prepared.refused,
        result: { ok: false, permanent: true, error: 'no consent to phone delivery' },
      });
    if (prepared.targets.length === 0) return outcomes;
    const fitted = fitPhoneText(messages.map(renderPlainText).join('\n\n'), pointer);
    const byNumber = new Map(prepared.targets.map((t) => [t.mobile, t]));
    for (let i = 0; i < prepared.targets.length; i += provider.maxPerRequest) {
      const chunk = prepared.targets.slice(i, i + provider.maxPerRequest);
      try {
        const answer = await provider.sendMany({
          from: input.from,
          messages: chunk.map((t) => ({
            to: t.mobile,
            kind: fitted.kind,
            text: fitted.text,
            subject: fitted.kind === 'lms' ? fitted.subject : undefined,
          })),
        });
        const accepted = answer.accepted.flatMap((a) => {
          const target = byNumber.get(a.to);
          return target ? [{ target, messageId: a.messageId }] : [];
        });
        const refused = answer.refused.flatMap((r) => {
          const target = byNumber.get(r.to);
          return target ? [{ target, code: r.code, optedOut: r.optedOut }] : [];
        });
        await recordSend({
          deps,
          retryKey,
          kind: fitted.kind,
          groupId: answer.groupId,
          messages,
          fallsBack,
          accepted,
          refused,
        });
        if (accepted.length)
          outcomes.push({ recipients: accepted.map((a) => a.target.recipient), result: { ok: true } });
        for (const r of refused)
          outcomes.push({
            recipients: [r.target.recipient],
            result: {
              ok: false,
              permanent: true,
              error: `provider refused ${r.code}${r.optedOut ? ' (opt-out)' : ''}`,
            },
          });
        // Neither accepted nor refused (the provider left it out): retried with the request.
        const answered = new Set([...accepted, ...refused].map((x) => x.target.recipient));
        const missing = chunk.filter((t) => !answered.has(t.recipient)).map((t) => t.recipient);
        if (missing.length)
          outcomes.push({ recipients: missing, result: { ok: false, permanent: false, error: 'not in the answer' } });
      } catch (error) {
        outcomes.push({ recipients: chunk.map((t) => t.recipient), result: failure(error) });
      }
    }
    return outcomes;
  }

  async function placeCall(callId: number, messages: OutboundMessage[]): Promise<SendResult> {
    const call = await callToPlace({ deps, callId });
    if (call.kind === 'placed') return { ok: true };
    if (call.kind === 'refused') return { ok: false, permanent: true, error: call.reason };
    try {
      const answer = await provider.sendMany({
        from: input.from,
        messages: [
          { to: call.target.mobile, kind: 'voice', text: fitVoiceText(messages.map((m) => m.text).join(' '), pointer) },
        ],
      });
      const accepted = answer.accepted[0];
      if (!accepted) return { ok: false, permanent: true, error: `provider refused ${answer.refused[0]?.code ?? ''}` };
      await recordCallPlaced({ deps, callId, groupId: answer.groupId, messageId: accepted.messageId });
      return { ok: true, platformMessageId: accepted.messageId };
    } catch (error) {
      return failure(error);
    }
  }

  return {
    platform: PHONE,
    canPush: true,
    multicastLimit: provider.maxPerRequest,
    async multicast(request) {
      return sendTexts(request.recipients, request.messages, request.idempotencyKey);
    },
    async send(request) {
      if (request.to.type !== 'direct') return { ok: false, permanent: true, error: 'the phone has no group chats' };
      const call = /^call:(\d+)$/.exec(request.to.id);
      if (call) return placeCall(Number(call[1]), request.messages);
      const extra = request.to.id.startsWith(EXTRA_PREFIX);
      const recipient = extra ? request.to.id.slice(EXTRA_PREFIX.length) : request.to.id;
      const [outcome, ...rest] = await sendTexts([recipient], request.messages, request.idempotencyKey, !extra);
      return rest.length === 0 && outcome ? outcome.result : { ok: false, permanent: false, error: 'no outcome' };
    },
  };
}

function failure(error: unknown): SendResult {
  if (error instanceof ProviderError)
    return { ok: false, permanent: !error.retryable, error: error.message, retryAfterMs: error.retryAfterMs };
  return { ok: false, permanent: false, error: error instanceof Error ? error.message : String(error) };
}
