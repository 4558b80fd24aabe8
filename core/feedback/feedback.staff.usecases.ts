import type { DbOrTx } from '../../db/db.client.ts';
import type { AuditVia } from '../../db/schema/audit.schema.ts';
import { recordAudit } from '../audit/audit.usecases.ts';
import { authorizationTable, can, type RoleGrant } from '../auth/authz.policy.ts';
import type { CoreDeps } from '../core.deps.ts';
import { tellResident, tellStaff, type Notice } from './feedback.notify.ts';
import * as repo from './feedback.repository.ts';
import type { FeedbackItem } from './feedback.repository.ts';
import { feedbackSettings, findByReceipt } from './feedback.usecases.ts';
import { josa } from '../text/korean.text.ts';

/**
 * What staff do with an item: take it, answer it, close it. Each usecase takes one object and returns a named
 * result; what the resident and the staff rooms are told is written to the outbox here and returned as `notices`,
 * so the staff web console (or any other entry point) cannot skip it.
 *
 * Refusals, and what they give away:
 * - `not_staff`: the person may answer feedback nowhere (a resident, a village head). Decided before the receipt is
 *   looked up, so the answer is the same for an item that exists, one that does not, and their own.
 * - `not_found` / `out_of_scope`: staff of another district are told honestly that the item is not theirs. Staff
 *   could know the item exists: receipt numbers are one county-wide sequence, residents call the county office with
 *   them, and HQ rooms and escalations quote them; and saying "not found" would send them looking for a typo.
 */
export type StaffRefusal =
  | { kind: 'not_staff' }
  | { kind: 'not_found' }
  | { kind: 'out_of_scope' }
  | { kind: 'already_closed' }
  | { kind: 'empty' };

export type Staff = { memberId: number; grants: readonly RoleGrant[] };
/** `via`: where the action came from, for 기록 (the audit log); chat unless the console says so. */
type Input = { tx: DbOrTx; deps: CoreDeps; staff: Staff; receipt: string; via?: AuditVia };

function audit(input: Input, action: 'feedback.take' | 'feedback.answer' | 'feedback.close', item: FeedbackItem) {
  return recordAudit(input, {
    actorMemberId: input.staff.memberId,
    action,
    subject: `feedback:${item.receiptNo}`,
    scope: { districtCode: item.districtCode, villageId: item.villageId },
    via: input.via ?? 'chat',
  });
}

/** Whether a person may answer feedback anywhere: a role of the table's `feedback.answer` row. */
export function answersFeedback(grants: readonly RoleGrant[]): boolean {
  return grants.some((g) => authorizationTable['feedback.answer'][g.role] !== undefined);
}

async function staffItem(input: Input): Promise<FeedbackItem | StaffRefusal> {
  if (!answersFeedback(input.staff.grants)) return { kind: 'not_staff' };
  const item = await findByReceipt(input);
  if (!item) return { kind: 'not_found' };
  if (!can(input.staff.grants, 'feedback.answer', { districtCode: item.districtCode, villageId: item.villageId }))
    return { kind: 'out_of_scope' };
  if (item.status === 'closed') return { kind: 'already_closed' };
  return item;
}

export type TakeResult = { kind: 'taken'; item: FeedbackItem; changed: boolean; notices: Notice[] } | StaffRefusal;

/** 의견 맡기: the staff member takes the item; received → assigned, and the resident hears someone is on it. */
export async function takeFeedback(input: Input): Promise<TakeResult> {
  const found = await staffItem(input);
  if ('kind' in found) return found;
  const now = input.deps.clock.now();
  const status = found.status === 'received' ? 'assigned' : found.status;
  const item =
    (await repo.updateItem(input.tx, found.id, { assignedTo: input.staff.memberId, status, updatedAt: now })) ?? found;
  const changed = found.status !== status;
  await audit(input, 'feedback.take', item);
  const notices = changed
    ? [
        await tellResident(input.tx, input.deps, item, 'assigned', [
          { text: `의견 ${josa(item.receiptNo, '을/를')} 담당자가 확인하고 있습니다.` },
        ]),
      ]
    : [];
  return { kind: 'taken', item, changed, notices };
}

export type AnswerResult = { kind: 'answered'; item: FeedbackItem; text: string; notices: Notice[] } | StaffRefusal;

/**
 * 답변: the answer joins the thread and reaches the resident on the platform they wrote from, signed by the office;
 * the staff rooms see that it went. The first answer stops the service-level clock.
 */
export async function answerFeedback(input: Input & { text: string; eventKey: string }): Promise<AnswerResult> {
  const found = await staffItem(input);
  if ('kind' in found) return found;
  const text = input.text.trim();
  if (!text) return { kind: 'empty' };
  const { tx, deps } = input;
  const now = deps.clock.now();
  await repo.insertMessage(tx, {
    itemId: found.id,
    authorMemberId: input.staff.memberId,
    role: 'staff',
    bodyEnc: deps.cipher.encrypt(text),
    createdAt: now,
  });
  const item =
    (await repo.updateItem(tx, found.id, {
      status: 'answered',
      assignedTo: found.assignedTo ?? input.staff.memberId,
      firstAnsweredAt: found.firstAnsweredAt ?? now,
      updatedAt: now,
    })) ?? found;
  await audit(input, 'feedback.answer', item);
  const office = input.staff.grants.some((g) => g.role === 'county_staff')
    ? '군청'
    : `${(await repo.districtName(tx, item.districtCode)) ?? ''}사무소`;
  const notices = [
    await tellResident(tx, deps, item, `answer:${input.eventKey}`, [
      {
        text: `[의견 ${item.receiptNo} 답변]\n${text}\n— ${office}`,
        buttons: [{ label: '덧붙여 묻기', command: `의견 답글 ${item.receiptNo}` }],
      },
    ]),
    await tellStaff(tx, deps, item, `answered:${input.eventKey}`, [
      { text: `[의견 ${item.receiptNo}] 답변이 나갔습니다:\n${text}` },
    ]),
  ];
  return { kind: 'answered', item, text, notices };
}

export type CloseResult = { kind: 'closed'; item: FeedbackItem; notices: Notice[] } | StaffRefusal;

/** 의견 닫기: closed by staff; the resident is asked whether it was resolved (and may reopen it for a while). */
export async function closeFeedback(input: Input & { eventKey: string }): Promise<CloseResult> {
  const found = await staffItem(input);
  if ('kind' in found) return found;
  const now = input.deps.clock.now();
  const item =
    (await repo.updateItem(input.tx, found.id, { status: 'closed', closedAt: now, updatedAt: now })) ?? found;
  await audit(input, 'feedback.close', item);
  const r = item.receiptNo;
  const days = feedbackSettings(input.deps).reopenDays;
  const notices = [
    await tellResident(input.tx, input.deps, item, `closed:${input.eventKey}`, [
      {
        text: `의견 ${josa(r, '이/가')} 종결되었습니다. 해결되셨나요?\n(${days}일 안에 "의견 답글 ${r} 내용"을 보내시면 다시 열립니다.)`,
        buttons: [
          { label: '해결되었어요', command: `의견 평가 ${r} 해결` },
          { label: '해결되지 않았어요', command: `의견 평가 ${r} 미해결` },
        ],
      },
    ]),
  ];
  return { kind: 'closed', item, notices };
}
