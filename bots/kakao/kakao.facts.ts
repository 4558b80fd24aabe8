/**
 * KakaoTalk's platform facts, here and nowhere else (the core knows only what the channel registers).
 * Skill response limits: https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/answer_json_format
 * AI chatbot callbacks: https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/ai_chatbot_callback_guide
 * Event API: https://kakaobusiness.gitbook.io/main/tool/chatbot/main_notions/event-api
 */
export const KAKAO = 'kakao';
export const KAKAO_LABEL = '카카오톡';

export const KAKAO_LIMITS = {
  /** A SkillResponse carries at most 3 outputs (speech bubbles). */
  outputs: 3,
  simpleText: 1000,
  quickReplies: 10,
  quickReplyLabel: 14,
  textCardTitle: 50,
  textCardDescription: 400,
  textCardButtons: 3,
  buttonLabel: 14,
  /** Users of one Event API request (the port's multicast); a user may appear once. */
  eventUsers: 100,
  /** The skill server must answer within 5 seconds (skill timeout SLA). */
  skillTimeoutMs: 5_000,
  /** A callback URL is valid for one minute and may be posted to once. */
  callbackValidMs: 60_000,
} as const;

/** What one Event API message costs the county at the time of writing (15원, VAT excluded), for the README and staff. */
export const KAKAO_EVENT_PRICE_WON = 15;

/**
 * A KakaoTalk channel chatbot speaks 1:1 only: it cannot be put into a group chat (Kakao's separate "group chatbot"
 * is a closed beta with its own API, not this channel). Village chats stay on LINE and Discord.
 */
export const KAKAO_GROUP_CHATS_NOTE =
  '카카오톡 채널 챗봇은 단체방에 들어갈 수 없어, 마을방은 LINE이나 Discord 단체방에서 연결합니다(마을방 연결·공지 전달).';
