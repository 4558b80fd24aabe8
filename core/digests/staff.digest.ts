import { eq, isNotNull, or } from 'drizzle-orm';
import { districts, groupChats } from '../../db/schema/index.ts';
import type { SummaryWriter } from '../ai/summary.port.ts';
import type { CoreDeps } from '../core.deps.ts';
import { staffDigestKey } from '../delivery/delivery.keys.ts';
import { writtenKeys } from '../delivery/delivery.subject.ts';
import { enqueue } from '../delivery/outbox.write.ts';
import {
  acceptSummary,
  buildSections,
  type DigestScope,
  renderSections,
  type SectionProvider,
  summaryFacts,
  templateSummary,
} from './digest.sections.ts';
import { countyDateKey, formatKoreanDate } from '../time/county.time.ts';
import { staffDigestSections } from './staff.sections.ts';

export type StaffDigestResult = { rooms: number; queued: number; scopes: number; modelSummaries: number };

/**
 * The staff daily digest: to the HQ staff room(s) for the county and to each district's staff room(s) for that
 * district, on whatever platform each room is. Sections are built once per scope; the model writes one paragraph
 * per scope from counts alone. One outbox row per room and county day (dedupe key), so a re-run adds nothing.
 */
export async function sendStaffDigests(input: {
  deps: CoreDeps;
  summary: SummaryWriter;
  now: Date;
  providers?: readonly SectionProvider[];
}): Promise<StaffDigestResult> {
  const { deps, now } = input;
  const rooms = await deps.db
    .select({
      platform: groupChats.platform,
      chatId: groupChats.chatId,
      hq: groupChats.isHqStaffRoom,
      districtCode: groupChats.staffDistrictCode,
      districtName: districts.nameKo,
    })
    .from(groupChats)
    .leftJoin(districts, eq(districts.code, groupChats.staffDistrictCode))
    .where(or(eq(groupChats.isHqStaffRoom, true), isNotNull(groupChats.staffDistrictCode)));
  const scopes = new Map<string, { scope: DigestScope; audience: string; rooms: typeof rooms }>();
  for (const room of rooms) {
    // A room marked both HQ and district gets the county's digest: HQ sees everything.
    const key = room.hq ? 'county' : `district:${room.districtCode}`;
    const entry = scopes.get(key) ?? {
      scope:
        room.hq || !room.districtCode
          ? { kind: 'county' as const }
          : { kind: 'district' as const, districtCode: room.districtCode },
      audience: room.hq ? '군청 본청 담당자' : `${room.districtName ?? ''} 담당자`,
      rooms: [],
    };
    entry.rooms.push(room);
    scopes.set(key, entry);
  }
  const date = countyDateKey(now, deps.timezone);
  const day = formatKoreanDate(now, deps.timezone);
  let queued = 0;
  let modelSummaries = 0;
  const keyOf = (room: { platform: string; chatId: string }) => staffDigestKey({ ...room, date });
  const done = await writtenKeys({ tx: deps.db, keys: rooms.map(keyOf) });
  for (const { scope, audience, rooms: allRooms } of scopes.values()) {
    // A re-run the same day (catch-up, run-job) neither asks the model again nor adds a message.
    const scopeRooms = allRooms.filter((room) => !done.has(keyOf(room)));
    if (scopeRooms.length === 0) continue;
    const sections = await buildSections(
      { tx: deps.db, scope, since: new Date(now.getTime() - 24 * 3_600_000), until: now, timezone: deps.timezone },
      input.providers ?? staffDigestSections,
    );
    const facts = summaryFacts({ audience, period: `${day} 아침, 지난 하루`, sections });
    const written = acceptSummary(await input.summary.summarize(facts), facts);
    if (written) modelSummaries += 1;
    const heading = `[아침 소식] ${day} · ${scope.kind === 'county' ? '군 전체' : audience.replace(/ 담당자$/, '')}`;
    const text = [heading, written ?? templateSummary(sections, '지난 하루'), renderSections(sections)].join('\n\n');
    for (const room of scopeRooms) {
      const added = await enqueue(deps.db, deps, {
        dedupeKey: keyOf(room),
        to: { platform: room.platform, type: 'group', id: room.chatId },
        purpose: 'digest.staff',
        messages: [{ text }],
      });
      if (added) queued += 1;
    }
  }
  return { rooms: rooms.length, queued, scopes: scopes.size, modelSummaries };
}
