import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { maskName } from '../privacy/privacy.mask.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { tellStaff } from '../staff/staff.rooms.ts';
import { missingHops, recipientHops } from './notice.status.ts';
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
    const view = await noticeView({ tx, notice });
    const message = {
      text: `[${view.countyName} 공지 #${notice.id} 확인 요청]\n확인 기한(${formatKoreanDateTime(notice.ackDeadline, deps.timezone)})이 다가옵니다. 읽으셨으면 "확인"을 눌러 주세요.\n"${notice.body}"`,
      buttons: headButtons(notice.id),
    };
    const heads = [...new Set(waiting)];
    for (const memberId of heads)
      await enqueueToMember(tx, deps, {
        memberId,
        messages: [message],
        purpose: 'notice.reminder',
        noticeId: notice.id,
        urgent: notice.priority === 'high',
        dedupeKey: `notice:${notice.id}:remind:${memberId}`,
      });
    deps.logger.info({ noticeId, heads: heads.length }, 'notice reminders queued');
    return heads.length;
  });
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
