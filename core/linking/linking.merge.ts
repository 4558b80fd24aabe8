import { eq, getTableColumns, getTableName, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/db.client.ts';
import {
  appointments,
  assemblies,
  assemblyAttendance,
  assemblyCheckInAttempts,
  auditLog,
  broadcasts,
  budgetProposals,
  budgetRounds,
  certificates,
  checkInAttempts,
  consoleLoginLinks,
  consoleSessions,
  feedbackItems,
  feedbackMessages,
  identities,
  linkCodes,
  members,
  noticeRecipients,
  noticeRelays,
  notices,
  phoneCalls,
  phoneConsents,
  phoneMessages,
  polls,
  pollVoters,
  proxyRegistrations,
  registrations,
  reports,
  roles,
  workshopSignups,
  workshops,
} from '../../db/schema/index.ts';
import { reassignMemberDeliveries } from '../delivery/outbox.members.ts';

/**
 * The merge of 연결: two members become one, in the caller's transaction. Every column that names a member is listed
 * here with what a merge does to it; test/linking.schema.test.ts compares the list with the schema's foreign keys to
 * `members`, so a new table (or column) with a member in it fails there until it is handled here.
 */
type Move = { table: PgTable; column: PgColumn; how: (tx: DbOrTx, from: number, into: number) => Promise<void> };

const moveColumn = (table: PgTable, column: PgColumn): Move => ({
  table,
  column,
  how: async (tx, from, into) => {
    const key = Object.entries(getTableColumns(table)).find(([, c]) => c === column)?.[0];
    if (!key) throw new Error(`${getTableName(table)} has no column ${column.name}`);
    await tx
      .update(table)
      .set({ [key]: into })
      .where(eq(column, from));
  },
});

/**
 * Where a member may hold a thing once (a unique key or primary key with the member in it), the better row of the two
 * members' is kept (`better` orders them, the first is kept), the other deleted, then the rest moved. Rows are named
 * by `ctid`, so that tables without an id column (a composite key) are handled alike.
 */
const moveKeepingOne = (table: PgTable, column: PgColumn, partition: SQL, better: (into: number) => SQL): Move => ({
  table,
  column,
  how: async (tx, from, into) => {
    await tx.execute(sql`delete from ${table} where ctid in (
      select ctid from (
        select ctid, row_number() over (partition by ${partition} order by ${better(into)}) as n
        from ${table} where ${column} in (${from}, ${into})
      ) ranked where n > 1)`);
    await moveColumn(table, column).how(tx, from, into);
  },
});

/** The kept member's row first (their consent, their choice), then the older row. */
const keptFirst = (column: PgColumn) => (into: number) => sql`(${column} = ${into}) desc`;

export const MEMBER_REFERENCES: readonly Move[] = [
  {
    table: identities,
    column: identities.memberId,
    // The accounts joining come after those the person already put in order (설정), until they choose again.
    how: async (tx, from, into) => {
      await tx.update(identities).set({ memberId: into, rank: null }).where(eq(identities.memberId, from));
    },
  },
  moveKeepingOne(
    roles,
    roles.memberId,
    sql`${roles.role}, ${roles.villageId}, ${roles.districtCode}`,
    () => sql`${roles.grantedAt}, ${roles.id}`,
  ),
  // Two open registrations are never merged (linking.rules.ts chooseKeeper): the closed ones are history, all kept.
  moveColumn(registrations, registrations.memberId),
  moveColumn(registrations, registrations.decidedBy),
  moveColumn(appointments, appointments.claimedBy),
  moveColumn(notices, notices.createdBy),
  moveKeepingOne(
    noticeRecipients,
    noticeRecipients.headMemberId,
    sql`${noticeRecipients.noticeId}, ${noticeRecipients.villageId}`,
    () => sql`${noticeRecipients.acknowledgedAt} asc nulls last, ${noticeRecipients.id}`,
  ),
  moveColumn(noticeRelays, noticeRelays.relayedBy),
  moveColumn(reports, reports.authorMemberId),
  moveColumn(reports, reports.answeredBy),
  moveColumn(broadcasts, broadcasts.createdBy),
  moveColumn(workshops, workshops.createdBy),
  // One sign-up a workshop: the one not cancelled, else the earlier (its place in the queue).
  moveKeepingOne(
    workshopSignups,
    workshopSignups.memberId,
    sql`${workshopSignups.workshopId}`,
    () => sql`(${workshopSignups.status} = 'cancelled'), ${workshopSignups.createdAt}, ${workshopSignups.id}`,
  ),
  moveColumn(workshopSignups, workshopSignups.markedBy),
  {
    table: checkInAttempts,
    column: checkInAttempts.memberId,
    // One row a person and day: the wrong codes of both accounts add up (the limit is the person's).
    how: async (tx, from, into) => {
      await tx.execute(sql`insert into ${checkInAttempts} (member_id, day, wrong, last_at)
        select ${into}, day, wrong, last_at from ${checkInAttempts} where member_id = ${from}
        on conflict (member_id, day) do update set wrong = ${checkInAttempts}.wrong + excluded.wrong,
          last_at = greatest(${checkInAttempts}.last_at, excluded.last_at)`);
      await tx.delete(checkInAttempts).where(eq(checkInAttempts.memberId, from));
    },
  },
  moveColumn(certificates, certificates.memberId),
  moveColumn(feedbackItems, feedbackItems.memberId),
  moveColumn(feedbackItems, feedbackItems.assignedTo),
  moveColumn(feedbackMessages, feedbackMessages.authorMemberId),
  {
    table: linkCodes,
    column: linkCodes.memberId,
    // The code just used, and any other of either member: linking is done.
    how: async (tx, from, into) => {
      await tx.delete(linkCodes).where(inArray(linkCodes.memberId, [from, into]));
    },
  },
  // Phone (issue 17): the consent goes with the registration's number, so the kept member's is kept.
  moveKeepingOne(phoneConsents, phoneConsents.memberId, sql`1`, keptFirst(phoneConsents.memberId)),
  moveColumn(proxyRegistrations, proxyRegistrations.registeredBy),
  moveColumn(phoneMessages, phoneMessages.memberId),
  moveKeepingOne(
    phoneCalls,
    phoneCalls.memberId,
    sql`${phoneCalls.broadcastId}, ${phoneCalls.attempt}`,
    keptFirst(phoneCalls.memberId),
  ),
  // Votes and assemblies: one voter row a poll, one attendance an assembly (the earlier check-in).
  moveColumn(polls, polls.createdBy),
  moveKeepingOne(pollVoters, pollVoters.memberId, sql`${pollVoters.pollId}`, keptFirst(pollVoters.memberId)),
  moveColumn(budgetRounds, budgetRounds.createdBy),
  moveColumn(budgetProposals, budgetProposals.memberId),
  moveColumn(budgetProposals, budgetProposals.decidedBy),
  moveColumn(assemblies, assemblies.createdBy),
  moveKeepingOne(
    assemblyAttendance,
    assemblyAttendance.memberId,
    sql`${assemblyAttendance.assemblyId}`,
    () => sql`${assemblyAttendance.checkedInAt}`,
  ),
  moveKeepingOne(
    assemblyCheckInAttempts,
    assemblyCheckInAttempts.memberId,
    sql`${assemblyCheckInAttempts.assemblyId}`,
    () => sql`${assemblyCheckInAttempts.wrong} desc`,
  ),
  // The same person acted: the record names the member they now are.
  moveColumn(auditLog, auditLog.actorMemberId),
  moveColumn(consoleLoginLinks, consoleLoginLinks.memberId),
  moveColumn(consoleSessions, consoleSessions.memberId),
];

/** The deliveries' member columns are delivery's own (core/delivery/outbox.members.ts); named here for the check. */
export const DELIVERY_MEMBER_COLUMNS = ['outbox.memberId', 'outbox.aboutMemberId'] as const;

export function referenceNames(): string[] {
  return [...MEMBER_REFERENCES.map((m) => `${getTableName(m.table)}.${m.column.name}`), ...DELIVERY_MEMBER_COLUMNS];
}

/** `from` becomes `into`: every reference moved, then the absorbed member row deleted. */
export async function mergeMembers(tx: DbOrTx, from: number, into: number): Promise<void> {
  for (const move of MEMBER_REFERENCES) await move.how(tx, from, into);
  await reassignMemberDeliveries({ tx, from, into });
  await tx.delete(members).where(eq(members.id, from));
}
