import { describe, expect, test } from 'vitest';
import {
  eventKey,
  eventKeyPrefix,
  fallbackKey,
  fallbacksPattern,
  familyOf,
  startingWith,
  workshopVersionKey,
  workshopVersionPrefix,
} from '../../core/delivery/delivery.keys.ts';
import { mayFallBack, followsChat, purposes } from '../../core/delivery/delivery.purpose.ts';

describe('the dedupe keys delivery reads back', () => {
  test('a fallback of a fallback still belongs to the first delivery, whatever its key holds', () => {
    const family = eventKey({ platform: 'line', eventId: 'e:1', part: 'approver:12' });
    const second = fallbackKey(fallbackKey(family, 'discord'), 'web');
    expect(familyOf(fallbackKey(family, 'discord'))).toBe(family);
    expect(familyOf(family)).toBe(family);
    expect(familyOf(`${family}:via:`)).toBe(family);
    expect(familyOf(second)).toBe(fallbackKey(family, 'discord'));
  });

  test('the patterns take the key literally: an underscore or percent sign in an id matches only itself', () => {
    expect(fallbacksPattern('broadcast:1:member_2')).toBe('broadcast:1:member\\_2:via:%');
    expect(startingWith(eventKeyPrefix({ platform: 'websim', eventId: '50%_a' }))).toBe('event:websim:50\\%\\_a:%');
  });

  test("a workshop's reminders are found by the version they were made for, not by the next one", () => {
    const key = workshopVersionKey({ workshopId: 3, version: 2, part: 'day_before:member:9' });
    expect(key.startsWith(workshopVersionPrefix({ workshopId: 3, version: 2 }))).toBe(true);
    expect(key.startsWith(workshopVersionPrefix({ workshopId: 3, version: 1 }))).toBe(false);
    expect(key.startsWith(workshopVersionPrefix({ workshopId: 32, version: 2 }))).toBe(false);
  });
});

describe('purposes', () => {
  test('replies stay in the chat they answer; everything else may go to the next platform', () => {
    expect(purposes.filter((p) => !mayFallBack(p)).sort()).toEqual([
      'broadcast.call',
      'broadcast.urgent_sms',
      'reply',
      'reply.failure',
    ]);
    // The extra copies by phone answer nothing: only replies stay in their chat.
    expect(purposes.filter((p) => followsChat(p)).sort()).toEqual(['reply', 'reply.failure']);
    expect(mayFallBack('broadcast')).toBe(true);
    // A row written by an older version with a purpose since renamed is no reply.
    expect(mayFallBack('something.retired')).toBe(true);
  });
});
