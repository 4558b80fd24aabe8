import type { webhook } from '@line/bot-sdk';
import { describe, expect, test } from 'vitest';
import { lineEventToInbound, toLineMessages } from '../../bots/line/line.translate.ts';
import { splitText } from '../../core/channel/text.split.ts';
import * as line from '../line/line.webhook.sender.ts';

const now = new Date('2026-11-24T01:00:00Z');

describe('LINE events as core events', () => {
  test.each([
    [
      'a 1:1 text',
      line.lineTextEvent({ userId: 'U1', text: '등록' }),
      { kind: 'text', text: '등록', addressed: false, chat: { type: 'direct', id: 'U1' } },
    ],
    [
      'a group text mentioning the bot',
      line.lineTextEvent({ userId: 'U1', groupId: 'C1', text: '@마을 도움말', mention: { self: true } }),
      { kind: 'text', text: '도움말', addressed: true, chat: { type: 'group', id: 'C1' } },
    ],
    [
      'a group text mentioning someone else',
      line.lineTextEvent({ userId: 'U1', groupId: 'C1', text: '@철수 안녕', mention: { self: false } }),
      { kind: 'text', addressed: false },
    ],
    [
      'a room text',
      line.lineTextEvent({ userId: 'U1', roomId: 'R1', text: 'hi' }),
      { chat: { type: 'group', id: 'R1' } },
    ],
    ['a postback', line.linePostbackEvent({ userId: 'U1', data: '승인 3' }), { kind: 'action', command: '승인 3' }],
    ['a sticker', line.lineStickerEvent({ userId: 'U1' }), { kind: 'media', media: 'sticker' }],
    ['a follow', line.lineFollowEvent({ userId: 'U1' }), { kind: 'follow', sender: { platformUserId: 'U1' } }],
    ['an unfollow', line.lineUnfollowEvent({ userId: 'U1' }), { kind: 'unfollow' }],
    ['a join', line.lineJoinEvent({ groupId: 'C1' }), { kind: 'bot_joined', chat: { type: 'group', id: 'C1' } }],
    ['a leave', line.lineLeaveEvent({ groupId: 'C1' }), { kind: 'bot_left' }],
  ])('%s', (_name, event, expected) => {
    expect(lineEventToInbound(event, now)).toMatchObject({
      platform: 'line',
      eventId: event.webhookEventId,
      ...expected,
    });
  });

  test.each([
    ['memberJoined', line.lineMemberJoinedEvent({ groupId: 'C1', userIds: ['U2'] })],
    ['memberLeft', line.lineMemberLeftEvent({ groupId: 'C1', userIds: ['U2'] })],
    ['unsend', line.lineUnsendEvent({ userId: 'U1' })],
  ])('%s is not acted on', (_name, event) => {
    expect(lineEventToInbound(event, now)).toBeNull();
  });

  test('a reply token is trusted for 50 seconds', () => {
    const inbound = lineEventToInbound(line.lineTextEvent({ userId: 'U1', text: 'x', replyToken: 'tok' }), now);
    expect(inbound?.replyHandle).toEqual({ token: 'tok', expiresAt: '2026-11-24T01:00:50.000Z' });
  });
});

describe('core messages as LINE messages', () => {
  test('numbered choices are printed and offered as quick replies that send the number', () => {
    const [message] = toLineMessages([{ text: '고르세요', choices: ['고성읍', '삼산면'] }]);
    expect(message).toMatchObject({ type: 'text', text: '고르세요\n\n1. 고성읍\n2. 삼산면' });
    expect((message as any).quickReply.items.map((i: any) => i.action)).toEqual([
      { type: 'message', label: '1. 고성읍', text: '1' },
      { type: 'message', label: '2. 삼산면', text: '2' },
    ]);
  });

  test('buttons are postbacks carrying their command; labels are clipped to 20 characters; at most 13 items', () => {
    const [message] = toLineMessages([
      {
        text: 't',
        buttons: [{ label: '승인', command: '승인 12' }],
        choices: Array.from({ length: 20 }, (_, i) => `아주아주아주 긴 마을 이름 ${i}번째 선택지`),
      },
    ]);
    const items = (message as any).quickReply.items;
    expect(items).toHaveLength(13);
    expect(items[0].action).toEqual({ type: 'postback', label: '승인', data: '승인 12', displayText: '승인' });
    expect(items.every((i: any) => [...i.action.label].length <= 20)).toBe(true);
  });
});

describe('splitting long text', () => {
  test.each([
    ['short text stays whole', 'abc', 10, ['abc']],
    ['a line boundary is preferred', 'aaaa\nbbbb\ncccc', 10, ['aaaa\nbbbb', 'cccc']],
    ['a sentence boundary next', '가나다라. 마바사아. 자차카', 12, ['가나다라. 마바사아.', '자차카']],
    ['a word with no boundary is cut', 'x'.repeat(25), 10, ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]],
  ])('%s', (_name, text, max, parts) => {
    expect(splitText(text, max)).toEqual(parts);
  });

  test('an emoji is never cut in half', () => {
    const parts = splitText(`${'a'.repeat(9)}😀b`, 10);
    expect(parts).toEqual(['a'.repeat(9), '😀b']);
  });
});

describe('every other event type of the SDK is safely ignored', () => {
  const base = {
    source: { type: 'user' as const, userId: 'U1' },
    timestamp: 1,
    mode: 'active' as const,
    webhookEventId: 'E',
    deliveryContext: { isRedelivery: false },
  };
  test.each<[string, Record<string, unknown>]>([
    ['videoPlayComplete', { replyToken: 't', videoPlayComplete: { trackingId: 'v' } }],
    ['beacon', { replyToken: 't', beacon: { hwid: 'h', type: 'enter' } }],
    ['accountLink', { replyToken: 't', link: { result: 'ok', nonce: 'n' } }],
    ['membership', { replyToken: 't', membership: { type: 'joined', membershipId: 1 } }],
    ['module', { module: { type: 'attached', botId: 'b', scopes: [] } }],
    ['activated', { chatControl: { expireAt: 1 } }],
    ['deactivated', {}],
    ['botSuspended', {}],
    ['botResumed', {}],
    ['delivery', { delivery: { data: 'd' } }],
    ['somethingNewerThanTheSdk', {}],
  ])('%s', (type, fields) => {
    expect(lineEventToInbound({ ...base, type, ...fields } as unknown as webhook.Event, now)).toBeNull();
  });
});
