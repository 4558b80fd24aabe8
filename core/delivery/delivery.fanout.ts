import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { deliveryRequests, outbox } from '../../db/schema/index.ts';
import { requestLimitsByPlatform } from '../channel/platform.facts.ts';

/** Recipients of one batch at most where the platform registered no request limit (LINE takes 500 a multicast). */
export const FANOUT_BATCH = 500;

/** A batch's size on each platform: what one request of that platform takes, as its channel registered it. */
function batchSize(): SQL {
  const limits = [...requestLimitsByPlatform()];
  if (limits.length === 0) return sql`${FANOUT_BATCH}::int`;
  const cases = limits.map(([platform, limit]) => sql`when ${platform}::text then ${limit}::int`);
  return sql`(case platform ${sql.join(cases, sql` `)} else ${FANOUT_BATCH}::int end)`;
}

/**
 * One delivery per person of an audience, written in bulk in one statement (37,000 residents is one county's
 * broadcast), so that no recipient travels through the process and what the caller counts is exactly the rows written
 * (one snapshot). The caller gives its audience as SQL common table expressions, one of which, `timed`, has a row per
 * person: `member_id`, `platform`, `platform_user_id` (their chosen identity) and `held` (when their quiet hours end,
 * or null). `tally` is the statement's final select: what the caller counts, from its CTEs.
 *
 * Recipients of one platform and one send time share batch keys of at most one platform request's recipients (LINE
 * 500, SOLAPI 10,000; `broadcast:<id>:<platform>:<held ISO | now>:<n>`, n counting batches in member order), and the same statement writes
 * each batch's one request (`delivery_requests`, kind `batch`): its rows, due when they are, and a retry key of its
 * own. The request is thereby decided before anything is sent, and claiming a batch later writes that one row, not
 * its 500 (delivery.claim.ts). Whether the platform takes it as one request is the worker's business (a platform
 * without multicast gets the batch's rows one by one, each under its own key).
 */
export async function enqueueBroadcastAudience(
  tx: DbOrTx,
  input: { broadcastId: number; audience: SQL; tally: SQL; sealed: string; now: string },
): Promise<unknown> {
  const { broadcastId: id, now } = input;
  return tx.execute(sql`
    with ${input.audience},
    written as (
      insert into ${outbox} (dedupe_key, batch_key, platform, chat_type, chat_id, member_id, purpose, subject_kind, subject_id, messages_enc, next_attempt_at, created_at)
      select 'broadcast:' || ${id}::int || ':member:' || member_id,
        'broadcast:' || ${id}::int || ':' || platform || ':' || coalesce(to_char(held at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'now')
          || ':' || (row_number() over (partition by platform, held order by member_id) - 1) / ${batchSize()},
        platform, 'direct', platform_user_id, member_id, 'broadcast', 'broadcast', ${id}::int, ${input.sealed}::text, coalesce(held, ${now}::timestamptz), ${now}::timestamptz
      from timed
      order by member_id -- ids in member order: a batch's rows are contiguous
      on conflict (dedupe_key) do nothing
      returning id, batch_key, platform, next_attempt_at
    ),
    batched as (
      insert into ${deliveryRequests} (kind, platform, row_ids, recipients, next_attempt_at, created_at)
      select 'batch', platform, array_agg(id order by id), count(*)::int, min(next_attempt_at), ${now}::timestamptz
      from written group by platform, batch_key order by min(id)
    )
    ${input.tally}`);
}
