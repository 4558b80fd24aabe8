import { sql, type SQL } from 'drizzle-orm';
import { identities } from '../../db/schema/index.ts';

/**
 * The one rule for "which of a person's platforms comes first": every place that picks a member's identity (a message
 * to them, a broadcast's fan-out, the fallback after a permanent failure, a notice's expected platform) orders by it,
 * so that the first platform tried is always the one a fallback starts after.
 *
 * 1. the order the person chose in 설정 (`identities.rank`, 1 first; never chosen: after every chosen one);
 * 2. the platform's tier: chat platforms first, then the platforms listed in PLATFORM_TIERS (a phone call or SMS costs
 *    the county money and reaches a person who may be busy: it is the fallback, unless the person put it first);
 * 3. the account they wrote from most recently (never seen: last);
 * 4. the oldest identity (the lowest id), so that two runs pick the same one.
 */

/** Platforms that come after the chat platforms unless chosen (higher: later). Data, not conditions in code. */
export const PLATFORM_TIERS: Readonly<Record<string, number>> = { phone: 1 };

export function tierOf(platform: string): number {
  return PLATFORM_TIERS[platform] ?? 0;
}

/** What the rule reads of an identity. */
export type RankedIdentity = { id: number; platform: string; rank: number | null; lastSeenAt: Date | null };

/** The rule in JS (tests, and lists already loaded): negative when `a` comes first. */
export function compareIdentities(a: RankedIdentity, b: RankedIdentity): number {
  const rank = (a.rank ?? Number.POSITIVE_INFINITY) - (b.rank ?? Number.POSITIVE_INFINITY);
  if (rank !== 0 && !Number.isNaN(rank)) return rank;
  const tier = tierOf(a.platform) - tierOf(b.platform);
  if (tier !== 0) return tier;
  const seen =
    (b.lastSeenAt?.getTime() ?? Number.NEGATIVE_INFINITY) - (a.lastSeenAt?.getTime() ?? Number.NEGATIVE_INFINITY);
  if (seen !== 0 && !Number.isNaN(seen)) return seen;
  return a.id - b.id;
}

/** Platform names become SQL literals: only plain identifiers are allowed in the table above. */
function tierCase(platformColumn: SQL): SQL {
  const entries = Object.entries(PLATFORM_TIERS);
  if (entries.length === 0) return sql`0`;
  const whens = entries.map(([platform, tier]) => {
    if (!/^[a-z][a-z0-9_-]*$/.test(platform) || !Number.isInteger(tier)) throw new Error(`bad tier ${platform}`);
    return sql.raw(`when '${platform}' then ${tier}`);
  });
  return sql`(case ${platformColumn} ${sql.join(whens, sql` `)} else 0 end)`;
}

/** For `.orderBy(...identityOrder())` in a query over `identities`. */
export function identityOrder(): SQL[] {
  return [
    sql`${identities.rank} asc nulls last`,
    sql`${tierCase(sql`${identities.platform}`)} asc`,
    sql`${identities.lastSeenAt} desc nulls last`,
    sql`${identities.id} asc`,
  ];
}

/** The same rule for a hand-written statement whose identities row is aliased (e.g. `i`): one ORDER BY list. */
export function identityOrderRaw(alias: string): SQL {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`bad alias ${alias}`);
  const column = (name: string) => sql.raw(`${alias}.${name}`);
  return sql`${column('rank')} asc nulls last, ${tierCase(column('platform'))} asc, ${column('last_seen_at')} desc nulls last, ${column('id')} asc`;
}
