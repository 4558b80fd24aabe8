import type { SectionProvider } from '../digests/digest.sections.ts';
import { recipientHops } from './notice.status.ts';
import { noticeIdsBetween } from './notice.tracking.repository.ts';

/**
 * Notices of the last `days` days (not withdrawn) whose heads of the scope have not acknowledged them or whose village
 * chats never got them, by village. Only the counts go to the model.
 */
export function noticesSection(title: string, days = 3): SectionProvider {
  return async ({ tx, scope, until }) => {
    const since = new Date(until.getTime() - days * 86_400_000);
    const hops = (await recipientHops({ tx, noticeIds: await noticeIdsBetween(tx, since, until) })).filter((r) =>
      scope.kind === 'county'
        ? true
        : scope.kind === 'district'
          ? r.districtCode === scope.districtCode
          : r.villageId === scope.villageId,
    );
    const byVillage = new Map<number, { place: string; unacknowledged: number; unrelayed: Set<number> }>();
    for (const r of hops) {
      if (r.acknowledgedAt && r.villageRelayed) continue;
      const v = byVillage.get(r.villageId) ?? {
        place: `${r.districtName} ${r.villageName}`,
        unacknowledged: 0,
        unrelayed: new Set<number>(),
      };
      if (!r.acknowledgedAt) v.unacknowledged++;
      if (!r.villageRelayed) v.unrelayed.add(r.noticeId);
      byVillage.set(r.villageId, v);
    }
    const rows = [...byVillage.values()];
    const unacknowledged = rows.reduce((n, v) => n + v.unacknowledged, 0);
    const unrelayed = rows.reduce((n, v) => n + v.unrelayed.size, 0);
    return {
      key: 'notices.missing',
      title,
      headline: rows.length
        ? `마을 ${rows.length}곳 (확인 안 됨 ${unacknowledged} · 마을방 전달 안 됨 ${unrelayed})`
        : '없음',
      lines: rows.map(
        (v) =>
          `· ${v.place}: ${[...(v.unacknowledged ? [`확인 안 됨 ${v.unacknowledged}건`] : []), ...(v.unrelayed.size ? [`전달 안 됨 ${v.unrelayed.size}건`] : [])].join(' · ')}`,
      ),
      figures: [
        { label: '공지가 멈춘 마을', value: rows.length, unit: '곳' },
        { label: '확인 안 됨', value: unacknowledged, unit: '건' },
        { label: '마을방 전달 안 됨', value: unrelayed, unit: '건' },
      ],
    };
  };
}
