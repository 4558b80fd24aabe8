import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { InboundEvent } from '../../core/channel/channel.types.ts';
import type { InboundProcessor } from '../../core/inbound/inbound.processor.ts';
import { errorSummary } from '../../core/error.summary.ts';
import type { Logger } from '../../core/logger.port.ts';
import { KAKAO } from './kakao.facts.ts';
import type { InlineAnswers } from './kakao.inline.ts';
import type { PageStore } from './kakao.pages.ts';
import { COMMAND_EXTRA, MORE_EXTRA, MORE_LABEL, moreAction, toSkillPages, type SkillResponse } from './kakao.render.ts';

export const KAKAO_SKILL_PATH = '/webhooks/kakao';
export const KAKAO_SECRET_HEADER = 'x-maeul-skill-secret';
/** The longest a skill request waits for its event to be stored, whatever its answer time (Kakao waits 5 s). */
const STORE_WITHIN_MS = 3_000;

/** What we read of a SkillPayload; Kakao adds fields over time, so everything else passes through unread. */
const skillPayloadSchema = z
  .object({
    userRequest: z
      .object({
        utterance: z.string().max(5_000),
        callbackUrl: z.string().url().optional(),
        user: z.object({ id: z.string().min(1).max(256) }).passthrough(),
      })
      .passthrough(),
    action: z.object({ clientExtra: z.unknown().optional() }).passthrough().optional(),
  })
  .passthrough();
type SkillPayload = z.infer<typeof skillPayloadSchema>;

export type SkillRouterInput = {
  secret: string;
  inbound: InboundProcessor;
  logger: Logger;
  now: () => Date;
  inline: InlineAnswers;
  pages: PageStore;
  /** Runs the delivery engine once (coalesced): the reply is handed to the open request by the sender. */
  flush: () => Promise<void>;
  /** How many of this event's deliveries to Kakao are still due and unsent. */
  unsent: (eventId: string) => Promise<number>;
  /** The answer is due this long after the request arrived, inside Kakao's 5 s; then the request answers late. */
  answerWithinMs: number | (() => number);
  callbacks: boolean;
};

/**
 * POST /webhooks/kakao, the skill URL of the bot's fallback block (and any other): the county's secret header checked
 * in constant time (Kakao signs nothing), the utterance stored through the inbound pipeline, handled, and its reply
 * delivered into this very response. Kakao waits 5 s: a turn slower than `answerWithinMs` answers with a short text
 * (`useCallback` for an AI chatbot with KAKAO_CALLBACK=on) and its reply follows by the callback URL or the Event API.
 * https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/answer_json_format
 */
export function kakaoSkillRouter(input: SkillRouterInput): Router {
  const router = express.Router();
  const pace = createPace();
  router.post(KAKAO_SKILL_PATH, express.json({ limit: '256kb', type: () => true }), async (req, res) => {
    const arrived = performance.now();
    if (!secretMatches(req.get(KAKAO_SECRET_HEADER), input.secret)) {
      input.logger.warn({ path: KAKAO_SKILL_PATH }, 'Kakao skill request refused: bad or missing secret header');
      res.status(401).json({ error: 'invalid skill secret' });
      return;
    }
    const parsed = skillPayloadSchema.safeParse(req.body);
    if (!parsed.success) {
      input.logger.warn({ path: KAKAO_SKILL_PATH }, 'Kakao skill request is not a SkillPayload');
      res.status(400).json({ error: 'malformed skill payload' });
      return;
    }
    const payload = parsed.data;
    const userId = payload.userRequest.user.id;
    const extra = extraOf(payload);
    if (payload.userRequest.utterance.trim() === MORE_LABEL && extra[MORE_EXTRA]) {
      res.json(nextPage(input.pages, userId, extra[MORE_EXTRA]));
      return;
    }
    const receivedAt = input.now();
    const open = input.inline.open({ callbackUrl: payload.userRequest.callbackUrl, receivedAt });
    const event = toInbound(payload, receivedAt, open.handle);
    const budget = typeof input.answerWithinMs === 'function' ? input.answerWithinMs() : input.answerWithinMs;
    // When the turns already waiting here cannot be done in time, this one answers late at once, once stored.
    const hopeless = pace.expectedWaitMs(input.inline.waiting()) > budget;
    const left = () => (hopeless ? 0 : arrived + budget - performance.now());
    // Stored before anything is answered, as every webhook; but never past the time Kakao leaves us.
    const accepting = input.inbound.accept(event);
    accepting.catch((error: unknown) =>
      input.logger.error({ err: errorSummary(error), eventId: event.eventId }, 'Kakao skill request not stored'),
    );
    const storeLeft = arrived + STORE_WITHIN_MS - performance.now();
    const accepted = await Promise.race([accepting, sleep(storeLeft).then(() => null)]);
    if (!accepted) {
      input.inline.finish(open.id);
      res.json(textResponse('말씀을 받는 데 시간이 걸리고 있습니다. 잠시 뒤에도 답이 없으면 다시 보내 주세요.'));
      return;
    }
    if (accepted.duplicate) {
      input.inline.finish(open.id);
      res.json(textResponse('앞서 보내신 말씀을 처리하고 있습니다. 잠시만 기다려 주세요.'));
      return;
    }
    let settled = false;
    let taken = false;
    let noReply = false;
    void accepted.handled.finally(() => (settled = true));
    void open.taken.then(() => (taken = true));
    await Promise.race([accepted.handled, open.taken, sleep(left())]);
    // Once handled, a delivery pass (shared by every request waiting now) hands the reply over. After two passes
    // without it, either another pass holds it (wait a little more) or there is none due here (answer empty).
    for (let passes = 1; settled && !taken && left() > 0; passes++) {
      await Promise.race([input.flush().catch(() => {}), open.taken, sleep(left())]);
      if (taken || left() <= 0) break;
      if (passes >= 2) {
        const unsent = await Promise.race([input.unsent(event.eventId), sleep(left()).then(() => -1)]);
        if (unsent === 0) noReply = !taken;
        if (taken || noReply) break;
      }
      await Promise.race([open.taken, sleep(Math.min(50, left()))]);
    }
    const messages = input.inline.finish(open.id);
    if (messages) pace.answered();
    if (messages) {
      res.json(inlineResponse(input.pages, userId, messages));
      return;
    }
    if (noReply) {
      // Handled, and nothing to say here (its reply, if any, went another way): an empty answer shows nothing.
      res.json({ version: '2.0', template: { outputs: [] } });
      return;
    }
    // Late: the reply is still to come, by a later delivery pass (handling an event kicks the delivery loop).
    input.logger.info({ eventId: event.eventId }, 'Kakao skill request answered before its reply was ready');
    if (payload.userRequest.callbackUrl && input.callbacks)
      res.json({ version: '2.0', useCallback: true, data: { text: '답을 준비하고 있습니다. 잠시만 기다려 주세요.' } });
    else res.json(textResponse('말씀 잘 받았습니다. 답은 준비되는 대로 이 대화방으로 보내 드리겠습니다.'));
  });
  return router;
}

/**
 * Kakao gives a skill request no id of its own. An AI chatbot's request carries a one-time callback URL: a request
 * sent again carries the same URL, so the event id is derived from it (the same request is stored and handled once).
 * Otherwise each HTTP request is one event (Kakao documents no redelivery of skill requests): a fresh id.
 */
export function kakaoEventId(payload: Pick<SkillPayload, 'userRequest'>): string {
  const callbackUrl = payload.userRequest.callbackUrl;
  if (callbackUrl) return `cb-${createHash('sha256').update(callbackUrl).digest('hex').slice(0, 40)}`;
  return `rq-${randomUUID()}`;
}

function toInbound(payload: SkillPayload, receivedAt: Date, replyHandle: InboundEvent['replyHandle']): InboundEvent {
  const userId = payload.userRequest.user.id;
  const base = {
    platform: KAKAO,
    eventId: kakaoEventId(payload),
    occurredAt: receivedAt.toISOString(),
    chat: { platform: KAKAO, type: 'direct' as const, id: userId },
    sender: { platformUserId: userId },
    replyHandle,
  };
  const command = extraOf(payload)[COMMAND_EXTRA];
  if (command) return { ...base, kind: 'action', command };
  return { ...base, kind: 'text', text: payload.userRequest.utterance, addressed: true };
}

/** A button's extra ({ command }) or a page's ({ continue }); Kakao's v1 sent the string "null" when there was none. */
function extraOf(payload: SkillPayload): Record<string, string> {
  const extra = payload.action?.clientExtra;
  if (!extra || typeof extra !== 'object') return {};
  return Object.fromEntries(Object.entries(extra).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function inlineResponse(pages: PageStore, userId: string, messages: Parameters<typeof toSkillPages>[0]): SkillResponse {
  const [first, ...rest] = toSkillPages(messages);
  const template = first ?? { outputs: [] };
  if (rest.length) template.quickReplies = [moreAction(pages.keep(userId, rest))];
  return { version: '2.0', template };
}

function nextPage(pages: PageStore, userId: string, token: string): SkillResponse {
  const next = pages.next(userId, token);
  if (!next) return textResponse('이어서 보여 드릴 내용이 없습니다. 처음 보내셨던 말씀을 다시 보내 주세요.');
  const template = { ...next.page };
  if (next.rest.length) template.quickReplies = [moreAction(pages.keep(userId, next.rest))];
  return { version: '2.0', template };
}

function textResponse(text: string): SkillResponse {
  return { version: '2.0', template: { outputs: [{ simpleText: { text } }] } };
}

/** Constant time whatever the lengths: both sides are hashed first. */
function secretMatches(given: string | undefined, secret: string): boolean {
  if (!given || !secret) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(secret));
}

/**
 * How fast answers are coming out while requests wait: the time between two answers given inside their request,
 * smoothed. A request that finds n others waiting can expect its reply in about n such intervals.
 */
function createPace() {
  let gapMs = 0;
  let last = 0;
  return {
    answered(): void {
      const now = performance.now();
      if (last && now - last < 5_000) gapMs = gapMs ? 0.8 * gapMs + 0.2 * (now - last) : now - last;
      last = now;
    },
    expectedWaitMs(waiting: number): number {
      return performance.now() - last < 5_000 ? waiting * gapMs : 0;
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
