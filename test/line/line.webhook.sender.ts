import { createHmac, randomBytes, randomInt } from 'node:crypto';
import type { webhook } from '@line/bot-sdk';

/**
 * Plays the LINE Platform's side of a webhook: signed POSTs of typed webhook events.
 * https://developers.line.biz/en/reference/messaging-api/#webhooks
 */

/** x-line-signature: base64 HMAC-SHA256 of the raw body bytes with the channel secret. https://developers.line.biz/en/reference/messaging-api/#signature-validation */
export function signLineBody(channelSecret: string, rawBody: string | Buffer): string {
  return createHmac('sha256', channelSecret).update(rawBody).digest('base64');
}

/**
 * POSTs a webhook body as LINE does. The bytes sent are exactly the bytes signed (an object is JSON.stringify'd once).
 * `signature: null` omits the header; a string replaces the computed one (to test bad signatures).
 */
export async function sendLineWebhook(
  url: string,
  channelSecret: string,
  body: object | string | Buffer,
  opts: { signature?: string | null; contentType?: string } = {},
): Promise<{ status: number; text: string }> {
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const signature = opts.signature === undefined ? signLineBody(channelSecret, bytes) : opts.signature;
  const headers: Record<string, string> = {
    'content-type': opts.contentType ?? 'application/json; charset=utf-8',
    'user-agent': 'LineBotWebhook/2.0',
  };
  if (signature !== null) headers['x-line-signature'] = signature;
  const res = await fetch(url, { method: 'POST', headers, body: new Uint8Array(bytes) });
  return { status: res.status, text: await res.text() };
}

/** The request body LINE posts: https://developers.line.biz/en/reference/messaging-api/#request-body */
export function lineWebhookBody(destination: string, events: webhook.Event[]): webhook.CallbackRequest {
  return { destination, events };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** webhookEventId is a ULID (26 chars, Crockford base32, time first). https://developers.line.biz/en/reference/messaging-api/#common-properties */
export function ulid(time = Date.now()): string {
  let head = '';
  for (let t = time, i = 0; i < 10; i++, t = Math.floor(t / 32)) head = CROCKFORD[t % 32] + head;
  let tail = '';
  for (const byte of randomBytes(16)) tail += CROCKFORD[byte % 32];
  return head + tail;
}

/** User, group and room ids are a letter and 32 hex digits. */
export const lineId = (prefix: 'U' | 'C' | 'R'): string => prefix + randomBytes(16).toString('hex');
const replyTokenOf = (replyToken?: string) => replyToken ?? randomBytes(16).toString('hex');
const messageId = () => `${randomInt(100_000_000, 999_999_999)}${randomInt(100_000_000, 999_999_999)}`;
const quoteToken = () => randomBytes(24).toString('base64url');

/** Who said it: a user 1:1, or a user in a group or room (groupId wins over roomId). */
type From = { userId: string; groupId?: string; roomId?: string };
/** Events about the bot in a group or room, with no user. */
type InChat = { groupId: string; roomId?: undefined } | { roomId: string; groupId?: undefined };
type Common = { timestamp?: number; webhookEventId?: string };
type Replyable = { replyToken?: string };

function sourceOf(o: { userId?: string; groupId?: string; roomId?: string }): webhook.Source {
  if (o.groupId) return { type: 'group', groupId: o.groupId, ...(o.userId ? { userId: o.userId } : {}) };
  if (o.roomId) return { type: 'room', roomId: o.roomId, ...(o.userId ? { userId: o.userId } : {}) };
  return { type: 'user', userId: o.userId ?? lineId('U') };
}

/** The properties every webhook event has. https://developers.line.biz/en/reference/messaging-api/#common-properties */
function base(o: Common & { userId?: string; groupId?: string; roomId?: string }) {
  const timestamp = o.timestamp ?? Date.now();
  return {
    source: sourceOf(o),
    timestamp,
    mode: 'active' as const,
    webhookEventId: o.webhookEventId ?? ulid(timestamp),
    deliveryContext: { isRedelivery: false },
  };
}

type MessageEventOf<M extends webhook.MessageContent> = webhook.MessageEvent & { message: M };

function messageEvent<M extends webhook.MessageContent>(o: From & Common & Replyable, message: M): MessageEventOf<M> {
  const event = { ...base(o), type: 'message' as const, replyToken: replyTokenOf(o.replyToken), message };
  return event satisfies webhook.Event;
}

/**
 * A text message. `mention.self` marks the first "@name" in the text as a mention of the bot (isSelf), as LINE does
 * when the bot is mentioned in a group. https://developers.line.biz/en/reference/messaging-api/#wh-text
 */
export function lineTextEvent(
  o: From & Common & Replyable & { text: string; mention?: { self: boolean; userId?: string } },
): MessageEventOf<webhook.TextMessageContent> {
  let mention: webhook.Mention | undefined;
  if (o.mention) {
    const at = /@\S+/.exec(o.text);
    if (!at) throw new Error(`lineTextEvent: a mention needs an "@name" in the text, got ${JSON.stringify(o.text)}`);
    const userId = o.mention.userId ?? (o.mention.self ? undefined : lineId('U'));
    mention = {
      mentionees: [
        {
          type: 'user',
          index: at.index,
          length: at[0].length,
          ...(userId ? { userId } : {}),
          ...(o.mention.self ? { isSelf: true } : {}),
        },
      ],
    };
  }
  const message = {
    type: 'text',
    id: messageId(),
    text: o.text,
    quoteToken: quoteToken(),
    ...(mention ? { mention } : {}),
  } satisfies webhook.TextMessageContent;
  return messageEvent(o, message);
}

const fromLine: webhook.ContentProvider = { type: 'line' };

/** https://developers.line.biz/en/reference/messaging-api/#wh-image */
export function lineImageEvent(o: From & Common & Replyable): MessageEventOf<webhook.ImageMessageContent> {
  return messageEvent(o, { type: 'image', id: messageId(), contentProvider: fromLine, quoteToken: quoteToken() });
}

/** https://developers.line.biz/en/reference/messaging-api/#wh-video */
export function lineVideoEvent(
  o: From & Common & Replyable & { duration?: number },
): MessageEventOf<webhook.VideoMessageContent> {
  return messageEvent(o, {
    type: 'video',
    id: messageId(),
    duration: o.duration ?? 8_000,
    contentProvider: fromLine,
    quoteToken: quoteToken(),
  });
}

/** https://developers.line.biz/en/reference/messaging-api/#wh-audio */
export function lineAudioEvent(
  o: From & Common & Replyable & { duration?: number },
): MessageEventOf<webhook.AudioMessageContent> {
  return messageEvent(o, { type: 'audio', id: messageId(), duration: o.duration ?? 4_000, contentProvider: fromLine });
}

/** https://developers.line.biz/en/reference/messaging-api/#wh-file */
export function lineFileEvent(
  o: From & Common & Replyable & { fileName?: string; fileSize?: number },
): MessageEventOf<webhook.FileMessageContent> {
  return messageEvent(o, {
    type: 'file',
    id: messageId(),
    fileName: o.fileName ?? '신청서.pdf',
    fileSize: o.fileSize ?? 20_480,
  });
}

/** https://developers.line.biz/en/reference/messaging-api/#wh-location */
export function lineLocationEvent(
  o: From & Common & Replyable & { title?: string; address?: string; latitude?: number; longitude?: number },
): MessageEventOf<webhook.LocationMessageContent> {
  return messageEvent(o, {
    type: 'location',
    id: messageId(),
    title: o.title ?? '고성군청',
    address: o.address ?? '경상남도 고성군 고성읍 성내로 130',
    latitude: o.latitude ?? 34.973,
    longitude: o.longitude ?? 128.322,
  });
}

/** https://developers.line.biz/en/reference/messaging-api/#wh-sticker */
export function lineStickerEvent(
  o: From & Common & Replyable & { packageId?: string; stickerId?: string },
): MessageEventOf<webhook.StickerMessageContent> {
  return messageEvent(o, {
    type: 'sticker',
    id: messageId(),
    packageId: o.packageId ?? '446',
    stickerId: o.stickerId ?? '1988',
    stickerResourceType: 'STATIC',
    keywords: ['hello'],
    quoteToken: quoteToken(),
  });
}

/** https://developers.line.biz/en/reference/messaging-api/#follow-event */
export function lineFollowEvent(
  o: { userId: string; isUnblocked?: boolean } & Common & Replyable,
): webhook.FollowEvent {
  const event = {
    ...base(o),
    type: 'follow' as const,
    replyToken: replyTokenOf(o.replyToken),
    follow: { isUnblocked: o.isUnblocked ?? false },
  } satisfies webhook.Event;
  return event;
}

/** No reply token: the user can no longer be messaged. https://developers.line.biz/en/reference/messaging-api/#unfollow-event */
export function lineUnfollowEvent(o: { userId: string } & Common): webhook.UnfollowEvent {
  const event = { ...base(o), type: 'unfollow' as const } satisfies webhook.Event;
  return event;
}

/** https://developers.line.biz/en/reference/messaging-api/#join-event */
export function lineJoinEvent(o: InChat & Common & Replyable): webhook.JoinEvent {
  const event = { ...base(o), type: 'join' as const, replyToken: replyTokenOf(o.replyToken) } satisfies webhook.Event;
  return event;
}

/** https://developers.line.biz/en/reference/messaging-api/#leave-event */
export function lineLeaveEvent(o: InChat & Common): webhook.LeaveEvent {
  const event = { ...base(o), type: 'leave' as const } satisfies webhook.Event;
  return event;
}

const members = (userIds: string[]): webhook.UserSource[] => userIds.map((userId) => ({ type: 'user', userId }));

/** https://developers.line.biz/en/reference/messaging-api/#member-joined-event */
export function lineMemberJoinedEvent(
  o: InChat & Common & Replyable & { userIds: string[] },
): webhook.MemberJoinedEvent {
  const event = {
    ...base(o),
    type: 'memberJoined' as const,
    replyToken: replyTokenOf(o.replyToken),
    joined: { members: members(o.userIds) },
  } satisfies webhook.Event;
  return event;
}

/** https://developers.line.biz/en/reference/messaging-api/#member-left-event */
export function lineMemberLeftEvent(o: InChat & Common & { userIds: string[] }): webhook.MemberLeftEvent {
  const event = {
    ...base(o),
    type: 'memberLeft' as const,
    left: { members: members(o.userIds) },
  } satisfies webhook.Event;
  return event;
}

/** https://developers.line.biz/en/reference/messaging-api/#postback-event */
export function linePostbackEvent(
  o: From & Common & Replyable & { data: string; params?: Record<string, string> },
): webhook.PostbackEvent {
  const postback = { data: o.data, ...(o.params ? { params: o.params } : {}) };
  const event = {
    ...base(o),
    type: 'postback' as const,
    replyToken: replyTokenOf(o.replyToken),
    postback,
  } satisfies webhook.Event;
  return event;
}

/** https://developers.line.biz/en/reference/messaging-api/#unsend-event */
export function lineUnsendEvent(o: From & Common & { messageId?: string }): webhook.UnsendEvent {
  const event = {
    ...base(o),
    type: 'unsend' as const,
    unsend: { messageId: o.messageId ?? messageId() },
  } satisfies webhook.Event;
  return event;
}
