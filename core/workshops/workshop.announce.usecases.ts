import type { DbOrTx } from '../../db/db.client.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import { sendBroadcast } from '../broadcasts/broadcast.usecases.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { formatKoreanDate } from '../time/county.time.ts';
import { signupUntil, whenAndWhere } from './workshop.notify.ts';
import * as repo from './workshop.repository.ts';
import type { Workshop } from './workshop.repository.ts';

export type AnnounceResult =
  { kind: 'announced'; broadcastId: number; residents: number; heads: number } | { kind: 'not_sent'; reason: string };

export type Sender = { memberId: number; grants: readonly RoleGrant[]; label: string };

/**
 * A new workshop is announced as a 행사 (event) broadcast to the residents (and village chats) of its district, or of
 * the county when it is county-wide, sent by the staff member who created it (or by the county for an import), and
 * each village head there is asked to pass it on. The residents and heads reached are counted in the result.
 */
export async function announceWorkshop(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  workshop: Workshop;
  sender: Sender;
}): Promise<AnnounceResult> {
  const { tx, deps, workshop: w } = input;
  const closes = signupUntil(w, deps.timezone);
  const body = [
    `[교육 안내] ${w.title}`,
    whenAndWhere(deps, w),
    `정원 ${w.capacity}명 · 신청 ${closes}`,
    `신청은 이 대화방에서 "교육"을 보내 주세요. 문의: ${w.contact ?? '읍·면사무소'}`,
  ].join('\n');
  const result = await sendBroadcast({
    tx,
    deps,
    sender: input.sender,
    scope: w.districtCode ? { kind: 'districts', codes: [w.districtCode] } : { kind: 'county' },
    category: 'event',
    body,
  });
  if (result.kind !== 'sent') return { kind: 'not_sent', reason: result.kind };
  const heads = await repo.villageHeadsOf(tx, w.districtCode);
  for (const head of heads)
    await enqueueToMember(tx, deps, {
      memberId: head.memberId,
      purpose: 'workshop.announce_head',
      dedupeKey: `workshop:${w.id}:announce:head:${head.memberId}`,
      messages: [
        {
          text: `[교육 안내 · 이장님께] ${head.village} 주민께도 알려 주세요. 「${w.title}」 ${formatKoreanDate(w.startsAt, deps.timezone)}, ${w.place}. 주민은 "교육"을 보내 신청합니다 (${closes}).`,
        },
      ],
    });
  await repo.updateWorkshop(tx, w.id, { announcedAt: deps.clock.now() });
  return { kind: 'announced', broadcastId: result.broadcastId, residents: result.residents, heads: heads.length };
}

/** The staff member who made it sends it, as their office: the district's 사무소, or the county's 청. */
export async function creatorSender(input: {
  tx: DbOrTx;
  staff: { memberId: number; grants: readonly RoleGrant[] };
  districtCode: string | null;
}): Promise<Sender> {
  const district = input.districtCode ? await repo.districtName(input.tx, input.districtCode) : undefined;
  const label = district ? `${district}사무소` : `${(await repo.county(input.tx))?.nameKo ?? '군'}청`;
  return { memberId: input.staff.memberId, grants: input.staff.grants, label };
}

/** The county announces what the admin imports: as its first county staff member (or admin), labelled 고성군청. */
export async function countySender(input: { tx: DbOrTx }): Promise<Sender | null> {
  const staff = await repo.firstCountyStaff(input.tx);
  if (!staff) return null;
  return { ...staff, label: `${(await repo.county(input.tx))?.nameKo ?? '군'}청` };
}
