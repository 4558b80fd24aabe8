import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { and, asc, eq, inArray, lte, ne } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { budgetProposals, budgetRounds, districts } from '../../db/schema/index.ts';

export type BudgetRound = typeof budgetRounds.$inferSelect;
export type Proposal = typeof budgetProposals.$inferSelect;

const districtsCsv = new URL('../../db/data/goseong-districts.csv', import.meta.url);

/**
 * A district's participatory budget from the county's districts file (`participatory_budget_krw`: Goseong's seed
 * document gives 읍 200,000천원 and each 면 100,000천원). Undefined when the file has no such district or column.
 */
export function districtBudget(code: string, file: URL | string = districtsCsv): number | undefined {
  const rows = parse(readFileSync(file), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<
    string,
    string
  >[];
  const value = Number(rows.find((r) => r.code === code)?.participatory_budget_krw);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export async function findDistrict(tx: DbOrTx, where: string): Promise<{ code: string; nameKo: string } | undefined> {
  const all = await tx.select({ code: districts.code, nameKo: districts.nameKo }).from(districts);
  return all.find((d) => d.nameKo === where.trim() || d.code === where.trim());
}

export async function districtName(tx: DbOrTx, code: string | null): Promise<string | null> {
  if (!code) return null;
  const [d] = await tx.select({ nameKo: districts.nameKo }).from(districts).where(eq(districts.code, code));
  return d?.nameKo ?? null;
}

export async function insertRound(tx: DbOrTx, values: typeof budgetRounds.$inferInsert): Promise<BudgetRound> {
  const [row] = await tx.insert(budgetRounds).values(values).returning();
  if (!row) throw new Error('budget round insert returned nothing');
  return row;
}

export async function getRound(tx: DbOrTx, id: number, lock = false): Promise<BudgetRound | undefined> {
  const q = tx.select().from(budgetRounds).where(eq(budgetRounds.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function updateRound(
  tx: DbOrTx,
  id: number,
  patch: Partial<typeof budgetRounds.$inferInsert>,
): Promise<BudgetRound> {
  const [row] = await tx.update(budgetRounds).set(patch).where(eq(budgetRounds.id, id)).returning();
  if (!row) throw new Error(`budget round ${id} is gone`);
  return row;
}

/** The rounds of a district still taking proposals (newest first). */
export async function roundsTakingProposals(tx: DbOrTx, districtCode: string): Promise<BudgetRound[]> {
  return tx
    .select()
    .from(budgetRounds)
    .where(and(eq(budgetRounds.districtCode, districtCode), eq(budgetRounds.status, 'proposals')))
    .orderBy(asc(budgetRounds.proposalsCloseAt));
}

export async function activeRounds(tx: DbOrTx): Promise<BudgetRound[]> {
  return tx.select().from(budgetRounds).where(ne(budgetRounds.status, 'closed')).orderBy(asc(budgetRounds.id));
}

export async function roundsDue(tx: DbOrTx, now: Date): Promise<BudgetRound[]> {
  return tx
    .select()
    .from(budgetRounds)
    .where(and(inArray(budgetRounds.status, ['proposals', 'screening']), lte(budgetRounds.proposalsCloseAt, now)));
}

export async function insertProposal(tx: DbOrTx, values: typeof budgetProposals.$inferInsert): Promise<Proposal> {
  const [row] = await tx.insert(budgetProposals).values(values).returning();
  if (!row) throw new Error('proposal insert returned nothing');
  return row;
}

export async function getProposal(tx: DbOrTx, id: number, lock = false): Promise<Proposal | undefined> {
  const q = tx.select().from(budgetProposals).where(eq(budgetProposals.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function updateProposal(
  tx: DbOrTx,
  id: number,
  patch: Partial<typeof budgetProposals.$inferInsert>,
): Promise<Proposal> {
  const [row] = await tx.update(budgetProposals).set(patch).where(eq(budgetProposals.id, id)).returning();
  if (!row) throw new Error(`proposal ${id} is gone`);
  return row;
}

export async function proposalsOf(tx: DbOrTx, roundId: number, status?: Proposal['status']): Promise<Proposal[]> {
  return tx
    .select()
    .from(budgetProposals)
    .where(and(eq(budgetProposals.roundId, roundId), status ? eq(budgetProposals.status, status) : undefined))
    .orderBy(asc(budgetProposals.id));
}

/** 탈퇴: the proposals stay the district's, without their author. */
export async function forgetProposer(tx: DbOrTx, memberId: number): Promise<void> {
  await tx.update(budgetProposals).set({ memberId: null }).where(eq(budgetProposals.memberId, memberId));
}

/** Proposals waiting for screening in a district's rounds (or all, for the county). */
export async function proposalsWaiting(tx: DbOrTx, districtCode: string | null): Promise<number> {
  const rows = await tx
    .select({ id: budgetProposals.id })
    .from(budgetProposals)
    .innerJoin(budgetRounds, eq(budgetRounds.id, budgetProposals.roundId))
    .where(
      and(
        eq(budgetProposals.status, 'submitted'),
        inArray(budgetRounds.status, ['proposals', 'screening']),
        districtCode ? eq(budgetRounds.districtCode, districtCode) : undefined,
      ),
    );
  return rows.length;
}
