import type { DbOrTx } from '../../db/db.client.ts';
import { can, type RoleGrant } from '../auth/authz.policy.ts';
import type { OutboundMessage } from '../channel/channel.types.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { tellStaff } from '../staff/staff.rooms.ts';
import {
  answerMessage,
  answererDistrict,
  answererLabel,
  checkText,
  REPORT_MAX_LENGTH,
  reportCard,
  reportingVillage,
} from './report.rules.ts';
import * as repo from './reports.repository.ts';

/**
 * 보고 and its answer. Each usecase takes one object and returns a named result; the card to the district's staff
 * and the answer to the head are written to the outbox here, in the caller's transaction, and listed as `notices`,
 * so that a second entry point (the staff console) cannot leave them untold.
 */
export { REPORT_MAX_LENGTH };

type Ctx = { tx: DbOrTx; deps: CoreDeps };

/** `reached`: how many staff rooms (or staff members, where no room is linked) the card went to. */
export type Notice =
  | { to: 'staff'; districtCode: string; reached: number; messages: OutboundMessage[] }
  | { to: 'head'; memberId: number; messages: OutboundMessage[] };

export type FileReportResult =
  | { kind: 'filed'; reportId: number; villageName: string; districtName: string; reached: number; notices: Notice[] }
  | { kind: 'not_head' }
  | { kind: 'empty' }
  | { kind: 'too_long'; length: number };

/**
 * 보고 (village head): a village matter up to the district office — shown in the district's staff room (HQ where it
 * has none; else its staff directly), where staff answer with "보고답변 N 내용". The body is stored encrypted.
 */
export async function fileReport(
  input: Ctx & { author: { memberId: number; grants: readonly RoleGrant[] }; body: string },
): Promise<FileReportResult> {
  const { tx, deps } = input;
  const villageId = reportingVillage(input.author.grants);
  if (villageId === null) return { kind: 'not_head' };
  const body = checkText(input.body);
  if (body.kind !== 'ok') return body;
  const village = await repo.villageWithDistrict(tx, villageId);
  if (!village) return { kind: 'not_head' };
  const reportId = await repo.insertReport(tx, {
    villageId: village.id,
    districtCode: village.districtCode,
    authorMemberId: input.author.memberId,
    bodyEnc: deps.cipher.encrypt(body.text),
    createdAt: deps.clock.now(),
  });
  const messages = [
    {
      text: reportCard({
        reportId,
        districtName: village.districtName,
        villageName: village.name,
        headName: await repo.approvedNameOf(tx, input.author.memberId),
        body: body.text,
      }),
    },
  ];
  const reached = await tellStaff(tx, deps, {
    districtCode: village.districtCode,
    key: `report:${reportId}:new`,
    purpose: 'report.staff',
    messages,
  });
  return {
    kind: 'filed',
    reportId,
    villageName: village.name,
    districtName: village.districtName,
    reached,
    notices: [{ to: 'staff', districtCode: village.districtCode, reached, messages }],
  };
}

export type AnswerReportResult =
  | { kind: 'answered'; reportId: number; notices: Notice[] }
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'empty' }
  | { kind: 'too_long'; length: number };

/**
 * 보고답변 N 내용 (staff of the report's district or the county): the answer goes to the head on their platform,
 * signed with the county's or the district's office.
 */
export async function answerReport(
  input: Ctx & { staff: { memberId: number; grants: readonly RoleGrant[] }; reportId: number; answer: string },
): Promise<AnswerReportResult> {
  const { tx, deps, staff } = input;
  const report = await repo.findReport(tx, input.reportId);
  if (!report) return { kind: 'not_found' };
  if (!can(staff.grants, 'report.answer', { villageId: report.villageId, districtCode: report.districtCode }))
    return { kind: 'forbidden' };
  const answer = checkText(input.answer);
  if (answer.kind !== 'ok') return answer;
  const now = deps.clock.now();
  await repo.saveAnswer(tx, {
    id: report.id,
    answerEnc: deps.cipher.encrypt(answer.text),
    answeredBy: staff.memberId,
    answeredAt: now,
  });
  const label = answererLabel(staff.grants, await repo.signatureNames(tx, answererDistrict(staff.grants)));
  const messages = [{ text: answerMessage({ reportId: report.id, answer: answer.text, label }) }];
  const sent = await enqueueToMember(tx, deps, {
    memberId: report.authorMemberId,
    messages,
    purpose: 'report.answer',
    // A second answer to the same report is a new message.
    dedupeKey: `report:${report.id}:answer:${now.toISOString()}`,
  });
  return {
    kind: 'answered',
    reportId: report.id,
    notices: sent ? [{ to: 'head', memberId: report.authorMemberId, messages }] : [],
  };
}
