import { createHmac, randomBytes } from 'node:crypto';
import type { webhook } from '@line/bot-sdk';

/**
 * LINE's side of the webhook: events built from the SDK's own types, signed byte for byte as LINE signs them
 * (base64 HMAC-SHA256 of the raw body with the channel secret).
 * https://developers.line.biz/en/reference/messaging-api/#signature-validation
 */
export function signLineBody(channelSecret: string, rawBody: string | Buffer): string {
  return createHmac('sha256', channelSecret).update(rawBody).digest('base64');
}

export async function sendLineWebhook(
  url: string,
  channelSecret: string,
  body: object | string | Buffer,
  opts: { signature?: string | null } = {},
): Promise<{ status: number; text: string }> {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const signature = opts.signature === undefined ? signLineBody(channelSecret, raw) : opts.signature;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-line-signature': signature }) },
    body: raw,
  });
  return { status: res.status, text: await res.text() };
}

export function lineWebhookBody(destination: string, events: webhook.Event[]): webhook.CallbackRequest {
  return { destination, events };
}

let counter = 0;
/** A ULID-shaped unique id, as LINE's webhookEventId is. */
const eventId = () => `01J${Date.now().toString(36).toUpperCase()}${(++counter).toString(36).toUpperCase()}${randomBytes(6).toString('hex').toUpperCase()}`.slice(0, 26);

type Where = { userId?: string; groupId?: string; roomId?: string };
function source(w: Where): webhook.Source {
  if (w.groupId) return { type: 'group', groupId: w.groupId, userId: w.userId };
  if (w.roomId) return { type: 'room', roomId: w.roomId, userId: w.userId };
  return { type: 'user', userId: w.userId };
}
const base = (w: Where) => ({
  source: source(w),
  timestamp: Date.now(),
  mode: 'active' as const,
  webhookEventId: eventId(),
  deliveryContext: { isRedelivery: false },
});
const token = (t?: string) => t ?? randomBytes(16).toString('hex');
const messageId = () => String(Date.now()) + String(++counter);

export function lineTextEvent(o: Where & { text: string; replyToken?: string; mention?: { self: boolean } }): webhook.MessageEvent {
  const mention: webhook.Mention | undefined = o.mention
    ? { mentionees: [{ type: 'user', index: 0, length: 3, isSelf: o.mention.self, userId: o.mention.self ? undefined : 'Uother' }] }
    : undefined;
  return {
    ...base(o),
    type: 'message',
    replyToken: token(o.replyToken),
    message: { type: 'text', id: messageId(), text: o.text, quoteToken: token(), ...(mention ? { mention } : {}) },
  } satisfies webhook.MessageEvent;
}

type Media = Where & { replyToken?: string };
const media = (o: Media, message: webhook.MessageContent): webhook.MessageEvent => ({ ...base(o), type: 'message', replyToken: token(o.replyToken), message });
export const lineImageEvent = (o: Media) => media(o, { type: 'image', id: messageId(), contentProvider: { type: 'line' }, quoteToken: token() });
export const lineVideoEvent = (o: Media) => media(o, { type: 'video', id: messageId(), duration: 1000, contentProvider: { type: 'line' }, quoteToken: token() });
export const lineAudioEvent = (o: Media) => media(o, { type: 'audio', id: messageId(), duration: 1000, contentProvider: { type: 'line' } });
export const lineFileEvent = (o: Media) => media(o, { type: 'file', id: messageId(), fileName: '민원.pdf', fileSize: 1024 });
export const lineLocationEvent = (o: Media) => media(o, { type: 'location', id: messageId(), latitude: 34.97, longitude: 128.32, address: '고성군' });
export const lineStickerEvent = (o: Media) =>
  media(o, { type: 'sticker', id: messageId(), packageId: '1', stickerId: '1', stickerResourceType: 'STATIC', keywords: [], quoteToken: token() });

export const linePostbackEvent = (o: Where & { data: string; replyToken?: string }): webhook.PostbackEvent => ({
  ...base(o),
  type: 'postback',
  replyToken: token(o.replyToken),
  postback: { data: o.data },
});
export const lineFollowEvent = (o: Where & { replyToken?: string }): webhook.FollowEvent => ({
  ...base(o),
  type: 'follow',
  replyToken: token(o.replyToken),
  follow: { isUnblocked: false },
});
export const lineUnfollowEvent = (o: Where): webhook.UnfollowEvent => ({ ...base(o), type: 'unfollow' });
export const lineJoinEvent = (o: Where & { replyToken?: string }): webhook.JoinEvent => ({ ...base(o), type: 'join', replyToken: token(o.replyToken) });
export const lineLeaveEvent = (o: Where): webhook.LeaveEvent => ({ ...base(o), type: 'leave' });
export const lineMemberJoinedEvent = (o: Where & { userIds: string[] }): webhook.MemberJoinedEvent => ({
  ...base(o),
  type: 'memberJoined',
  replyToken: token(),
  joined: { members: o.userIds.map((userId) => ({ type: 'user' as const, userId })) },
});
export const lineMemberLeftEvent = (o: Where & { userIds: string[] }): webhook.MemberLeftEvent => ({
  ...base(o),
  type: 'memberLeft',
  left: { members: o.userIds.map((userId) => ({ type: 'user' as const, userId })) },
});
export const lineUnsendEvent = (o: Where): webhook.UnsendEvent => ({ ...base(o), type: 'unsend', unsend: { messageId: messageId() } });
