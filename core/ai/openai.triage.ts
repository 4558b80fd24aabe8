import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { feedbackCategories } from '../../db/schema/feedback.schema.ts';
import type { FeedbackClassifier } from '../feedback/feedback.triage.ts';

// Structured output: every field required, nullable rather than optional (OpenAI's strict JSON schema).
const answer = z.object({ category: z.enum(feedbackCategories), urgent: z.boolean(), summary: z.string() });

const instructions = [
  '당신은 군청에 들어온 주민 의견을 분류하는 도우미입니다.',
  'category는 road(도로·교통), environment(환경·쓰레기), welfare(복지·돌봄), safety(안전·재난), farming(농업), admin(행정), other(기타) 가운데 하나입니다.',
  'urgent는 사람이 다치거나 재산 피해가 곧 생길 수 있을 때만 true입니다.',
  'summary는 담당 공무원이 한눈에 알아볼 한 줄 요약(40자 이내, 존댓말 아님)입니다.',
  '[이름], [휴대전화], [주소] 같은 자리표시는 그대로 두세요.',
].join(' ');

/**
 * The triage classifier on any OpenAI-compatible endpoint (OPENAI_BASE_URL). It throws on any failure — timeout,
 * 429, 500, an answer that does not fit the schema — and the triage falls back to the keyword rules. It is given
 * text already scrubbed of names, numbers and addresses (feedback.triage).
 */
export function createOpenAiTriage(options: {
  model: string;
  baseURL?: string | undefined;
  apiKey?: string | undefined;
  timeoutMs: number;
}): FeedbackClassifier {
  // A local OpenAI-compatible server may need no key; the client insists on one. No retries: the rules are there.
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? 'not-needed',
    timeout: options.timeoutMs,
    maxRetries: 0,
  });
  return {
    async classify(scrubbedText) {
      const completion = await client.chat.completions.parse({
        model: options.model,
        messages: [
          { role: 'system', content: instructions },
          { role: 'user', content: scrubbedText },
        ],
        response_format: zodResponseFormat(answer, 'feedback_triage'),
      });
      const parsed = completion.choices[0]?.message.parsed;
      if (!parsed) throw new Error('the model answered nothing usable');
      return parsed;
    },
  };
}
