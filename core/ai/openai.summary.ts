import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import type { Logger } from '../logger.port.ts';
import type { SummaryFacts, SummaryWriter } from './summary.port.ts';

const answer = z.object({ summary: z.string().nullable() });

const instructions = [
  '당신은 군청 공무원에게 보내는 아침 소식의 첫 문단을 쓰는 도우미입니다.',
  '주어진 항목과 숫자만 사용해 존댓말로 두세 문장, 200자 이내로 요약하세요.',
  '주어진 숫자를 바꾸거나 새 숫자를 만들지 마세요. 쓸 말이 없으면 summary를 null로 주세요.',
].join(' ');

/**
 * The summary port on any OpenAI-compatible endpoint. One attempt (or `maxRetries`) within `timeoutMs`: a digest
 * that waits for a slow model is worse than one with the template paragraph. Errors are logged by kind only.
 */
export function createOpenAiSummaryWriter(options: {
  model: string;
  baseURL?: string | undefined;
  apiKey?: string | undefined;
  timeoutMs: number;
  maxRetries?: number;
  logger: Logger;
}): SummaryWriter {
  const client = new OpenAI({
    baseURL: options.baseURL,
    // A local OpenAI-compatible server may need no key; the client insists on one.
    apiKey: options.apiKey ?? 'not-needed',
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries ?? 0,
  });
  return {
    async summarize(facts: SummaryFacts) {
      try {
        const completion = await client.chat.completions.parse({
          model: options.model,
          messages: [
            { role: 'system', content: instructions },
            { role: 'user', content: JSON.stringify(facts) },
          ],
          response_format: zodResponseFormat(answer, 'digest_summary'),
        });
        return completion.choices[0]?.message.parsed?.summary?.trim() || null;
      } catch (error) {
        const status = error instanceof OpenAI.APIError ? error.status : undefined;
        options.logger.warn(
          { status, kind: error instanceof Error ? error.name : 'unknown' },
          'model summary unavailable; using the template',
        );
        return null;
      }
    },
  };
}
