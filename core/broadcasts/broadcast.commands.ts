import { eq } from 'drizzle-orm';
import { counties, districts, villages } from '../../db/schema/index.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { defaultScope, parseBroadcastText } from './broadcast.scope.ts';
import { broadcastReach } from './broadcast.status.ts';
import { BROADCAST_MAX_LENGTH, listVillageBroadcasts, sendBroadcast } from './broadcast.usecases.ts';

/** 방송 보내기 [긴급|행사] <내용>: to the sender's whole scope (county, their district, or their village). */
export async function sendBroadcastCommand(turn: Turn, args: string): Promise<void> {
  const scope = defaultScope(turn.actor.grants);
  if (!scope) return turn.reply('마을방송은 이장님과 담당 공무원만 보낼 수 있습니다. 의견이 있으시면 "도움말"을 보내 보세요.');
  const { category, body } = parseBroadcastText(args);
  if (!body) return turn.reply('보낼 내용을 함께 적어 주세요. 예: "방송 보내기 내일 오전 9시 마을회관 대청소가 있습니다" (급한 일은 "방송 보내기 긴급 …")');
  const result = await sendBroadcast({ tx: turn.tx, deps: turn.deps, sender: { memberId: turn.actor.memberId, grants: turn.actor.grants, label: await senderLabel(turn) }, scope, category, body });
  switch (result.kind) {
    case 'forbidden':
      return turn.reply('이 범위로 방송을 보낼 권한이 없습니다.');
    case 'empty':
      return turn.reply('보낼 내용이 비어 있습니다.');
    case 'too_long':
      return turn.reply(`방송 내용은 ${BROADCAST_MAX_LENGTH}자 이내로 적어 주세요. (지금 ${result.length}자) 보내신 글은 그대로 다시 보내시면 됩니다.`);
    case 'sent':
      return turn.reply(
        `${category === 'urgent' ? '긴급 ' : ''}마을방송 #${result.broadcastId}을 보냈습니다. 주민 ${result.residents}명, 마을방 ${result.groupChats}곳에 전합니다.` +
          (category === 'urgent' ? '' : ' 쉬는 시간(밤 9시~아침 7시)인 분께는 아침에 전해집니다.'),
      );
  }
}

async function senderLabel(turn: Turn): Promise<string> {
  const grants = turn.actor.grants;
  if (grants.some((g) => g.role === 'county_staff' || g.role === 'admin')) {
    const [county] = await turn.tx.select({ nameKo: counties.nameKo }).from(counties).limit(1);
    return `${county?.nameKo ?? '군청'}청`;
  }
  const staff = grants.find((g) => g.role === 'district_staff');
  if (staff?.districtCode) {
    const [d] = await turn.tx.select({ nameKo: districts.nameKo }).from(districts).where(eq(districts.code, staff.districtCode));
    return `${d?.nameKo ?? ''}사무소`;
  }
  const head = grants.find((g) => g.role === 'village_head');
  const [v] = await turn.tx.select({ nameKo: villages.nameKo }).from(villages).where(eq(villages.id, head?.villageId ?? -1));
  return `${v?.nameKo ?? ''} 이장`;
}

/** 방송 [검색어]: the broadcasts of the resident's village, to read again; with a word, a search of the archive. */
export async function listBroadcastsCommand(turn: Turn, args: string): Promise<void> {
  const registration = turn.actor.registration;
  if (registration?.status !== 'approved') return turn.reply('지난 마을방송은 등록을 마친 주민께 보여 드립니다. 먼저 "등록"을 보내 주세요.');
  const query = args.trim();
  const found = await listVillageBroadcasts(turn.tx, { villageId: registration.villageId, districtCode: registration.districtCode, query });
  if (found.length === 0)
    return turn.reply(query ? `"${query}"가 들어간 마을방송이 없습니다. 다른 낱말로 찾아보세요.` : `${registration.villageName}에 아직 마을방송이 없습니다.`);
  const lines = found.map((b) => `• ${formatKoreanDateTime(b.sendAt, turn.deps.timezone)} ${b.category === 'urgent' ? '[긴급] ' : ''}${b.body}\n  — ${b.senderLabel}`);
  turn.reply(`${query ? `"${query}" 찾은 마을방송` : `${registration.villageName} 최근 마을방송`} ${found.length}건:\n\n${lines.join('\n\n')}`);
}

const platformKo: Record<string, string> = { websim: '시뮬레이터', line: 'LINE', discord: 'Discord' };

/** 현황: reach of the recent broadcasts in the viewer's scope — waiting, sent and failed, by platform. */
export async function statusCommand(turn: Turn): Promise<void> {
  const scope = defaultScope(turn.actor.grants);
  if (!scope) return turn.reply('현황은 이장님과 담당 공무원이 볼 수 있습니다.');
  const reach = await broadcastReach(turn.tx, scope);
  if (reach.length === 0) return turn.reply('최근 보낸 마을방송이 없습니다.');
  const blocks = reach.map((b) => {
    // A resident whose delivery fell back has two rows: count people, not rows.
    const total = b.byPlatform.reduce((sum, p) => sum + p.queued + p.sent + p.failed - p.fallback, 0);
    const lines = b.byPlatform.map(
      (p) => `  ${platformKo[p.platform] ?? p.platform}: 보냄 ${p.sent}${p.fallback ? `(대체 ${p.fallback})` : ''} · 대기 ${p.queued} · 실패 ${p.failed}`,
    );
    const preview = [...b.body].slice(0, 30).join('');
    return [`#${b.id} ${formatKoreanDateTime(b.sendAt, turn.deps.timezone)} "${preview}${[...b.body].length > 30 ? '…' : ''}" — 주민 ${total}명`, ...lines].join('\n');
  });
  turn.reply(`마을방송 현황 (최근 ${reach.length}건)\n\n${blocks.join('\n\n')}`);
}
