import type { ChannelSender, MulticastOutcome, SendResult } from '../../core/channel/channel.port.ts';
import type { OutboundMessage } from '../../core/channel/channel.types.ts';
import type { Logger } from '../../core/logger.port.ts';
import { awaitTask, postCallback, postEvent, type KakaoApiConfig } from './kakao.api.ts';
import { KAKAO, KAKAO_LIMITS } from './kakao.facts.ts';
import { parseHandle, type InlineAnswers } from './kakao.inline.ts';
import type { PageStore } from './kakao.pages.ts';
import { moreAction, toEventTexts, toSkillPages, type SkillResponse } from './kakao.render.ts';

type Failure = Extract<SendResult, { ok: false }>;

/**
 * The Kakao side of the channel port. A reply to a skill request still open in this process goes into its HTTP
 * response (kakao.inline.ts); a late one goes to the request's callback URL when the bot is an AI chatbot
 * (KAKAO_CALLBACK=on) and the URL is still valid; everything else — and every message the bot starts — goes by the
 * Event API, 15원 a message, at most 100 users a request (the port's multicast), each recipient's outcome read from
 * the task's status. The Event API takes no retry key: see README, "KakaoTalk", for what that cannot promise.
 */
export function createKakaoSender(input: {
  api: KakaoApiConfig;
  callbacks: boolean;
  inline: InlineAnswers;
  pages: PageStore;
  logger: Logger;
  now: () => Date;
}): ChannelSender {
  const { api, inline, logger } = input;

  /** One user: each text part is one event; a failure named in the task's status fails the delivery for good. */
  async function sendByEvent(userId: string, messages: OutboundMessage[]): Promise<SendResult> {
    let taskId: string | undefined;
    for (const text of toEventTexts(messages)) {
      const posted = await postEvent(api, [userId], text);
      if (!posted.ok) return posted;
      taskId ??= posted.taskId;
      const task = await awaitTask(api, posted.taskId);
      const failed = task?.fail.list.find((f) => f.userId === userId);
      if (failed) return { ok: false, permanent: true, error: `Event API: ${failed.errorMsg?.msg ?? task?.status}` };
      if (task && (task.userKeyResolvingFailCount ?? 0) > 0)
        return { ok: false, permanent: true, error: 'Event API: the botUserKey was not resolved' };
    }
    // The task id is what Kakao knows the send by: kept as the delivery's platform message id.
    return { ok: true, platformMessageId: taskId };
  }

  return {
    platform: KAKAO,
    canPush: true,
    multicastLimit: KAKAO_LIMITS.eventUsers,
    async send(request) {
      if (request.to.type !== 'direct')
        return { ok: false, permanent: true, error: 'a KakaoTalk channel chatbot has no group chats' };
      const handle = parseHandle(request.replyHandle);
      // A delivery pass on the embedded database runs as one chain of promises: yielding here lets the HTTP server
      // take in and answer the skill requests waiting meanwhile (Kakao's 5 s count for each of them).
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (handle && inline.take(handle.p, request.messages)) return { ok: true };
      const fresh = request.replyHandle && new Date(request.replyHandle.expiresAt) > input.now();
      if (handle?.cb && input.callbacks && fresh) {
        // Single use: noted as tried first, so that a retry refused by Kakao knows our earlier post spent it.
        if (!request.replyTried) await request.noteReply?.('tried');
        const posted = await postCallback(api, handle.cb, callbackResponse(request.to.id, request.messages));
        if (posted.ok || (posted.permanent && request.replyTried)) return { ok: true };
        if (!posted.permanent) return posted;
        await request.noteReply?.('refused');
      }
      return sendByEvent(request.to.id, request.messages);
    },
    async multicast(request) {
      const failed = new Map<string, Failure>();
      let whole: Failure | undefined;
      for (const text of toEventTexts(request.messages)) {
        const remaining = request.recipients.filter((r) => !failed.has(r));
        if (remaining.length === 0) break;
        const posted = await postEvent(api, remaining, text);
        if (!posted.ok) {
          whole = posted;
          break;
        }
        const task = await awaitTask(api, posted.taskId);
        for (const f of task?.fail.list ?? [])
          if (remaining.includes(f.userId))
            failed.set(f.userId, {
              ok: false,
              permanent: true,
              error: `Event API: ${f.errorMsg?.msg ?? task?.status}`,
            });
        // Kakao counts, but does not name, users whose key it could not resolve: they cannot be told apart.
        const unnamed = (task?.userKeyResolvingFailCount ?? 0) + (task ? task.fail.count - task.fail.list.length : 0);
        if (unnamed > 0) logger.warn({ taskId: posted.taskId, unnamed }, 'Kakao Event API failures without a user');
        if (!task) logger.warn({ taskId: posted.taskId }, 'Kakao task status not read: recorded as sent');
      }
      const outcomes: MulticastOutcome[] = [];
      const ok = request.recipients.filter((r) => !failed.has(r));
      if (ok.length) outcomes.push({ recipients: ok, result: whole ?? { ok: true } });
      const byError = new Map<string, string[]>();
      for (const [user, failure] of failed) byError.set(failure.error, [...(byError.get(failure.error) ?? []), user]);
      for (const [error, recipients] of byError)
        outcomes.push({ recipients, result: { ok: false, permanent: true, error } });
      return outcomes;
    },
  };

  /** A callback takes one SkillResponse: the first page, the rest kept for "더 보기". */
  function callbackResponse(userId: string, messages: OutboundMessage[]): SkillResponse {
    const [first, ...rest] = toSkillPages(messages);
    const template = first ?? { outputs: [] };
    if (rest.length) template.quickReplies = [moreAction(input.pages.keep(userId, rest))];
    return { version: '2.0', template };
  }
}
