import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { districts, registrations, reports, villages } from '../../db/schema/index.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { tellStaff } from '../staff/staff.rooms.ts';
import { maskName } from '../privacy/privacy.mask.ts';

export const REPORT_MAX_LENGTH = 1000;

export type FileReportResult =
  | { kind: 'filed'; reportId: number; villageName: string; districtName: string; reached: number }
  | { kind: 'not_head' }
  | { kind: 'empty' }
  | { kind: 'too_long'; length: number };

/**
 * 보고 (village head): a village matter up to the district office — shown in the district's staff room (HQ where it
 * has none; else its staff directly), where staff answer with "보고답변 N 내용". The body is stored encrypted.
 */
export async function fileReport(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  author: { memberId: number; grants: readonly RoleGrant[] };
  body: string;
}): Promise<FileReportResult> {
  const { tx, deps } = input;
  // A head of two villages reports for the first; the card names the village, so staff know which.
  const headOf = input.author.grants.find((g) => g.role === 'village_head' && g.villageId !== null);
  if (!headOf?.villageId) return { kind: 'not_head' };
  const body = input.body.trim();
  if (!body) return { kind: 'empty' };
  if ([...body].length > REPORT_MAX_LENGTH) return { kind: 'too_long', length: [...body].length };
  const [village] = await tx
    .select({
      id: villages.id,
      name: villages.nameKo,
      districtCode: villages.districtCode,
      districtName: districts.nameKo,
    })
    .from(villages)
    .innerJoin(districts, eq(districts.code, villages.districtCode))
    .where(eq(villages.id, headOf.villageId));
  if (!village) return { kind: 'not_head' };
  const now = deps.clock.now();
  const [report] = await tx
    .insert(reports)
    .values({
      villageId: village.id,
      districtCode: village.districtCode,
      authorMemberId: input.author.memberId,
      bodyEnc: deps.cipher.encrypt(body),
      createdAt: now,
    })
    .returning({ id: reports.id });
  if (!report) throw new Error('report insert returned nothing');
  const [reg] = await tx
    .select({ realName: registrations.realName })
    .from(registrations)
    .where(and(eq(registrations.memberId, input.author.memberId), eq(registrations.status, 'approved')));
  // A staff room has many readers: the head's name masked, as on feedback cards.
  const card = {
    text: `[이장 보고 #${report.id}] ${village.districtName} ${village.name} · 이장 ${reg?.realName ? maskName(reg.realName) : ''}\n${body}\n\n답변: "보고답변 ${report.id} 내용"`,
  };
  const reached = await tellStaff(tx, deps, {
    districtCode: village.districtCode,
    key: `report:${report.id}:new`,
    purpose: 'report.staff',
    messages: [card],
  });
  return { kind: 'filed', reportId: report.id, villageName: village.name, districtName: village.districtName, reached };
}

export type AnswerReportResult =
  | { kind: 'answered'; reportId: number }
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'empty' }
  | { kind: 'too_long'; length: number };

/** 보고답변 N 내용 (staff of the report's district or the county): the answer goes to the head on their platform. */
export async function answerReport(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  staff: { memberId: number; grants: readonly RoleGrant[]; label: string };
  reportId: number;
  answer: string;
}): Promise<AnswerReportResult> {
  const { tx, deps } = input;
  const [report] = await tx.select().from(reports).where(eq(reports.id, input.reportId));
  if (!report) return { kind: 'not_found' };
  if (!can(input.staff.grants, 'report.answer', { villageId: report.villageId, districtCode: report.districtCode }))
    return { kind: 'forbidden' };
  const answer = input.answer.trim();
  if (!answer) return { kind: 'empty' };
  if ([...answer].length > REPORT_MAX_LENGTH) return { kind: 'too_long', length: [...answer].length };
  const now = deps.clock.now();
  await tx
    .update(reports)
    .set({ answerEnc: deps.cipher.encrypt(answer), answeredBy: input.staff.memberId, answeredAt: now })
    .where(eq(reports.id, report.id));
  await enqueueToMember(tx, deps, {
    memberId: report.authorMemberId,
    messages: [{ text: `[보고 #${report.id} 답변]\n${answer}\n— ${input.staff.label}` }],
    purpose: 'report.answer',
    // A second answer to the same report is a new message.
    dedupeKey: `report:${report.id}:answer:${now.toISOString()}`,
  });
  return { kind: 'answered', reportId: report.id };
}
