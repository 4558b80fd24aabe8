import { type SQL, sql } from 'drizzle-orm';
import { identities, members, registrations } from '../../db/schema/index.ts';

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
  return sql`
    chosen as (
      select distinct on (r.member_id) r.member_id, i.platform, i.platform_user_id, m.quiet_start, m.quiet_end,
        m.broadcast_mode = 'digest' and not ${input.urgent}::boolean as digest
      from ${registrations} r
      join ${members} m on m.id = r.member_id
      join ${identities} i on i.member_id = r.member_id and i.reachable
      where r.village_id = any(${`{${input.villageIds.join(',')}}`}::int[]) and r.status = 'approved' and r.member_id <> ${input.senderId}::int
      order by r.member_id, i.last_seen_at desc nulls last, i.id
    ),
    clock as (
      select (extract(hour from local) * 60 + extract(minute from local))::int as minute, floor(extract(epoch from at) / 60)::bigint * 60 as epoch
      from (select ${input.at}::timestamptz as at, ${input.at}::timestamptz at time zone ${input.timezone}::text as local) t
    ),
    timed as (
      select c.member_id, c.platform, c.platform_user_id,
        case when not ${input.urgent}::boolean and w.s <> w.e
          and (case when w.s < w.e then k.minute >= w.s and k.minute < w.e else k.minute >= w.s or k.minute < w.e end)
        then to_timestamp(k.epoch + (w.e - k.minute + 1440) % 1440 * 60) end as held
      from chosen c cross join clock k
      cross join lateral (select ${minutes('c.quiet_start')} as s, ${minutes('c.quiet_end')} as e) w
      where not c.digest
    )`;
}

/** A raw statement's rows: postgres.js answers an array of them, PGlite an object that holds them. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}
