import { unsentOfEvent } from '../../core/delivery/delivery.subject.ts';
import { registerPlatformFacts } from '../../core/channel/platform.facts.ts';
import type { ChannelModule } from '../channel.registry.ts';
import { KAKAO, KAKAO_GROUP_CHATS_NOTE, KAKAO_LABEL } from './kakao.facts.ts';
import { createInlineAnswers } from './kakao.inline.ts';
import { createPageStore } from './kakao.pages.ts';
import { createKakaoSender } from './kakao.sender.ts';
import { kakaoSkillRouter } from './kakao.skill.ts';

/**
 * When a skill request answers at the latest: Kakao waits 5 s from its side; two seconds are kept for the way there
 * and back and for a busy server to take the request in.
 */
export const KAKAO_ANSWER_WITHIN_MS = 3_000;

/**
 * KakaoTalk (Kakao i Open Builder skill server + Event API): on when KAKAO_SKILL_SECRET, KAKAO_REST_API_KEY and
 * KAKAO_BOT_ID are set. Tests shorten the answer time (a slow turn) and the task status polls.
 */
export function createKakaoChannel(
  options: { answerWithinMs?: number | (() => number); pollDelaysMs?: number[] } = {},
): ChannelModule {
  return {
    id: KAKAO,
    enabled: (config) => Boolean(config.KAKAO_SKILL_SECRET && config.KAKAO_REST_API_KEY && config.KAKAO_BOT_ID),
    async start(ctx) {
      registerPlatformFacts(KAKAO, { label: KAKAO_LABEL, groupChats: false, groupChatsNote: KAKAO_GROUP_CHATS_NOTE });
      const now = () => ctx.deps.clock.now();
      const inline = createInlineAnswers();
      const pages = createPageStore();
      const callbacks = ctx.config.KAKAO_CALLBACK === 'on';
      const flush = coalesced(() => ctx.flushDeliveries());
      const sender = createKakaoSender({
        api: {
          baseUrl: ctx.config.KAKAO_API_BASE_URL,
          botId: ctx.config.KAKAO_BOT_ID ?? '',
          restApiKey: ctx.config.KAKAO_REST_API_KEY ?? '',
          eventName: ctx.config.KAKAO_EVENT_NAME,
          ...(options.pollDelaysMs ? { pollDelaysMs: options.pollDelaysMs } : {}),
        },
        callbacks,
        inline,
        pages,
        logger: ctx.deps.logger,
        now,
      });
      const router = kakaoSkillRouter({
        secret: ctx.config.KAKAO_SKILL_SECRET ?? '',
        inbound: ctx.inbound,
        logger: ctx.deps.logger,
        now,
        inline,
        pages,
        flush,
        unsent: (eventId) => unsentOfEvent({ tx: ctx.deps.db, platform: KAKAO, eventId, now: now() }),
        answerWithinMs: options.answerWithinMs ?? KAKAO_ANSWER_WITHIN_MS,
        callbacks,
      });
      return { sender, router, stop: async () => {} };
    },
  };
}

export const kakaoChannel = createKakaoChannel();

/**
 * A hundred skill requests at once each want a delivery pass: one runs at a time, and whoever asks while it runs
 * gets the next one (which will see their reply), instead of a hundred passes queueing on the database.
 */
function coalesced(run: () => Promise<void>): () => Promise<void> {
  let current: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = (): Promise<void> => {
    current = run().finally(() => (current = null));
    return current;
  };
  return () => {
    if (!current) return start();
    next ??= current
      .catch(() => {})
      .then(() => {
        next = null;
        return start();
      });
    return next;
  };
}
