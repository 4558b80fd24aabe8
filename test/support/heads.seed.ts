import { asc } from 'drizzle-orm';
import type { Db } from '../../db/db.client.ts';
import { districts, identities, members, registrations, roles, villages } from '../../db/schema/index.ts';
import type { Cipher } from '../../core/privacy/cipher.ts';

export type SeededHead = {
  villageId: number;
  villageName: string;
  districtCode: string;
  memberId: number;
  platform: string;
  platformUserId: string;
  realName: string;
};

const surnames = ['김', '이', '박', '최', '정', '강', '조', '윤'];
const givens = ['말자', '덕배', '순이', '갑돌', '복례', '만수', '옥자'];

/** A platform user id of the platform's own shape: LINE U + 32 hex, a Discord snowflake, a simulator persona id. */
export function headUserId(platform: string, n: number): string {
  if (platform === 'line') return `U${n.toString(16).padStart(32, '0')}`;
  if (platform === 'discord') return String(420000000000000000n + BigInt(n));
  return `head-extra-${n}`;
}

/**
 * More villages, each with one village head, straight into the database and spread over the county's districts in
 * turn (registering 221 heads through the dialog would test the dialog): villages, approved registrations with a
 * name, village_head roles, and one identity each on the platforms given in turn.
 */
export async function seedHeads(
  db: Db,
  cipher: Cipher,
  input: { count: number; platforms: string[]; now: Date },
): Promise<SeededHead[]> {
  const codes = (await db.select({ code: districts.code }).from(districts).orderBy(asc(districts.position))).map(
    (d) => d.code,
  );
  const seeded: SeededHead[] = [];
  for (let k = 0; k < input.count; k++) {
    const districtCode = codes[k % codes.length] ?? '';
    const platform = input.platforms[k % input.platforms.length] ?? 'websim';
    const [village] = await db
      .insert(villages)
      .values({ districtCode, nameKo: `새마을${k + 1}리` })
      .returning({ id: villages.id, nameKo: villages.nameKo });
    const [member] = await db.insert(members).values({}).returning({ id: members.id });
    if (!village || !member) throw new Error('seed insert returned nothing');
    const platformUserId = headUserId(platform, k + 1);
    const realName = `${surnames[k % surnames.length]}${givens[k % givens.length]}`;
    const mobile = `+8210555${String(k + 1).padStart(5, '0')}`;
    await db.insert(identities).values({ memberId: member.id, platform, platformUserId, lastSeenAt: input.now });
    await db.insert(registrations).values({
      memberId: member.id,
      consentVersion: 'test',
      consentedAt: input.now,
      realName,
      mobileEnc: cipher.encrypt(mobile),
      mobileHash: cipher.blindIndex(mobile),
      villageId: village.id,
      status: 'approved',
      decidedAt: input.now,
      createdAt: input.now,
    });
    await db.insert(roles).values({ memberId: member.id, role: 'village_head', villageId: village.id });
    seeded.push({
      villageId: village.id,
      villageName: village.nameKo,
      districtCode,
      memberId: member.id,
      platform,
      platformUserId,
      realName,
    });
  }
  return seeded;
}
