import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { outbox } from '../../db/schema/index.ts';

/** LINE takes 500 recipients a request. */
const BATCH = 500;

/**
 * One delivery per person of an audience, written in bulk in one statement (37,000 residents is one county's
 * broadcast), so that no recipient travels through the process and what the caller counts is exactly the rows written
 * (one snapshot). The caller gives its audience as SQL common table expressions, one of which, `timed`, has a row per
 * person: `member_id`, `platform`, `platform_user_id` (their chosen identity) and `held` (when their quiet hours end,
 * or null). `tally` is the statement's final select: what the caller counts, from its CTEs.
 *
 * Recipients of one platform and one send time share batch keys of at most 500
 * (`broadcast:<id>:<platform>:<held ISO | now>:<n>`, n counting 500s in member order), so that the engine can reach
 * them with one platform request per batch; the platform's retry keys derive from them.
 */
export async function enqueueBroadcastAudience(
  tx: DbOrTx,
  input: { broadcastId: number; audience: SQL; tally: SQL; sealed: string; now: string },
): Promise<unknown> {
  const { broadcastId: id, now } = input;
  return tx.execute(sql`
    with ${input.audience},
    written as (
      insert into ${outbox} (dedupe_key, batch_key, platform, chat_type, chat_id, member_id, purpose, broadcast_id, messages_enc, next_attempt_at, created_at)
      select 'broadcast:' || ${id}::int || ':member:' || member_id,
        'broadcast:' || ${id}::int || ':' || platform || ':' || coalesce(to_char(held at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'now')
          || ':' || (row_number() over (partition by platform, held order by member_id) - 1) / ${BATCH}::int,
        platform, 'direct', platform_user_id, member_id, 'broadcast', ${id}::int, ${input.sealed}::text, coalesce(held, ${now}::timestamptz), ${now}::timestamptz
      from timed
      order by member_id -- ids in member order: a batch's rows are contiguous, and the worker claims them whole
      on conflict (dedupe_key) do nothing
    )
    ${input.tally}`);
}
