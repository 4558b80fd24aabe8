import { and, asc, eq, gte, inArray, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  assemblyAttendance,
  pollBallots,
  pollOptions,
  pollRoster,
  polls,
  pollVoters,
  registrations,
  roles,
  villages,
} from '../../db/schema/index.ts';
import { holdsNoRole, residentRegistration } from '../members/resident.rule.ts';
import { newBallotId, shuffled } from './votes.secret.ts';

export type Poll = typeof polls.$inferSelect;
export type PollOption = typeof pollOptions.$inferSelect;

export async function insertPoll(
  tx: DbOrTx,
  values: typeof polls.$inferInsert,
  options: { label: string; costKrw?: number | null; proposalId?: number | null }[],
): Promise<{ poll: Poll; options: PollOption[] }> {
  const [poll] = await tx.insert(polls).values(values).returning();
  if (!poll) throw new Error('poll insert returned nothing');
  const inserted = await tx
    .insert(pollOptions)
    .values(options.map((o, i) => ({ pollId: poll.id, position: i + 1, ...o })))
    .returning();
  return { poll, options: inserted.sort((a, b) => a.position - b.position) };
}

export async function insertRoster(tx: DbOrTx, pollId: number, hashes: readonly string[]): Promise<void> {
  if (hashes.length)
    await tx
      .insert(pollRoster)
      .values(hashes.map((mobileHash) => ({ pollId, mobileHash })))
      .onConflictDoNothing();
}

export async function getPoll(tx: DbOrTx, id: number, lock?: 'share' | 'update'): Promise<Poll | undefined> {
  const q = tx.select().from(polls).where(eq(polls.id, id));
  const [row] = lock ? await q.for(lock) : await q;
  return row;
}

export async function optionsOf(tx: DbOrTx, pollId: number): Promise<PollOption[]> {
  return tx.select().from(pollOptions).where(eq(pollOptions.pollId, pollId)).orderBy(asc(pollOptions.position));
}

export async function updatePoll(tx: DbOrTx, id: number, patch: Partial<typeof polls.$inferInsert>): Promise<Poll> {
  const [row] = await tx.update(polls).set(patch).where(eq(polls.id, id)).returning();
  if (!row) throw new Error(`poll ${id} is gone`);
  return row;
}

export async function pollsToOpen(tx: DbOrTx, now: Date): Promise<number[]> {
  const rows = await tx
    .select({ id: polls.id })
    .from(polls)
    .where(and(eq(polls.status, 'scheduled'), lte(polls.opensAt, now)));
  return rows.map((r) => r.id);
}

export async function pollsToClose(tx: DbOrTx, now: Date): Promise<number[]> {
  const rows = await tx
    .select({ id: polls.id })
    .from(polls)
    .where(and(ne(polls.status, 'closed'), lte(polls.closesAt, now)));
  return rows.map((r) => r.id);
}

export async function pollsToMix(tx: DbOrTx): Promise<number[]> {
  const rows = await tx
    .select({ id: polls.id })
    .from(polls)
    .where(and(eq(polls.mixPending, true), ne(polls.status, 'closed')));
  return rows.map((r) => r.id);
}

export async function openPolls(tx: DbOrTx): Promise<Poll[]> {
  return tx.select().from(polls).where(eq(polls.status, 'open')).orderBy(asc(polls.closesAt), asc(polls.id));
}

export async function pollsOfAssembly(tx: DbOrTx, assemblyId: number): Promise<Poll[]> {
  return tx.select().from(polls).where(eq(polls.assemblyId, assemblyId)).orderBy(asc(polls.id));
}

/** Who may vote, as member ids: the residents of the scope, the roster's registered members, or those present. */
export async function electorateOf(tx: DbOrTx, poll: Poll): Promise<number[]> {
  if (poll.electorate === 'list') {
    const rows = await tx
      .selectDistinct({ memberId: registrations.memberId })
      .from(registrations)
      .innerJoin(pollRoster, and(eq(pollRoster.pollId, poll.id), eq(pollRoster.mobileHash, registrations.mobileHash)))
      .where(eq(registrations.status, 'approved'));
    return rows.map((r) => r.memberId);
  }
  return residentMembers(tx, poll.districtCode, poll.electorate === 'attendees' ? poll.assemblyId : null);
}

/** Residents (core/members' rule) of a district, or of the county; only those present at an assembly when given. */
export async function residentMembers(
  tx: DbOrTx,
  districtCode: string | null,
  presentAt: number | null = null,
): Promise<number[]> {
  const rows = await tx
    .selectDistinct({ memberId: registrations.memberId })
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .where(
      and(
        residentRegistration(),
        districtCode ? eq(villages.districtCode, districtCode) : undefined,
        presentAt !== null
          ? inArray(
              registrations.memberId,
              tx
                .select({ m: assemblyAttendance.memberId })
                .from(assemblyAttendance)
                .where(eq(assemblyAttendance.assemblyId, presentAt)),
            )
          : undefined,
      ),
    );
  return rows.map((r) => r.memberId);
}

/** The facts eligibility is decided on, for one member and poll. */
export async function voterFacts(
  tx: DbOrTx,
  poll: Poll,
  memberId: number,
): Promise<{
  registration: { status: string; districtCode: string } | null;
  holdsRole: boolean;
  onRoster: boolean;
  present: boolean;
}> {
  const [reg] = await tx
    .select({ status: registrations.status, districtCode: villages.districtCode, mobileHash: registrations.mobileHash })
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .where(and(eq(registrations.memberId, memberId), inArray(registrations.status, ['pending', 'approved'])))
    .limit(1);
  const [role] = await tx.select({ id: roles.id }).from(roles).where(eq(roles.memberId, memberId)).limit(1);
  const [rostered] =
    poll.electorate === 'list' && reg?.mobileHash
      ? await tx
          .select({ h: pollRoster.mobileHash })
          .from(pollRoster)
          .where(and(eq(pollRoster.pollId, poll.id), eq(pollRoster.mobileHash, reg.mobileHash)))
      : [];
  const [present] =
    poll.assemblyId !== null
      ? await tx
          .select({ m: assemblyAttendance.memberId })
          .from(assemblyAttendance)
          .where(and(eq(assemblyAttendance.assemblyId, poll.assemblyId), eq(assemblyAttendance.memberId, memberId)))
      : [];
  return {
    registration: reg ? { status: reg.status, districtCode: reg.districtCode } : null,
    holdsRole: role !== undefined,
    onRoster: rostered !== undefined,
    present: present !== undefined,
  };
}

/** Marks the member as having voted; false when they already had (the primary key decides, under concurrency too). */
export async function markVoted(tx: DbOrTx, pollId: number, memberId: number): Promise<boolean> {
  const rows = await tx
    .insert(pollVoters)
    .values({ pollId, memberId })
    .onConflictDoNothing()
    .returning({ m: pollVoters.memberId });
  return rows.length > 0;
}

export async function hasVoted(tx: DbOrTx, pollId: number, memberId: number): Promise<boolean> {
  const [row] = await tx
    .select({ m: pollVoters.memberId })
    .from(pollVoters)
    .where(and(eq(pollVoters.pollId, pollId), eq(pollVoters.memberId, memberId)));
  return row !== undefined;
}

export async function addBallot(tx: DbOrTx, pollId: number, choices: number[], receipt: string | null): Promise<void> {
  await tx.insert(pollBallots).values({ id: newBallotId(), pollId, choices, receipt });
}

/** A changeable ballot replaced: found by its receipt only. False when no ballot has it. */
export async function replaceBallot(tx: DbOrTx, pollId: number, receipt: string, choices: number[]): Promise<boolean> {
  const gone = await tx
    .delete(pollBallots)
    .where(and(eq(pollBallots.pollId, pollId), eq(pollBallots.receipt, receipt)))
    .returning({ id: pollBallots.id });
  if (gone.length === 0) return false;
  await addBallot(tx, pollId, choices, receipt);
  return true;
}

export async function countVoters(tx: DbOrTx, pollId: number): Promise<number> {
  return tx.$count(pollVoters, eq(pollVoters.pollId, pollId));
}

export async function countBallots(tx: DbOrTx, pollId: number): Promise<number> {
  return tx.$count(pollBallots, eq(pollBallots.pollId, pollId));
}

export async function ballotChoices(tx: DbOrTx, pollId: number): Promise<number[][]> {
  const rows = await tx
    .select({ choices: pollBallots.choices })
    .from(pollBallots)
    .where(eq(pollBallots.pollId, pollId));
  return rows.map((r) => r.choices);
}

/**
 * The mix: the poll's ballots are deleted and written again in a random order under new random ids, in one
 * statement of this transaction, so that their physical order (ctid) and their transaction id (xmin) no longer follow
 * the order in which people voted. `dropReceipts` at the close: nothing is left that a voter's receipt could find.
 */
export async function mixBallots(tx: DbOrTx, pollId: number, dropReceipts: boolean): Promise<number> {
  const rows = await tx
    .delete(pollBallots)
    .where(eq(pollBallots.pollId, pollId))
    .returning({ choices: pollBallots.choices, receipt: pollBallots.receipt });
  if (rows.length)
    await tx.insert(pollBallots).values(
      shuffled(rows).map((r) => ({
        id: newBallotId(),
        pollId,
        choices: r.choices,
        receipt: dropReceipts ? null : r.receipt,
      })),
    );
  await tx.update(polls).set({ mixPending: false }).where(eq(polls.id, pollId));
  return rows.length;
}

/** Members of a list electorate who are on the roster but not (yet) registered: counted, never named. */
export async function rosterSize(tx: DbOrTx, pollId: number): Promise<number> {
  return tx.$count(pollRoster, eq(pollRoster.pollId, pollId));
}

/** Residents registered in a district (for a quorum), by the one rule of core/members. */
export async function residentsOfDistrict(tx: DbOrTx, districtCode: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(distinct ${registrations.memberId})::int` })
    .from(registrations)
    .innerJoin(villages, eq(villages.id, registrations.villageId))
    .where(
      and(
        eq(registrations.status, 'approved'),
        holdsNoRole(registrations.memberId),
        eq(villages.districtCode, districtCode),
      ),
    );
  return row?.n ?? 0;
}

export async function recentPolls(tx: DbOrTx, limit: number): Promise<Poll[]> {
  return tx
    .select()
    .from(polls)
    .orderBy(sql`${polls.id} desc`)
    .limit(limit);
}

/** Polls open now or closed in a period, of a district (or all, for the county), for the staff digest. */
export async function pollsForDigest(
  tx: DbOrTx,
  input: { districtCode: string | null; since: Date; until: Date },
): Promise<Poll[]> {
  const rows = await tx
    .select()
    .from(polls)
    .where(
      and(
        input.districtCode ? eq(polls.districtCode, input.districtCode) : undefined,
        or(eq(polls.status, 'open'), and(gte(polls.closedAt, input.since), lt(polls.closedAt, input.until))),
      ),
    )
    .orderBy(asc(polls.id));
  return rows;
}
