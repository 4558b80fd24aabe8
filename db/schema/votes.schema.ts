import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { members } from './members.schema.ts';
import { districts } from './places.schema.ts';

/**
 * Votes (투표): polls with secret ballots, participatory budget rounds (주민참여예산) and resident assemblies (주민총회).
 * Who voted (`poll_voters`) and what was voted (`poll_ballots`) are kept apart with nothing that links them: see the
 * README, "Votes (투표)", for the threat model.
 */

export const pollKinds = ['poll', 'budget', 'agenda'] as const;
export const pollElectorates = ['residents', 'list', 'attendees'] as const;
export const pollStatuses = ['scheduled', 'open', 'closed'] as const;

export const polls = pgTable(
  'polls',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    kind: text({ enum: pollKinds }).notNull().default('poll'),
    question: text().notNull(),
    /** The scope whose staff run it and whose residents vote (residents electorate); null: the whole county. */
    districtCode: text().references(() => districts.code),
    /** residents: approved residents of the scope; list: the imported roster; attendees: checked in at the assembly. */
    electorate: text({ enum: pollElectorates }).notNull(),
    minChoices: integer().notNull().default(1),
    maxChoices: integer().notNull().default(1),
    /** A ballot may be replaced until the close (through the voter's receipt, see votes.secret.ts). */
    allowChange: boolean().notNull().default(false),
    opensAt: timestamp({ withTimezone: true }).notNull(),
    closesAt: timestamp({ withTimezone: true }).notNull(),
    status: text({ enum: pollStatuses }).notNull().default('scheduled'),
    /** Encrypted per-poll key of the receipts of changeable ballots; erased at the close (then nothing can link). */
    receiptKeyEnc: text(),
    /** Set by a vote, cleared by the mix that rewrites the poll's ballots in random order. */
    mixPending: boolean().notNull().default(false),
    budgetRoundId: integer(),
    assemblyId: integer(),
    /** At the close: voters and ballots counted (they must be equal) and the tally by option id. */
    votersAtClose: integer(),
    ballotsAtClose: integer(),
    tally: jsonb().$type<Record<string, number>>(),
    createdBy: integer().references(() => members.id),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    openedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('polls_status_idx').on(t.status, t.opensAt)],
);

export const pollOptions = pgTable(
  'poll_options',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    pollId: integer()
      .notNull()
      .references(() => polls.id),
    position: integer().notNull(),
    label: text().notNull(),
    /** A participatory-budget project's estimated cost (KRW). */
    costKrw: bigint({ mode: 'number' }),
    proposalId: integer(),
  },
  (t) => [index('poll_options_poll_idx').on(t.pollId)],
);

/** A named electorate (the 읍장 추천 committee): mobile numbers by blind index, matched to registrations. */
export const pollRoster = pgTable(
  'poll_roster',
  {
    pollId: integer()
      .notNull()
      .references(() => polls.id),
    mobileHash: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.mobileHash] })],
);

/** Who has voted: one row per member and poll, and nothing else (no time, no ballot). */
export const pollVoters = pgTable(
  'poll_voters',
  {
    pollId: integer()
      .notNull()
      .references(() => polls.id),
    memberId: integer()
      .notNull()
      .references(() => members.id),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.memberId] })],
);

/**
 * What was voted: a random id, the poll, the option ids chosen; no member, no time, no sequence. `receipt` only for a
 * changeable poll while it is open (an HMAC under the poll's receipt key), cleared at the close.
 */
export const pollBallots = pgTable(
  'poll_ballots',
  {
    id: uuid().primaryKey(),
    pollId: integer()
      .notNull()
      .references(() => polls.id),
    choices: integer().array().notNull(),
    receipt: text(),
  },
  (t) => [index('poll_ballots_poll_idx').on(t.pollId)],
);

export const budgetRoundStatuses = ['proposals', 'screening', 'voting', 'closed'] as const;

/** A participatory-budget round of one district: proposals, screening, a vote, results funded in order. */
export const budgetRounds = pgTable('budget_rounds', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  title: text().notNull(),
  districtCode: text()
    .notNull()
    .references(() => districts.code),
  budgetKrw: bigint({ mode: 'number' }).notNull(),
  proposalsCloseAt: timestamp({ withTimezone: true }).notNull(),
  votingOpensAt: timestamp({ withTimezone: true }).notNull(),
  votingClosesAt: timestamp({ withTimezone: true }).notNull(),
  /** Decidim's vote rules beside "within the budget": a minimum and maximum number of projects. */
  minProjects: integer().notNull().default(1),
  maxProjects: integer(),
  status: text({ enum: budgetRoundStatuses }).notNull().default('proposals'),
  pollId: integer().references(() => polls.id),
  createdBy: integer().references(() => members.id),
  createdAt: timestamp({ withTimezone: true }).notNull(),
});

export const proposalStatuses = ['submitted', 'accepted', 'rejected'] as const;

export const budgetProposals = pgTable(
  'budget_proposals',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    roundId: integer()
      .notNull()
      .references(() => budgetRounds.id),
    /** Null once the proposer withdrew (탈퇴): the proposal stays the district's, without its author. */
    memberId: integer().references(() => members.id),
    title: text().notNull(),
    description: text().notNull(),
    costKrw: bigint({ mode: 'number' }).notNull(),
    status: text({ enum: proposalStatuses }).notNull().default('submitted'),
    rejectReason: text(),
    decidedBy: integer().references(() => members.id),
    decidedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('budget_proposals_round_idx').on(t.roundId, t.status)],
);

/** A resident assembly (주민총회) of one district: its agenda items are polls open during its window. */
export const assemblies = pgTable('assemblies', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  title: text().notNull(),
  districtCode: text()
    .notNull()
    .references(() => districts.code),
  place: text().notNull(),
  startsAt: timestamp({ withTimezone: true }).notNull(),
  endsAt: timestamp({ withTimezone: true }).notNull(),
  checkInCode: text().notNull(),
  /** Quorum as a share of the district's registered residents (percent). */
  quorumPercent: integer().notNull().default(10),
  createdBy: integer().references(() => members.id),
  createdAt: timestamp({ withTimezone: true }).notNull(),
  /** At the end: the residents registered and those present, as reported. */
  residentsAtClose: integer(),
  attendedAtClose: integer(),
  closedAt: timestamp({ withTimezone: true }),
});

export const assemblyAttendance = pgTable(
  'assembly_attendance',
  {
    assemblyId: integer()
      .notNull()
      .references(() => assemblies.id),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    checkedInAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.assemblyId, t.memberId] })],
);

/** Wrong assembly check-in codes per person and assembly: after 5, only the staff at the venue can help. */
export const assemblyCheckInAttempts = pgTable(
  'assembly_check_in_attempts',
  {
    assemblyId: integer()
      .notNull()
      .references(() => assemblies.id),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    wrong: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.assemblyId, t.memberId] })],
);
