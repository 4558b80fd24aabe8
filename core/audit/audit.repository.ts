import { and, asc, desc, eq, gte, inArray, isNotNull, lt, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  auditLog,
  districts,
  identities,
  registrations,
  roles,
  villages,
  type AuditVia,
} from '../../db/schema/index.ts';

export type AuditRow = typeof auditLog.$inferSelect;

export async function insertAudit(
  tx: DbOrTx,
  row: {
    at: Date;
    actorMemberId: number;
    action: string;
    subject: string;
    districtCode: string | null;
    villageId: number | null;
    via: AuditVia;
  },
): Promise<void> {
  await tx.insert(auditLog).values(row);
}

export type AuditQuery = {
  actorMemberId?: number | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  until?: Date | undefined;
  limit: number;
};

export async function listAudit(tx: DbOrTx, q: AuditQuery): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (q.actorMemberId !== undefined) where.push(eq(auditLog.actorMemberId, q.actorMemberId));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.until) where.push(lt(auditLog.at, q.until));
  return tx
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(q.limit);
}

/** The members who appear as authors, for the "who" filter. */
export async function auditActors(tx: DbOrTx): Promise<number[]> {
  const rows = await tx.selectDistinct({ id: auditLog.actorMemberId }).from(auditLog);
  return rows.map((r) => r.id);
}

/** Authors as the 기록 page names them: the real name of their registration (if any) and their roles. */
export async function actorDetails(
  tx: DbOrTx,
  memberIds: readonly number[],
): Promise<
  Map<number, { realName: string | null; roles: { role: string; village: string | null; district: string | null }[] }>
> {
  const out = new Map<
    number,
    { realName: string | null; roles: { role: string; village: string | null; district: string | null }[] }
  >();
  if (memberIds.length === 0) return out;
  const ids = [...new Set(memberIds)];
  for (const id of ids) out.set(id, { realName: null, roles: [] });
  const names = await tx
    .select({ memberId: registrations.memberId, realName: registrations.realName })
    .from(registrations)
    .where(and(inArray(registrations.memberId, ids), inArray(registrations.status, ['pending', 'approved'])));
  for (const n of names) {
    const entry = out.get(n.memberId);
    if (entry) entry.realName = n.realName;
  }
  // Staff appointed without a registration are named by their platform nickname.
  const nicknames = await tx
    .select({ memberId: identities.memberId, nickname: identities.nickname })
    .from(identities)
    .where(and(inArray(identities.memberId, ids), isNotNull(identities.nickname)))
    .orderBy(asc(identities.id));
  for (const n of nicknames) {
    const entry = out.get(n.memberId);
    if (entry && !entry.realName) entry.realName = n.nickname;
  }
  const roleRows = await tx
    .select({ memberId: roles.memberId, role: roles.role, village: villages.nameKo, district: districts.nameKo })
    .from(roles)
    .leftJoin(villages, eq(villages.id, roles.villageId))
    .leftJoin(districts, eq(districts.code, roles.districtCode))
    .where(inArray(roles.memberId, ids));
  for (const r of roleRows) out.get(r.memberId)?.roles.push({ role: r.role, village: r.village, district: r.district });
  return out;
}

export async function placeNames(
  tx: DbOrTx,
): Promise<{ districts: Map<string, string>; villages: Map<number, string> }> {
  const [d, v] = await Promise.all([
    tx.select({ code: districts.code, name: districts.nameKo }).from(districts),
    tx.select({ id: villages.id, name: villages.nameKo }).from(villages),
  ]);
  return { districts: new Map(d.map((r) => [r.code, r.name])), villages: new Map(v.map((r) => [r.id, r.name])) };
}
