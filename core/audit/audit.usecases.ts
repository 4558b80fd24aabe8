import type { DbOrTx } from '../../db/db.client.ts';
import type { AuditVia } from '../../db/schema/audit.schema.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import type { CoreDeps } from '../core.deps.ts';
import * as repo from './audit.repository.ts';
import { auditActions, readsAudit, subjectInWords, type AuditAction } from './audit.rules.ts';

export type AuditEntry = {
  actorMemberId: number;
  action: AuditAction;
  /** What was acted on: a receipt number, "registration:12", "broadcast:3" — never a person's name or number. */
  subject: string;
  scope: { districtCode?: string | null | undefined; villageId?: number | null | undefined };
  via: AuditVia;
};

/**
 * Records a staff action where it happens (inside the usecase, in its transaction): whether it came from chat or
 * the console, it is in 기록 exactly once, and a rolled-back action leaves no row. Takes the deps (for the clock)
 * with the transaction, or a `{ tx, deps }` pair as usecases hold them.
 */
export async function recordAudit(
  ctx: { tx: DbOrTx; deps: Pick<CoreDeps, 'clock'> },
  entry: AuditEntry,
): Promise<void> {
  await repo.insertAudit(ctx.tx, {
    at: ctx.deps.clock.now(),
    actorMemberId: entry.actorMemberId,
    action: entry.action,
    subject: entry.subject,
    districtCode: entry.scope.districtCode ?? null,
    villageId: entry.scope.villageId ?? null,
    via: entry.via,
  });
}

export type AuditFilter = { actorMemberId?: number; action?: AuditAction; from?: Date; until?: Date };
export type AuditLine = repo.AuditRow & {
  actionLabel: string;
  actorLabel: string;
  scopeLabel: string;
  subjectLabel: string;
};

const ROLE_WORD: Record<string, string> = {
  village_head: '이장',
  district_staff: '담당',
  county_staff: '군청',
  admin: '관리자',
};

export type AuditListResult =
  { kind: 'list'; lines: AuditLine[]; actors: { memberId: number; label: string }[] } | { kind: 'not_allowed' };

/** 기록 as county staff and the admin read it: newest first, filtered by author, action and dates. */
export async function listAuditLog(input: {
  tx: DbOrTx;
  reader: { grants: readonly RoleGrant[] };
  filter: AuditFilter;
  limit?: number;
}): Promise<AuditListResult> {
  if (!readsAudit(input.reader.grants)) return { kind: 'not_allowed' };
  const rows = await repo.listAudit(input.tx, { ...input.filter, limit: input.limit ?? 200 });
  const actorIds = await repo.auditActors(input.tx);
  const details = await repo.actorDetails(input.tx, [...actorIds, ...rows.map((r) => r.actorMemberId)]);
  const places = await repo.placeNames(input.tx);
  const scopeLabel = (r: repo.AuditRow) =>
    r.villageId !== null
      ? `${places.districts.get(r.districtCode ?? '') ?? ''} ${places.villages.get(r.villageId) ?? ''}`.trim()
      : r.districtCode !== null
        ? (places.districts.get(r.districtCode) ?? r.districtCode)
        : '군 전체';
  const label = (id: number) => {
    const d = details.get(id);
    const roles = (d?.roles ?? [])
      .map((r) => [r.village ?? r.district, ROLE_WORD[r.role] ?? r.role].filter(Boolean).join(' '))
      .join(', ');
    return `${d?.realName ?? `회원 ${id}`}${roles ? ` (${roles})` : ''}`;
  };
  return {
    kind: 'list',
    lines: rows.map((r) => ({
      ...r,
      actionLabel: auditActions[r.action as AuditAction] ?? r.action,
      actorLabel: label(r.actorMemberId),
      scopeLabel: scopeLabel(r),
      subjectLabel: subjectInWords(r.subject),
    })),
    actors: actorIds
      .map((memberId) => ({ memberId, label: label(memberId) }))
      .sort((a, b) => a.label.localeCompare(b.label, 'ko')),
  };
}
