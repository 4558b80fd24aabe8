import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { roles, villages, workshops } from '../../db/schema/index.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import { sendBroadcast } from '../broadcasts/broadcast.usecases.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { formatKoreanDate } from '../time/county.time.ts';
import { signupUntil, whenAndWhere } from './workshop.notify.ts';
import type { Workshop } from './workshop.usecases.ts';

export type AnnounceResult =
  { kind: 'announced'; broadcastId: number; residents: number; heads: number } | { kind: 'not_sent'; reason: string };

/**
 * A new workshop is announced as a 행사 (event) broadcast to the residents (and village chats) of its district, or of
 * the county when it is county-wide, sent by the staff member who created it (or by the county for an import), and
 * each village head there is asked to pass it on.
 */
export async function announceWorkshop(input: {
  tx: DbOrTx;
  deps: CoreDeps;
  workshop: Workshop;
  sender: { memberId: number; grants: readonly RoleGrant[]; label: string };
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
  const heads = await tx
    .selectDistinct({ memberId: roles.memberId, village: villages.nameKo })
    .from(roles)
    .innerJoin(villages, eq(villages.id, roles.villageId))
    .where(and(eq(roles.role, 'village_head'), w.districtCode ? eq(villages.districtCode, w.districtCode) : undefined));
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
  await tx
    .update(workshops)
    .set({ announcedAt: deps.clock.now() })
    .where(inArray(workshops.id, [w.id]));
  return { kind: 'announced', broadcastId: result.broadcastId, residents: result.residents, heads: heads.length };
}
