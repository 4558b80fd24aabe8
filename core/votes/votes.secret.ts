import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';

/**
 * The secret ballot's few primitives (README, "Votes (투표)"). A ballot's id is a random UUID (no sequence shared
 * with anything); a changeable poll's receipt is an HMAC of the member under a key of that poll alone, kept encrypted
 * only while the poll is open and erased at the close together with every receipt; the mix writes a poll's ballots
 * again in a random order.
 */

export const newBallotId = (): string => randomUUID();

export const newReceiptKey = (): string => randomBytes(32).toString('base64');

export function receiptOf(key: string, pollId: number, memberId: number): string {
  return createHmac('sha256', Buffer.from(key, 'base64')).update(`${pollId}:${memberId}`).digest('base64url');
}

/** Fisher–Yates with the operating system's random numbers: the order the ballots are written again in. */
export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
