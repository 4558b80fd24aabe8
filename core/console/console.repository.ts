import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { consoleLoginLinks, consoleSessions, districts, villages } from '../../db/schema/index.ts';

export async function insertLink(
  tx: DbOrTx,
  row: { tokenHash: string; memberId: number; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await tx.insert(consoleLoginLinks).values(row);
}

export async function findLink(tx: DbOrTx, tokenHash: string) {
  const [row] = await tx.select().from(consoleLoginLinks).where(eq(consoleLoginLinks.tokenHash, tokenHash));
  return row ?? null;
}

/** Marks the link used unless someone else just did: true for the one request that wins. */
export async function useLink(tx: DbOrTx, id: number, now: Date): Promise<boolean> {
  const rows = await tx
    .update(consoleLoginLinks)
    .set({ usedAt: now })
    .where(and(eq(consoleLoginLinks.id, id), isNull(consoleLoginLinks.usedAt)))
    .returning({ id: consoleLoginLinks.id });
  return rows.length === 1;
}

export async function insertSession(
  tx: DbOrTx,
  row: { tokenHash: string; memberId: number; csrf: string; createdAt: Date; lastSeenAt: Date },
): Promise<void> {
  await tx.insert(consoleSessions).values(row);
}

export async function findOpenSession(tx: DbOrTx, tokenHash: string) {
  const [row] = await tx
    .select()
    .from(consoleSessions)
    .where(and(eq(consoleSessions.tokenHash, tokenHash), isNull(consoleSessions.endedAt)));
  return row ?? null;
}

export async function touchSession(tx: DbOrTx, id: number, now: Date): Promise<void> {
  await tx.update(consoleSessions).set({ lastSeenAt: now }).where(eq(consoleSessions.id, id));
}

export async function endSession(tx: DbOrTx, id: number, now: Date): Promise<void> {
  await tx
    .update(consoleSessions)
    .set({ endedAt: now })
    .where(and(eq(consoleSessions.id, id), isNull(consoleSessions.endedAt)));
}

export async function districtNames(tx: DbOrTx): Promise<Map<string, string>> {
  const rows = await tx.select({ code: districts.code, name: districts.nameKo }).from(districts);
  return new Map(rows.map((r) => [r.code, r.name]));
}

export async function villageNames(tx: DbOrTx): Promise<Map<number, string>> {
  const rows = await tx.select({ id: villages.id, name: villages.nameKo }).from(villages);
  return new Map(rows.map((r) => [r.id, r.name]));
}
