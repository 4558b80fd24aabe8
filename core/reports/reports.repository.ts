import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { counties, districts, registrations, reports, villages } from '../../db/schema/index.ts';

/** The queries of 보고. Bodies and answers go in encrypted: the usecases encrypt them. */
export type Report = typeof reports.$inferSelect;

export async function villageWithDistrict(
  tx: DbOrTx,
  villageId: number,
): Promise<{ id: number; name: string; districtCode: string; districtName: string } | undefined> {
  const [village] = await tx
    .select({
      id: villages.id,
      name: villages.nameKo,
      districtCode: villages.districtCode,
      districtName: districts.nameKo,
    })
    .from(villages)
    .innerJoin(districts, eq(districts.code, villages.districtCode))
    .where(eq(villages.id, villageId));
  return village;
}

export async function insertReport(
  tx: DbOrTx,
  values: { villageId: number; districtCode: string; authorMemberId: number; bodyEnc: string; createdAt: Date },
): Promise<number> {
  const [report] = await tx.insert(reports).values(values).returning({ id: reports.id });
  if (!report) throw new Error('report insert returned nothing');
  return report.id;
}

/** The head's real name (approved registration), for the staff card. */
export async function approvedNameOf(tx: DbOrTx, memberId: number): Promise<string | null> {
  const [reg] = await tx
    .select({ realName: registrations.realName })
    .from(registrations)
    .where(and(eq(registrations.memberId, memberId), eq(registrations.status, 'approved')));
  return reg?.realName ?? null;
}

export async function findReport(tx: DbOrTx, id: number): Promise<Report | undefined> {
  const [report] = await tx.select().from(reports).where(eq(reports.id, id));
  return report;
}

export async function saveAnswer(
  tx: DbOrTx,
  input: { id: number; answerEnc: string; answeredBy: number; answeredAt: Date },
): Promise<void> {
  await tx
    .update(reports)
    .set({ answerEnc: input.answerEnc, answeredBy: input.answeredBy, answeredAt: input.answeredAt })
    .where(eq(reports.id, input.id));
}

/** The names an answer is signed with: the county's, and the answering staff member's district's. */
export async function signatureNames(
  tx: DbOrTx,
  districtCode: string | null,
): Promise<{ countyName: string | null; districtName: string | null }> {
  const [county] = await tx.select({ nameKo: counties.nameKo }).from(counties).limit(1);
  const [district] = districtCode
    ? await tx.select({ nameKo: districts.nameKo }).from(districts).where(eq(districts.code, districtCode))
    : [];
  return { countyName: county?.nameKo ?? null, districtName: district?.nameKo ?? null };
}
