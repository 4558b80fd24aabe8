import { z } from 'zod';
import type { SendResult } from '../../core/channel/channel.port.ts';
import type { SkillResponse } from './kakao.render.ts';

/**
 * Kakao's bot API, by fetch (Kakao publishes no Node SDK): the Event API that lets the bot speak first, its task
 * status, and the one-time callback URL of an AI chatbot's slow answer.
 * Event API: POST {base}/v2/bots/{botId}/talk, `Authorization: KakaoAK {REST API key}`, body
 * `{ event: { name, data }, user: [{ type: "botUserKey", id }] }` (at most 100 users, each once) → `{ taskId, status,
 * timestamp }`; `status: "SUCCESS"` means the task was taken, not delivered. GET {base}/v1/tasks/{taskId} →
 * `{ taskId, status, allRequestCount, successCount, userKeyResolvingFailCount?, fail: { count, list } }`.
 * https://kakaobusiness.gitbook.io/main/tool/chatbot/main_notions/event-api
 */
export type KakaoApiConfig = {
  baseUrl: string;
  botId: string;
  restApiKey: string;
  eventName: string;
  /** How long one request to Kakao may take (fetch has no timeout of its own). */
  timeoutMs?: number;
  /** Waits between task status polls; after the last, the task counts as done with what it said so far. */
  pollDelaysMs?: readonly number[];
};

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_POLL_DELAYS_MS = [200, 500, 1_000, 2_000, 4_000] as const;

const acceptedSchema = z.object({ taskId: z.string().min(1) }).passthrough();
const taskSchema = z
  .object({
    taskId: z.string(),
    status: z.string(),
    allRequestCount: z.number().int().nonnegative(),
    successCount: z.number().int().nonnegative(),
    userKeyResolvingFailCount: z.number().int().nonnegative().optional(),
    fail: z
      .object({
        count: z.number().int().nonnegative(),
        list: z
          .array(
            z
              .object({
                userId: z.string(),
                errorMsg: z.object({ errorType: z.unknown().optional(), msg: z.string().optional() }).optional(),
              })
              .passthrough(),
          )
          .default([]),
      })
      .default({ count: 0, list: [] }),
  })
  .passthrough();
export type TaskStatus = z.infer<typeof taskSchema>;

type Failure = Extract<SendResult, { ok: false }>;

/** One Event API request: the same text to these users (at most 100). */
export async function postEvent(
  config: KakaoApiConfig,
  users: readonly string[],
  text: string,
): Promise<{ ok: true; taskId: string } | Failure> {
  const url = `${config.baseUrl.replace(/\/$/, '')}/v2/bots/${encodeURIComponent(config.botId)}/talk`;
  const body = {
    event: { name: config.eventName, data: { text } },
    user: users.map((id) => ({ type: 'botUserKey', id })),
  };
  const answer = await request(config, url, { method: 'POST', body: JSON.stringify(body) });
  if (!answer.ok) return answer;
  const parsed = acceptedSchema.safeParse(answer.json);
  if (!parsed.success) return { ok: false, permanent: false, error: 'Event API answered without a taskId' };
  return { ok: true, taskId: parsed.data.taskId };
}

/**
 * Polls the task until its counts add up (every user succeeded, failed or could not be resolved), or the waits run
 * out; null when Kakao never answered a usable status.
 */
export async function awaitTask(config: KakaoApiConfig, taskId: string): Promise<TaskStatus | null> {
  const url = `${config.baseUrl.replace(/\/$/, '')}/v1/tasks/${encodeURIComponent(taskId)}`;
  let latest: TaskStatus | null = null;
  for (const delay of [0, ...(config.pollDelaysMs ?? DEFAULT_POLL_DELAYS_MS)]) {
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const answer = await request(config, url, { method: 'GET' });
    if (!answer.ok) continue;
    const parsed = taskSchema.safeParse(answer.json);
    if (!parsed.success) continue;
    latest = parsed.data;
    const settled = latest.successCount + latest.fail.count + (latest.userKeyResolvingFailCount ?? 0);
    if (settled >= latest.allRequestCount) return latest;
  }
  return latest;
}

/**
 * Posts the full answer to a callback URL (one minute, once). 4xx: the URL is expired or spent; the caller decides
 * whether that was us (a retry after a lost answer) or whether the answer must go another way.
 */
export async function postCallback(
  config: Pick<KakaoApiConfig, 'timeoutMs'>,
  url: string,
  response: SkillResponse,
): Promise<{ ok: true } | (Failure & { status?: number })> {
  return request(config, url, { method: 'POST', body: JSON.stringify(response) }, false);
}

async function request(
  config: { timeoutMs?: number | undefined; restApiKey?: string | undefined },
  url: string,
  init: { method: string; body?: string },
  authorized = true,
): Promise<({ ok: true; json: unknown } & { status: number }) | (Failure & { status?: number })> {
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...(authorized ? { authorization: `KakaoAK ${config.restApiKey ?? ''}` } : {}),
      },
      signal: AbortSignal.timeout(config.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    return { ok: false, permanent: false, error: error instanceof Error ? error.message : String(error) };
  }
  const text = await res.text().catch(() => '');
  if (res.ok) {
    try {
      return { ok: true, status: res.status, json: text ? JSON.parse(text) : {} };
    } catch {
      return { ok: true, status: res.status, json: {} };
    }
  }
  const detail = `${res.status} ${text.slice(0, 300)}`;
  // 429 and 5xx may get better; any other 4xx will not (a bad key, a bad request): permanent.
  if (res.status === 429 || res.status >= 500)
    return { ok: false, status: res.status, permanent: false, error: detail, retryAfterMs: retryAfter(res) };
  return { ok: false, status: res.status, permanent: true, error: detail };
}

function retryAfter(res: Response): number | undefined {
  const seconds = Number(res.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
