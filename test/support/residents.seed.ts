import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/db.client.ts';
import { identities, members, registrations, villages } from '../../db/schema/index.ts';
import type { Cipher } from '../../core/privacy/cipher.ts';

/**
 * Many approved residents at once, straight into the real database (registering 37,000 people through the dialog
 * would test the dialog, not the fan-out). Each has one identity on `platform`; spread over the given villages.
 */
export async function seedResidents(
  db: Db,
  cipher: Cipher,
  input: { count: number; platform: string; villageIds: number[]; now: Date },
): Promise<string[]> {
  const userIds: string[] = [];
  const sealedName = 'Resident';
  for (let start = 0; start < input.count; start += 1000) {
    const size = Math.min(1000, input.count - start);
    const created = await db
      .insert(members)
      .values(Array.from({ length: size }, () => ({})))
      .returning({ id: members.id });
    const ids = created.map((m) => m.id);
    const batchUsers = ids.map((id) => `U${id}x${randomUUID().replace(/-/g, '').slice(0, 24)}`);
    userIds.push(...batchUsers);
    await db.insert(identities).values(
      ids.map((memberId, i) => ({
        memberId,
        platform: input.platform,
        platformUserId: batchUsers[i] ?? '',
        lastSeenAt: input.now,
      })),
    );
    await db.insert(registrations).values(
      ids.map((memberId, i) => ({
        memberId,
        consentVersion: 'test',
        consentedAt: input.now,
        realName: sealedName,
        mobileEnc: cipher.encrypt(`+82107${String(memberId).padStart(7, '0')}`),
        mobileHash: cipher.blindIndex(`+82107${String(memberId).padStart(7, '0')}`),
        villageId: input.villageIds[(start + i) % input.villageIds.length] ?? 1,
        status: 'approved' as const,
        createdAt: input.now,
      })),
    );
  }
  return userIds;
}

export async function allVillageIds(db: Db): Promise<number[]> {
  return (await db.select({ id: villages.id }).from(villages)).map((v) => v.id);
}
