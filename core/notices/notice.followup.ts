import type { DbOrTx } from '../../db/db.client.ts';
import type { AuditVia } from '../../db/schema/audit.schema.ts';
import { recordAudit } from '../audit/audit.usecases.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { maskName } from '../privacy/privacy.mask.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { tellStaff } from '../staff/staff.rooms.ts';
import type { NoticeRow } from './notice.repository.ts';
import { missingHops, recipientHops, trackNotice } from './notice.status.ts';
import { followUpStep, headButtons } from './notice.text.ts';
import * as tracking from './notice.tracking.repository.ts';
import { noticeView } from './notice.usecases.ts';
import { josa } from '../text/korean.text.ts';

/** A notice this long past its deadline is not escalated any more (a job that was off for a week starts clean). */
const LOOKBACK_MS = 7 * 86_400_000;

/**
 * Run by the notice follow-up job: heads who have not acknowledged are reminded once before the deadline; after it,
 * once, each district with villages missing a hop is told in its staff room who is missing. Each step is claimed on
 * the notice row (remindedAt / escalatedAt) in the transaction that writes its messages, so it happens once.
 */
export async function followUpNotices(input: {
  deps: CoreDeps;
  now: Date;
}): Promise<{ reminded: number; escalated: number }> {
  const { deps, now } = input;
  const open = await tracking.openFollowUps(deps.db, new Date(now.getTime() - LOOKBACK_MS));
  let reminded = 0;
  let escalated = 0;
  for (const notice of open) {
    const step = followUpStep(notice, now);
    if (step === 'remind') reminded += await remind(deps, notice.id, now);
    if (step === 'escalate') escalated += await escalate(deps, notice.id, now);
  }
  return { reminded, escalated };
}

async function remind(deps: CoreDeps, noticeId: number, now: Date): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const notice = await tracking.claimReminder(tx, noticeId, now);
    if (!notice?.ackDeadline) return 0;
    const waiting = await tracking.remindWaitingHeads(tx, noticeId, now);
    const heads = await tellWaitingHeads(tx, deps, notice, waiting, `notice:${notice.id}:remind`);
    deps.logger.info({ noticeId, heads }, 'notice reminders queued');
    return heads;
  });
}

/** The reminder card, to each head once under `keyPrefix`; returns how many heads. */
async function tellWaitingHeads(
  tx: DbOrTx,
  deps: CoreDeps,
  notice: NoticeRow,
  waiting: readonly number[],
  keyPrefix: string,
): Promise<number> {
  const view = await noticeView({ tx, notice });
  const due = notice.ackDeadline
    ? `확인 기한(${formatKoreanDateTime(notice.ackDeadline, deps.timezone)})이 다가옵니다.`
    : '아직 확인하지 않으셨습니다.';
  const message = {
    text: `[${view.countyName} 공지 #${notice.id} 확인 요청]\n${due} 읽으셨으면 "확인"을 눌러 주세요.\n"${notice.body}"`,
    buttons: headButtons(notice.id),
  };
  const heads = [...new Set(waiting)];
  for (const memberId of heads)
    await enqueueToMember(tx, deps, {
      memberId,
      messages: [message],
      purpose: 'notice.reminder',
      subject: { kind: 'notice', id: notice.id },
      urgent: notice.priority === 'high',
      dedupeKey: `${keyPrefix}:${memberId}`,
    });
  return heads.length;
}

/** A head reminded by hand is not reminded again sooner than this (staff pressing twice, or two staff at once). */
export const REMIND_AGAIN_AFTER_MS = 60 * 60_000;

export type RemindNowResult =
  | { kind: 'reminded'; heads: number; told: { to: 'heads'; count: number }[] }
  /** Everyone has acknowledged, or was reminded within REMIND_AGAIN_AFTER_MS. */
  | { kind: 'nobody' }
  | { kind: 'withdrawn' }
  | { kind: 'not_found' };

/**
 * "지금 다시 알리기" (the staff console): the reminder of the follow-up job, at once, to the heads of the viewer's
 * villages who have not acknowledged — each marked reminded, so the job's own reminder before the deadline does not
 * follow a minute later. In the caller's transaction.
 */
export async function remindNoticeNow(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  viewer: readonly RoleGrant[];
  /** Who pressed it, for the audit log (기록). */
  actor: { memberId: number; via: AuditVia };
  noticeId: number;
}): Promise<RemindNowResult> {
  const { tx, deps } = input;
  const tracked = await trackNotice({ tx, viewer: input.viewer, noticeId: input.noticeId });
  if (!tracked) return { kind: 'not_found' };
  if (tracked.notice.withdrawnAt) return { kind: 'withdrawn' };
  const now = deps.clock.now();
  const waiting = await tracking.remindHeadsNow(tx, {
    noticeId: tracked.notice.id,
    villageIds: [...new Set(tracked.recipients.map((r) => r.villageId))],
    now,
    notSince: new Date(now.getTime() - REMIND_AGAIN_AFTER_MS),
  });
  if (waiting.length === 0) return { kind: 'nobody' };
  const key = `notice:${tracked.notice.id}:remind:${now.toISOString()}`;
  const heads = await tellWaitingHeads(tx, deps, tracked.notice, waiting, key);
  const districts = [...new Set(tracked.recipients.map((r) => r.districtCode))];
  await recordAudit(input, {
    actorMemberId: input.actor.memberId,
    action: 'notice.remind',
    subject: `notice:${tracked.notice.id}`,
    scope: { districtCode: districts.length === 1 ? districts[0] : null },
    via: input.actor.via,
  });
  return { kind: 'reminded', heads, told: [{ to: 'heads', count: heads }] };
}

async function escalate(deps: CoreDeps, noticeId: number, now: Date): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const notice = await tracking.claimEscalation(tx, noticeId, now);
    if (!notice?.ackDeadline) return 0;
    const missing = missingHops(await recipientHops({ tx, noticeIds: [notice.id] }));
    const byDistrict = new Map<string, typeof missing>();
    for (const r of missing) byDistrict.set(r.districtCode, [...(byDistrict.get(r.districtCode) ?? []), r]);
    const view = await noticeView({ tx, notice });
    for (const [districtCode, rows] of byDistrict) {
      const lines = rows.map(
        (r) =>
          `· ${r.villageName} (이장 ${r.headName ? maskName(r.headName) : '-'}): ${[...(r.acknowledgedAt ? [] : ['확인 안 함']), ...(r.villageRelayed ? [] : ['마을방 전달 안 됨'])].join(' · ')}`,
      );
      const text = [
        `[${view.countyName} 공지 #${notice.id} 기한 지남] ${rows[0]?.districtName ?? ''}`,
        `"${notice.body.length > 40 ? `${notice.body.slice(0, 40)}…` : notice.body}"`,
        `확인 기한 ${josa(formatKoreanDateTime(notice.ackDeadline, deps.timezone), '이/가')} 지났는데 아직 빠진 곳이 ${rows.length}건 있습니다. 이장님께 연락해 주세요.`,
        ...lines,
      ].join('\n');
      await tellStaff(tx, deps, {
        districtCode,
        key: `notice:${notice.id}:escalate:${districtCode}`,
        purpose: 'notice.escalation',
        noticeId: notice.id,
        messages: [{ text }],
      });
    }
    await tracking.setMeta(tx, notice, { ...(notice.meta ?? {}), escalatedDistricts: [...byDistrict.keys()] });
    deps.logger.info({ noticeId, districts: byDistrict.size, missing: missing.length }, 'notice escalated');
    return byDistrict.size;
  });
}
