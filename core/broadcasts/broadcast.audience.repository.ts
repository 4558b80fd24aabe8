import { and, count, inArray, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { groupChats, identities, members, registrations } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { enqueueBroadcastAudience } from '../delivery/delivery.fanout.ts';
import { PLATFORM_QUIET_WINDOWS } from '../delivery/quiet.hours.ts';
import { identityOrderRaw } from '../members/identity.order.ts';
import { holdsNoRole } from '../members/resident.rule.ts';

/**
 * Who a broadcast reaches, as SQL common table expressions shared by the fan-out (which writes their rows) and the
 * preview (which counts them), so that "주민 812명" before sending is the same rule as the rows written after.
 *
 * `chosen`: each resident's reachable identity seen most recently (never seen: last), ties to the lowest identity id;
 * the sender has it already; 설정 "하루 한 번 모아 받기" (`digest`) leaves ordinary broadcasts to the evening digest.
 * `clock`: `at` in the county's time zone as minutes of the day. `timed`: the residents reached directly, with `held`
 * set to the end of their quiet window when `at` falls inside it (none when start = end), truncated to the minute.
 *
 * Residents are whoever has an approved registration in the villages, as the fan-out always counted them.
 */
export function audienceCtes(input: {
  villageIds: number[];
  senderId: number;
  urgent: boolean;
  at: string;
  timezone: string;
}): SQL {
  const minutes = (column: string) =>
    sql.raw(`split_part(${column}, ':', 1)::int * 60 + split_part(${column}, ':', 2)::int`);
  // A platform's own window (a phone rings in the room: 21:00–08:00) holds as well, unless the person chose none.
  const platformWindows = Object.entries(PLATFORM_QUIET_WINDOWS).map(
    ([platform, w]) => sql`(${platform}::text, ${w.start}::text, ${w.end}::text)`,
  );
  const inside = (s: string, e: string) =>
    sql.raw(
      `(case when ${s} < ${e} then k.minute >= ${s} and k.minute < ${e} else k.minute >= ${s} or k.minute < ${e} end)`,
    );
  const until = (s: string, e: string) => sql.raw(`to_timestamp(k.epoch + (${e} - k.minute + 1440) % 1440 * 60)`);
  return sql`
    chosen as (
      select distinct on (r.member_id) r.member_id, i.platform, i.platform_user_id, m.quiet_start, m.quiet_end,
        m.broadcast_mode = 'digest' and not ${input.urgent}::boolean as digest
      from ${registrations} r
      join ${members} m on m.id = r.member_id
      join ${identities} i on i.member_id = r.member_id and i.reachable
      where r.village_id = any(${`{${input.villageIds.join(',')}}`}::int[]) and r.status = 'approved' and r.member_id <> ${input.senderId}::int
      order by r.member_id, ${identityOrderRaw('i')}
    ),
    clock as (
      select (extract(hour from local) * 60 + extract(minute from local))::int as minute, floor(extract(epoch from at) / 60)::bigint * 60 as epoch
      from (select ${input.at}::timestamptz as at, ${input.at}::timestamptz at time zone ${input.timezone}::text as local) t
    ),
    platform_windows(platform, quiet_start, quiet_end) as (values ${sql.join(platformWindows, sql`, `)}),
    timed as (
      select c.member_id, c.platform, c.platform_user_id,
        greatest(
          case when not ${input.urgent}::boolean and w.s <> w.e and ${inside('w.s', 'w.e')} then ${until('w.s', 'w.e')} end,
          case when not ${input.urgent}::boolean and w.s <> w.e and p.s is not null and p.s <> p.e and ${inside('p.s', 'p.e')}
            then ${until('p.s', 'p.e')} end
        ) as held
      from chosen c cross join clock k
      cross join lateral (select ${minutes('c.quiet_start')} as s, ${minutes('c.quiet_end')} as e) w
      left join lateral (
        select ${minutes('pw.quiet_start')} as s, ${minutes('pw.quiet_end')} as e from platform_windows pw where pw.platform = c.platform
      ) p on true
      where not c.digest
    )`;
}

/** A raw statement's rows: postgres.js answers an array of them, PGlite an object that holds them. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

/**
 * One delivery per resident, on the platform they used most recently, held for their quiet hours unless urgent —
 * written by delivery in one statement from these CTEs (core/delivery/delivery.fanout.ts), which also counts them.
 * The quiet-hours hold is quietUntil's, in SQL: `now` in the county's time zone as minutes of the day, inside a window
 * that may cross midnight (none when start = end), held until the window's end, truncated to the minute.
 * bench/fanout.equivalence.check.ts and test/broadcast.fanout.equivalence.test.ts compare all this with the rule in JS.
 */
export async function fanOutToResidents(
  tx: DbOrTx,
  deps: CoreDeps,
  input: { broadcastId: number; villageIds: number[]; senderId: number; urgent: boolean; sealed: string },
): Promise<{ recipients: number; residents: number; digest: number }> {
  if (input.villageIds.length === 0) return { recipients: 0, residents: 0, digest: 0 };
  const now = deps.clock.now().toISOString();
  const result = await enqueueBroadcastAudience(tx, {
    broadcastId: input.broadcastId,
    audience: audienceCtes({ ...input, at: now, timezone: deps.timezone }),
    tally: sql`select (select count(*) from timed)::int as recipients,
      (select count(*) from timed where ${holdsNoRole(sql.raw('timed.member_id'))})::int as residents,
      (select count(*) from chosen where digest)::int as digest`,
    sealed: input.sealed,
    now,
  });
  // Everyone in scope is reached (heads and staff too); "주민" counts residents only (core/members/resident.rule.ts).
  const [counts] = rowsOf<{ recipients: number; residents: number; digest: number }>(result);
  return { recipients: counts?.recipients ?? 0, residents: counts?.residents ?? 0, digest: counts?.digest ?? 0 };
}

/** The preview's count of the audience, by the same CTEs as the fan-out: per platform, residents and held among them. */
export async function countAudience(
  tx: DbOrTx,
  input: { villageIds: number[]; senderId: number; urgent: boolean; at: string; timezone: string },
): Promise<{
  byPlatform: { platform: string; people: number; residents: number; held: number; first: unknown; last: unknown }[];
  digest: number;
}> {
  if (input.villageIds.length === 0) return { byPlatform: [], digest: 0 };
  const byPlatform = rowsOf<{
    platform: string;
    people: number;
    residents: number;
    held: number;
    first: unknown;
    last: unknown;
  }>(
    await tx.execute(sql`
          with ${audienceCtes(input)}
          select platform, count(*)::int as people,
            (count(*) filter (where ${holdsNoRole(sql.raw('timed.member_id'))}))::int as residents,
            count(held)::int as held, min(held) as first, max(held) as last
          from timed group by platform`),
  );
  const [digestRow] = rowsOf<{ digest: number }>(
    await tx.execute(sql`
          with ${audienceCtes(input)}
          select count(*)::int as digest from chosen where digest`),
  );
  return { byPlatform, digest: digestRow?.digest ?? 0 };
}

/** The group chats linked to these villages, by platform. */
export async function countVillageChats(
  tx: DbOrTx,
  villageIds: number[],
): Promise<{ platform: string; count: number }[]> {
  if (villageIds.length === 0) return [];
  const rows = await tx
    .select({ platform: groupChats.platform, count: count() })
    .from(groupChats)
    .where(and(inArray(groupChats.villageId, villageIds), isNotNull(groupChats.villageId)))
    .groupBy(groupChats.platform);
  return rows.map((r) => ({ platform: r.platform, count: Number(r.count) }));
}
