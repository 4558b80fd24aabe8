import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startKakaoEmulator, type KakaoEmulator } from './kakao.emulator.ts';

/** The emulator against a bare skill server whose answer each test sets: the emulator's rules, not our bot. */
const KEY = 'kakao-rest-api-key';
let clock = Date.parse('2026-11-24T01:00:00Z');
let answer: { body: unknown; delayMs?: number } = { body: {} };
let kakao: KakaoEmulator;
let server: Server;

beforeAll(async () => {
  kakao = await startKakaoEmulator({ restApiKey: KEY, botId: 'bot-1', now: () => clock, skillTimeoutMs: 300 });
  server = createServer((_req, res) => {
    setTimeout(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body)),
      answer.delayMs ?? 0,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  kakao.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}/skill`, 'secret');
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await kakao.close();
});
beforeEach(() => kakao.reset());

const text = (t: string) => ({ simpleText: { text: t } });
const respond = (template: object) => (answer = { body: { version: '2.0', template } });

describe("skill responses are held to Kakao's schema and its time", () => {
  test("a valid response shows its bubbles and quick replies in the person's chat", async () => {
    respond({
      outputs: [text('안녕하세요')],
      quickReplies: [{ label: '1. 동의', action: 'message', messageText: '1' }],
    });
    const exchange = await kakao.say('user-1', '등록');
    expect(exchange.texts).toEqual(['안녕하세요']);
    expect(kakao.inbox('user-1').at(-1)).toMatchObject({ via: 'skill', text: '안녕하세요' });
  });

  test.each([
    ['a simpleText over 1,000 characters', { outputs: [text('가'.repeat(1001))] }],
    ['four outputs', { outputs: [text('1'), text('2'), text('3'), text('4')] }],
    [
      'eleven quick replies',
      {
        outputs: [text('x')],
        quickReplies: Array.from({ length: 11 }, (_, i) => ({ label: `${i}`, action: 'message', messageText: `${i}` })),
      },
    ],
    [
      'a quick reply label of 15 characters',
      { outputs: [text('x')], quickReplies: [{ label: '가'.repeat(15), action: 'message', messageText: '1' }] },
    ],
    [
      'a textCard with four buttons',
      {
        outputs: [
          {
            textCard: {
              description: 'x',
              buttons: Array.from({ length: 4 }, () => ({ label: 'b', action: 'message', messageText: 'b' })),
            },
          },
        ],
      },
    ],
    [
      'a message action without messageText',
      { outputs: [text('x')], quickReplies: [{ label: 'a', action: 'message' }] },
    ],
  ])('%s fails the exchange', async (_name, template) => {
    respond(template);
    await expect(kakao.say('user-1', '도움말')).rejects.toThrow(/schema/);
    expect(kakao.violations).toHaveLength(1);
  });

  test('a response without version 2.0 fails', async () => {
    answer = { body: { template: { outputs: [text('x')] } } };
    await expect(kakao.say('user-1', '도움말')).rejects.toThrow(/schema/);
  });

  test('a skill server slower than the skill timeout fails, as Kakao gives up', async () => {
    answer = { body: { version: '2.0', template: { outputs: [text('늦은 답')] } }, delayMs: 400 };
    await expect(kakao.say('user-1', '도움말')).rejects.toThrow(/did not answer within 300 ms/);
  });

  test('useCallback is refused for a request that had no callback URL', async () => {
    answer = { body: { version: '2.0', useCallback: true, data: { text: '잠시만요' } } };
    await expect(kakao.say('user-1', '도움말')).rejects.toThrow(/no callback URL/);
    expect((await kakao.say('user-1', '도움말', { callback: true })).texts).toEqual(['잠시만요']);
  });
});

describe('callback URLs', () => {
  const post = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('accept one post of a valid response; a second post is refused', async () => {
    answer = { body: { version: '2.0', useCallback: true, data: { text: '잠시만요' } } };
    const { callbackUrl } = await kakao.say('user-2', '질문', { callback: true });
    const full = { version: '2.0', template: { outputs: [text('긴 답입니다')] } };
    expect((await post(callbackUrl ?? '', full)).status).toBe(200);
    expect(kakao.inbox('user-2').at(-1)).toMatchObject({ via: 'callback', text: '긴 답입니다' });
    expect((await post(callbackUrl ?? '', full)).status).toBe(400);
  });

  test('expire a minute after the request, and refuse a response that breaks the schema', async () => {
    answer = { body: { version: '2.0', useCallback: true } };
    const first = await kakao.say('user-3', '질문', { callback: true });
    expect(
      (await post(first.callbackUrl ?? '', { version: '2.0', template: { outputs: [text('가'.repeat(1001))] } }))
        .status,
    ).toBe(400);
    expect(kakao.violations).toHaveLength(1);
    clock += 60_001;
    const late = await post(first.callbackUrl ?? '', { version: '2.0', template: { outputs: [text('늦었습니다')] } });
    expect(late.status).toBe(400);
    expect(await late.json()).toMatchObject({ message: 'callback url expired' });
  });
});

describe('the Event API and task status', () => {
  const talk = (body: object, key = KEY) =>
    fetch(`${kakao.baseUrl}/v2/bots/bot-1/talk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `KakaoAK ${key}` },
      body: JSON.stringify(body),
    });
  const users = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => ({ type: 'botUserKey', id: `u${from + i}` }));
  const event = (text: string) => ({ name: 'maeul_message', data: { text } });
  const task = async (taskId: string) =>
    (await (
      await fetch(`${kakao.baseUrl}/v1/tasks/${taskId}`, { headers: { authorization: `KakaoAK ${KEY}` } })
    ).json()) as Record<string, unknown>;

  test('takes at most 100 users a request, each once, with the right key and event name', async () => {
    expect((await talk({ event: event('소식'), user: users(101) })).status).toBe(400);
    expect((await talk({ event: event('소식'), user: [...users(2), ...users(1)] })).status).toBe(400);
    expect((await talk({ event: event('소식'), user: users(1) }, 'wrong-key')).status).toBe(401);
    expect((await talk({ event: { name: 'other_event', data: { text: 'x' } }, user: users(1) })).status).toBe(400);
    expect((await talk({ event: event('가'.repeat(1001)), user: users(1) })).status).toBe(400);
    const ok = await talk({ event: event('소식'), user: users(100) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ taskId: expect.any(String), status: 'SUCCESS' });
    expect(kakao.inbox('u99').at(-1)).toMatchObject({ via: 'event', text: '소식' });
  });

  test('answers a task id whose status names the users that failed and counts those it could not resolve', async () => {
    kakao.blockUser('u201');
    kakao.forgetUser('u202');
    const { taskId } = (await (await talk({ event: event('소식'), user: users(3, 200) })).json()) as { taskId: string };
    expect(await task(taskId)).toMatchObject({
      status: '2 FAIL',
      allRequestCount: 3,
      successCount: 1,
      userKeyResolvingFailCount: 1,
      fail: { count: 1, list: [{ userId: 'u201', errorMsg: { msg: expect.stringContaining('blocked') } }] },
    });
    expect(kakao.inbox('u201')).toHaveLength(0);
    expect(kakao.inbox('u200')).toHaveLength(1);
  });

  test('a task still being sent answers counts that do not add up, then the result', async () => {
    kakao.taskPendingPolls(2);
    const { taskId } = (await (await talk({ event: event('소식'), user: users(2) })).json()) as { taskId: string };
    expect(await task(taskId)).toMatchObject({ successCount: 0, allRequestCount: 2 });
    await task(taskId);
    expect(await task(taskId)).toMatchObject({ status: 'ALL SUCCESS', successCount: 2 });
  });

  test('failNext answers the next requests with an error', async () => {
    kakao.failNext(1, { status: 500 });
    expect((await talk({ event: event('소식'), user: users(1) })).status).toBe(500);
    expect((await talk({ event: event('소식'), user: users(1) })).status).toBe(200);
  });
});
