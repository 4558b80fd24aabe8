import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPFetchError, messagingApi, validateSignature } from '@line/bot-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startLineEmulator, type LineEmulator } from './line.emulator.ts';
import * as line from './line.webhook.sender.ts';

/**
 * The emulator must refuse what LINE refuses, as LINE does, when driven by the real SDK: otherwise tests of our
 * sender prove nothing. https://developers.line.biz/en/reference/messaging-api/
 */
const TOKEN = 'emulator-test-access-token';
const USER = 'U0123456789abcdef0123456789abcdef';
const GROUP = 'C0123456789abcdef0123456789abcdef';
let clock = Date.parse('2026-11-24T01:00:00Z');
let emulator: LineEmulator;
let client: messagingApi.MessagingApiClient;

beforeAll(async () => {
  emulator = await startLineEmulator({ channelAccessToken: TOKEN, now: () => clock });
  client = new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.baseUrl });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const text = (t: string): messagingApi.TextMessage => ({ type: 'text', text: t });

/** The SDK throws HTTPFetchError (status, headers: Headers, body: the raw text) for any non-2xx answer. */
async function refusal(
  promise: Promise<unknown>,
): Promise<HTTPFetchError & { json: { message: string; details?: { message: string; property: string }[] } }> {
  const error: unknown = await promise.then(
    () => expect.fail('expected the LINE API to refuse the request'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HTTPFetchError);
  const fetchError = error as HTTPFetchError;
  return Object.assign(fetchError, { json: JSON.parse(fetchError.body) as { message: string } });
}

describe('sending messages', () => {
  test('a push is recorded with its recipient, message and retry key, and answered with sentMessages', async () => {
    const key = randomUUID();
    const res = await client.pushMessageWithHttpInfo({ to: USER, messages: [text('안녕하세요')] }, key);
    expect(res.body.sentMessages).toHaveLength(1);
    expect(res.body.sentMessages[0]?.id).toMatch(/^\d+$/);
    expect(res.httpResponse.headers.get('x-line-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(emulator.delivered).toMatchObject([
      { via: 'push', to: USER, message: { type: 'text', text: '안녕하세요' }, retryKey: key },
    ]);
    expect(emulator.requests).toMatchObject([
      { method: 'POST', path: '/v2/bot/message/push', status: 200, headers: { 'x-line-retry-key': key } },
    ]);
    expect(emulator.acceptedRetryKeys.has(key)).toBe(true);
  });

  test('six messages in one request are refused with 400, and nothing is delivered', async () => {
    const error = await refusal(
      client.pushMessage({ to: USER, messages: Array.from({ length: 6 }, (_, i) => text(`#${i}`)) }),
    );
    expect(error.status).toBe(400);
    expect(error.json.details).toEqual([{ message: 'Size must be between 1 and 5', property: 'messages' }]);
    expect(emulator.delivered).toHaveLength(0);
  });

  test('a multicast reaches each recipient; 501 recipients or none are refused', async () => {
    expect(await client.multicast({ to: [USER, 'U2', 'U3'], messages: [text('공지')] })).toEqual({});
    expect(emulator.delivered.map((d) => [d.via, d.to])).toEqual([
      ['multicast', USER],
      ['multicast', 'U2'],
      ['multicast', 'U3'],
    ]);
    const tooMany = Array.from({ length: 501 }, (_, i) => `U${i}`);
    expect(
      (await refusal(client.multicast({ to: tooMany, messages: [text('공지')] }))).json.details?.[0]?.property,
    ).toBe('to');
    expect((await refusal(client.multicast({ to: [], messages: [text('공지')] }))).status).toBe(400);
    expect(emulator.delivered).toHaveLength(3);
  });

  test('a text of 5,001 characters is refused; 5,000 is accepted; an empty one is refused', async () => {
    const error = await refusal(client.pushMessage({ to: USER, messages: [text('가'.repeat(5001))] }));
    expect(error.status).toBe(400);
    expect(error.json.details).toEqual([
      { message: 'Length must be between 0 and 5000', property: 'messages[0].text' },
    ]);
    await client.pushMessage({ to: USER, messages: [text('가'.repeat(5000))] });
    expect(
      (await refusal(client.pushMessage({ to: USER, messages: [text('ok'), text('')] }))).json.details?.[0]?.property,
    ).toBe('messages[1].text');
    expect(emulator.delivered).toHaveLength(1);
  });

  test('a quick reply with 14 items, or a label over 20 characters, is refused', async () => {
    const item = (label: string): messagingApi.QuickReplyItem => ({
      type: 'action',
      action: { type: 'message', label, text: label },
    });
    const items = Array.from({ length: 14 }, (_, i) => item(`${i + 1}`));
    const fourteen = await refusal(
      client.pushMessage({ to: USER, messages: [{ ...text('고르세요'), quickReply: { items } }] }),
    );
    expect(fourteen.json.details?.[0]?.property).toBe('messages[0].quickReply.items');
    const long = await refusal(
      client.pushMessage({
        to: USER,
        messages: [{ ...text('고르세요'), quickReply: { items: [item('가'.repeat(21))] } }],
      }),
    );
    expect(long.json.details?.[0]?.property).toBe('messages[0].quickReply.items[0].action.label');
    await client.pushMessage({
      to: USER,
      messages: [{ ...text('고르세요'), quickReply: { items: items.slice(0, 13) } }],
    });
    expect(emulator.delivered[0]?.message.quickReply?.items).toHaveLength(13);
  });
});

describe('reply tokens', () => {
  test('a reply token works once and delivers to the chat it was issued for; the second use is refused', async () => {
    const replyToken = emulator.issueReplyToken(GROUP);
    const res = await client.replyMessage({ replyToken, messages: [text('첫 답장'), text('둘째')] });
    expect(res.sentMessages).toHaveLength(2);
    expect(emulator.delivered).toMatchObject([
      { via: 'reply', to: GROUP, message: { text: '첫 답장' } },
      { via: 'reply', to: GROUP },
    ]);
    const again = await refusal(client.replyMessage({ replyToken, messages: [text('또')] }));
    expect([again.status, again.json.message]).toEqual([400, 'Invalid reply token']);
    expect((await refusal(client.replyMessage({ replyToken: 'never-issued', messages: [text('?')] }))).status).toBe(
      400,
    );
  });

  test('an expired reply token is refused; a refused reply does not consume a token', async () => {
    const expiring = emulator.issueReplyToken(USER);
    const fresh = emulator.issueReplyToken(USER);
    await refusal(client.replyMessage({ replyToken: fresh, messages: [text('')] }));
    clock += 60_001;
    expect((await refusal(client.replyMessage({ replyToken: expiring, messages: [text('늦음')] }))).json.message).toBe(
      'Invalid reply token',
    );
    expect(emulator.delivered).toHaveLength(0);
    const late = emulator.issueReplyToken(USER);
    await client.replyMessage({ replyToken: late, messages: [text('제때')] });
    expect(emulator.delivered).toMatchObject([{ via: 'reply', to: USER, message: { text: '제때' } }]);
  });
});

describe('retry keys and failures', () => {
  test('the same X-Line-Retry-Key twice: the second is a 409 naming the accepted request, and it is delivered once', async () => {
    const key = randomUUID();
    const first = await client.pushMessageWithHttpInfo({ to: USER, messages: [text('한 번만')] }, key);
    const second = await refusal(client.pushMessage({ to: USER, messages: [text('한 번만')] }, key));
    expect(second.status).toBe(409);
    expect(second.json.message).toBe('The retry key is already accepted');
    expect(second.headers.get('x-line-accepted-request-id')).toBe(first.httpResponse.headers.get('x-line-request-id'));
    expect(emulator.delivered).toHaveLength(1);
  });

  test('a retry key that is not a UUID is refused', async () => {
    expect((await refusal(client.pushMessage({ to: USER, messages: [text('x')] }, 'not-a-uuid'))).status).toBe(400);
    expect(emulator.acceptedRetryKeys.size).toBe(0);
  });

  test('failNext 429 answers with Retry-After, does not consume the retry key, and the next request succeeds', async () => {
    emulator.failNext(1, { status: 429, retryAfterSeconds: 2 });
    const key = randomUUID();
    const limited = await refusal(client.pushMessage({ to: USER, messages: [text('곧')] }, key));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('x-line-request-id')).toBeTruthy();
    await client.pushMessage({ to: USER, messages: [text('곧')] }, key);
    expect(emulator.delivered).toHaveLength(1);
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  test('failNext 500 fails that many sends, whatever the endpoint', async () => {
    emulator.failNext(2, { status: 500 });
    expect((await refusal(client.pushMessage({ to: USER, messages: [text('a')] }))).status).toBe(500);
    expect(
      (await refusal(client.replyMessage({ replyToken: emulator.issueReplyToken(USER), messages: [text('b')] })))
        .status,
    ).toBe(500);
    await client.multicast({ to: [USER], messages: [text('c')] });
    expect(emulator.delivered).toHaveLength(1);
  });

  test("a blocked user's push is a 400; a multicast silently skips them", async () => {
    emulator.blockUser(USER);
    const error = await refusal(client.pushMessage({ to: USER, messages: [text('소식')] }));
    expect([error.status, error.json.message]).toEqual([400, 'Failed to send messages']);
    await client.multicast({ to: [USER, 'Uother'], messages: [text('소식')] });
    expect(emulator.delivered.map((d) => d.to)).toEqual(['Uother']);
  });

  test('a wrong or missing access token is a 401, with a request id', async () => {
    const wrong = new messagingApi.MessagingApiClient({ channelAccessToken: 'wrong', baseURL: emulator.baseUrl });
    const error = await refusal(wrong.pushMessage({ to: USER, messages: [text('x')] }));
    expect(error.status).toBe(401);
    expect(error.headers.get('x-line-request-id')).toBeTruthy();
    expect((await fetch(`${emulator.baseUrl}/v2/bot/profile/${USER}`)).status).toBe(401);
    expect(emulator.delivered).toHaveLength(0);
  });
});

describe('profiles, groups, unknown paths', () => {
  test('profiles and group member profiles are served for known users, 404 otherwise; leaving is recorded', async () => {
    emulator.setProfile(USER, { displayName: '길동이', language: 'ko' });
    expect(await client.getProfile(USER)).toEqual({ userId: USER, displayName: '길동이', language: 'ko' });
    expect((await refusal(client.getProfile('Unobody'))).status).toBe(404);
    emulator.setGroup(GROUP, { groupName: '고성1리 마을방' });
    emulator.addMember(GROUP, USER);
    expect(await client.getGroupSummary(GROUP)).toEqual({ groupId: GROUP, groupName: '고성1리 마을방' });
    expect(await client.getGroupMemberProfile(GROUP, USER)).toEqual({ userId: USER, displayName: '길동이' });
    expect((await refusal(client.getRoomMemberProfile('Rnowhere', USER))).status).toBe(404);
    await client.leaveGroup(GROUP);
    await client.leaveRoom('Rroom');
    expect(emulator.left).toEqual([GROUP, 'Rroom']);
  });

  test('an unknown path is a JSON 404', async () => {
    const res = await fetch(`${emulator.baseUrl}/v2/bot/message/broadcast`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Not found' });
  });
});

describe('webhook sender', () => {
  const SECRET = 'webhook-test-channel-secret';

  test("the signature helper's signature is accepted by the SDK's validateSignature for the same bytes", () => {
    const body = JSON.stringify(line.lineWebhookBody('Ubot', [line.lineTextEvent({ userId: USER, text: '안녕 👋' })]));
    expect(validateSignature(body, SECRET, line.signLineBody(SECRET, body))).toBe(true);
    expect(validateSignature(Buffer.from(body), SECRET, line.signLineBody(SECRET, Buffer.from(body)))).toBe(true);
    expect(validateSignature(`${body} `, SECRET, line.signLineBody(SECRET, body))).toBe(false);
  });

  test('sendLineWebhook sends exactly the bytes it signed, and can omit or replace the signature', async () => {
    const received: { body: Buffer; signature?: string; type?: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          body: Buffer.concat(chunks),
          signature: req.headers['x-line-signature'] as string | undefined,
          type: req.headers['content-type'],
        });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
    try {
      const event = line.lineTextEvent({ userId: USER, groupId: GROUP, text: '@마을 도움말', mention: { self: true } });
      expect(await line.sendLineWebhook(url, SECRET, line.lineWebhookBody('Ubot', [event]))).toEqual({
        status: 200,
        text: 'ok',
      });
      await line.sendLineWebhook(url, SECRET, Buffer.from([0xff, 0x00, 0x7b]));
      await line.sendLineWebhook(url, SECRET, '{}', { signature: null, contentType: 'text/plain' });
      const [object, bytes, unsigned] = received;
      expect(validateSignature(object!.body, SECRET, object!.signature!)).toBe(true);
      expect(JSON.parse(object!.body.toString('utf8')).events[0].message.mention.mentionees[0]).toEqual({
        type: 'user',
        index: 0,
        length: 3,
        isSelf: true,
      });
      expect(validateSignature(bytes!.body, SECRET, bytes!.signature!)).toBe(true);
      expect([...bytes!.body]).toEqual([0xff, 0x00, 0x7b]);
      expect(unsigned).toMatchObject({ signature: undefined, type: 'text/plain' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('event builders give each event a unique ULID-like webhookEventId and the common properties', () => {
    const events = [
      line.lineTextEvent({ userId: USER, text: 'hi' }),
      line.lineFollowEvent({ userId: USER }),
      line.lineUnfollowEvent({ userId: USER }),
      line.lineJoinEvent({ groupId: GROUP }),
      line.lineLeaveEvent({ roomId: 'Rroom' }),
      line.lineMemberJoinedEvent({ groupId: GROUP, userIds: [USER] }),
      line.lineMemberLeftEvent({ groupId: GROUP, userIds: [USER] }),
      line.linePostbackEvent({ userId: USER, data: '등록' }),
      line.lineImageEvent({ userId: USER }),
      line.lineVideoEvent({ userId: USER }),
      line.lineAudioEvent({ userId: USER }),
      line.lineFileEvent({ userId: USER }),
      line.lineLocationEvent({ userId: USER }),
      line.lineStickerEvent({ userId: USER }),
      line.lineUnsendEvent({ userId: USER, roomId: 'Rroom' }),
    ];
    expect(new Set(events.map((e) => e.webhookEventId)).size).toBe(events.length);
    for (const e of events) {
      expect(e.webhookEventId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(e).toMatchObject({
        mode: 'active',
        deliveryContext: { isRedelivery: false },
        timestamp: expect.any(Number),
      });
    }
    expect(events[3]?.source).toEqual({ type: 'group', groupId: GROUP });
    expect(events[14]?.source).toEqual({ type: 'room', roomId: 'Rroom', userId: USER });
  });
});
