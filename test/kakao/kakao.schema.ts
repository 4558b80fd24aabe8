import { z } from 'zod';

/**
 * The SkillResponse v2.0 that Kakao accepts, with its limits, written from Kakao's documentation and not from our
 * renderer: a response the bot sends that breaks one fails the test that caused it.
 * https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/answer_json_format
 * Limits counted in characters (code points), as Kakao counts them.
 */
const chars = (max: number) =>
  z
    .string()
    .min(1)
    .refine((s) => [...s].length <= max, `at most ${max} characters`);

const action = z
  .object({
    label: chars(14),
    action: z.enum(['message', 'block', 'webLink', 'phone', 'share', 'operator']),
    messageText: z.string().min(1).optional(),
    blockId: z.string().optional(),
    webLinkUrl: z.string().url().optional(),
    phoneNumber: z.string().optional(),
    extra: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((a) => a.action !== 'message' || a.messageText !== undefined, 'a message action needs messageText');

const simpleText = z.object({ simpleText: z.object({ text: chars(1000) }).strict() }).strict();
const textCard = z
  .object({
    textCard: z
      .object({
        title: chars(50).optional(),
        description: chars(400).optional(),
        buttons: z.array(action).max(3).optional(),
        buttonLayout: z.enum(['vertical', 'horizontal']).optional(),
      })
      .strict()
      .refine((c) => c.title !== undefined || c.description !== undefined, 'a textCard needs a title or a description'),
  })
  .strict();

export const skillTemplateSchema = z
  .object({
    outputs: z.array(z.union([simpleText, textCard])).max(3),
    quickReplies: z.array(action).max(10).optional(),
  })
  .strict();

export const skillResponseSchema = z.union([
  z
    .object({
      version: z.literal('2.0'),
      template: skillTemplateSchema,
      context: z.unknown().optional(),
      data: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
  // An AI chatbot's slow answer: the block's callback text shows `data` now, the answer comes on the callback URL.
  z
    .object({
      version: z.literal('2.0'),
      useCallback: z.literal(true),
      data: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
]);

export type CheckedSkillResponse = z.infer<typeof skillResponseSchema>;
export type KakaoActionRecord = z.infer<typeof action>;

/** The Event API request body (POST /v2/bots/{botId}/talk). */
export const eventRequestSchema = z
  .object({
    event: z.object({ name: z.string().min(1), data: z.record(z.string(), z.string()).optional() }).strict(),
    user: z
      .array(
        z.object({ type: z.enum(['botUserKey', 'plusfriendUserKey', 'appUserId']), id: z.string().min(1) }).strict(),
      )
      .min(1)
      .max(100),
  })
  .strict();
