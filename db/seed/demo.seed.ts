import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import type { Cipher } from '../../core/privacy/cipher.ts';
import type { Db } from '../db.client.ts';
import {
  counties,
  districts,
  groupChats,
  identities,
  members,
  registrations,
  roles,
  villages,
} from '../schema/index.ts';

const districtsCsv = fileURLToPath(new URL('../data/goseong-districts.csv', import.meta.url));

/** Demo names for demo village heads: made up, like the villages below (the seeds name no villages). */
const surnames = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '한', '오', '서', '신'];
const givens = ['영수', '순자', '정호', '말순', '상철', '옥분'];

export type DemoSummary = { seeded: boolean; districts: number; villages: number; heads: number };

/**
 * Goseong County with its 14 districts (from the seed documents), three demo villages per district each with a demo
 * village head on the simulator, a linked simulator group chat per village, demo staff and their staff rooms. Idempotent: does nothing
 * when the county exists.
 */
export async function seedDemo(
  db: Db,
  cipher: Cipher,
  now: Date,
  options: { staffRooms?: boolean } = {},
): Promise<DemoSummary> {
  return db.transaction(async (tx) => {
    const existing = await tx.select({ code: counties.code }).from(counties);
    if (existing.length > 0) return { seeded: false, districts: 0, villages: 0, heads: 0 };
    await tx.insert(counties).values({ code: 'goseong', nameKo: '고성군', timezone: 'Asia/Seoul' });
    const rows = parse(readFileSync(districtsCsv), { columns: true, skip_empty_lines: true }) as {
      code: string;
      name_ko: string;
      name_en: string;
      kind: 'eup' | 'myeon';
    }[];
    await tx.insert(districts).values(
      rows.map((r, i) => ({
        code: r.code,
        countyCode: 'goseong',
        nameKo: r.name_ko,
        nameEn: r.name_en,
        kind: r.kind,
        position: i,
      })),
    );
    let heads = 0;
    let villageCount = 0;
    for (const [d, district] of rows.entries()) {
      const stem = district.name_ko.replace(/[읍면동]$/, '');
      for (let n = 1; n <= 3; n++) {
        const [village] = await tx
          .insert(villages)
          .values({ districtCode: district.code, nameKo: `${stem}${n}리` })
          .returning({ id: villages.id, nameKo: villages.nameKo });
        if (!village) throw new Error('village insert returned nothing');
        villageCount++;
        const memberId = await demoMember(tx, `head-${district.code}-${n}`, `${village.nameKo} 이장`);
        const mobile = `+82100000${String(d * 10 + n).padStart(4, '0')}`;
        await tx.insert(registrations).values({
          memberId,
          consentVersion: 'demo',
          consentedAt: now,
          realName: `${surnames[d % surnames.length]}${givens[(d + n) % givens.length]}`,
          mobileEnc: cipher.encrypt(mobile),
          mobileHash: cipher.blindIndex(mobile),
          villageId: village.id,
          status: 'approved',
          decidedAt: now,
          createdAt: now,
        });
        await tx.insert(roles).values({ memberId, role: 'village_head', villageId: village.id });
        await tx.insert(groupChats).values({
          platform: 'websim',
          chatId: `village-${village.id}`,
          title: `${village.nameKo} 마을방`,
          villageId: village.id,
        });
        heads++;
      }
    }
    const countyStaff = await demoMember(tx, 'staff-county', '군청 자치행정과 담당자');
    await tx.insert(roles).values({ memberId: countyStaff, role: 'county_staff' });
    const districtStaff = await demoMember(tx, 'staff-goseong-eup', '고성읍사무소 담당자');
    await tx.insert(roles).values({ memberId: districtStaff, role: 'district_staff', districtCode: 'goseong-eup' });
    // Staff rooms on the simulator, so that feedback and digests have somewhere to land in the demo. The test
    // template goes without: tests link the rooms they need, as a county would.
    if (options.staffRooms !== false)
      await tx.insert(groupChats).values([
        { platform: 'websim', chatId: 'room-staff-hq', title: '본청 직원방', isHqStaffRoom: true },
        {
          platform: 'websim',
          chatId: 'room-staff-goseong-eup',
          title: '고성읍 직원방',
          staffDistrictCode: 'goseong-eup',
        },
      ]);
    return { seeded: true, districts: rows.length, villages: villageCount, heads };
  });
}

async function demoMember(
  tx: Parameters<Parameters<Db['transaction']>[0]>[0],
  platformUserId: string,
  nickname: string,
): Promise<number> {
  const [member] = await tx.insert(members).values({}).returning({ id: members.id });
  if (!member) throw new Error('member insert returned nothing');
  await tx.insert(identities).values({ memberId: member.id, platform: 'websim', platformUserId, nickname });
  return member.id;
}

/** Empties every table (for `npm run cli -- demo-reset`); the caller reseeds. */
export async function truncateAll(db: Db): Promise<void> {
  await db.execute(
    sql`truncate table job_runs, leases, counters, feedback_messages, feedback_items, outbox, inbound_events, dialog_states, registrations, roles, identities, members, group_chats, villages, districts, counties restart identity cascade`,
  );
}
