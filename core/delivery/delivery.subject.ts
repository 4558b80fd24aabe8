import { and, count, eq, inArray, isNotNull, like, lte, max, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/db.client.ts';
import { deliveryRequests, outbox } from '../../db/schema/index.ts';
import { eventKeyPrefix, startingWith, workshopVersionPrefix } from './delivery.keys.ts';
import type { Purpose } from './delivery.purpose.ts';
import type { subjectKinds } from '../../db/schema/messaging.schema.ts';

/**
 * What features ask of delivery about what they sent: by subject (the thing a message is about), by recipient, by
 * key. Only core/delivery/ reads the outbox (test/unit/delivery.port.test.ts); how a subject is stored (a kind and
 * an id on each row, `subject_kind`/`subject_id`, or a key prefix for a workshop's version) stays in here.
 */

/** Subjects whose deliveries are counted and found: a broadcast's rows, a notice's, one version of a workshop's. */
export type Subject =
  | { kind: 'broadcast'; id: number }
  | { kind: 'notice'; id: number }
  | { kind: 'workshop'; id: number; version: number };

/** The kinds of subject stored on each row as a kind and an id (reach is counted by them). */
export type CountedKind = (typeof subjectKinds)[number];
/** A subject stored on the row: what enqueue takes (outbox.write.ts). */
export type CountedSubject = { kind: CountedKind; id: number };

const UNSENT = ['queued', 'retrying'] as const;

function ofKind(kind: CountedKind, ids: number[]): SQL {
  return and(eq(outbox.subjectKind, kind), inArray(outbox.subjectId, ids)) as SQL;
}

function ofSubject(subject: Subject): SQL {
  if (subject.kind === 'workshop')
    return like(
      outbox.dedupeKey,
      startingWith(workshopVersionPrefix({ workshopId: subject.id, version: subject.version })),
    );
  return ofKind(subject.kind, [subject.id]);
}

/**
 * Withdraws what is queued for a subject and not yet handed to a platform (held for quiet hours, waiting its time): it
 * is never sent. A row a worker holds at this moment (in a batch or lease it owns) is left to finish. Returns how many
 * were withdrawn.
 */
export async function withdrawQueued(input: { tx: DbOrTx; subject: Subject }): Promise<number> {
  const withdrawn = await input.tx
    .delete(outbox)
    .where(
      and(
        ofSubject(input.subject),
        eq(outbox.status, 'queued'),
        sql`not exists (select 1 from ${deliveryRequests} r where r.status = 'pending' and r.owner is not null and ${outbox.id} = any(r.row_ids))`,
      ),
    )
    .returning({ id: outbox.id });
  return withdrawn.length;
}

export type Reach = { subjectId: number; platform: string; status: string; fallback: boolean; n: number };

/**
 * The reach of these subjects: their deliveries to people (not to group chats) by platform, status and whether they
 * were a fallback. `recipientsIn` narrows it to recipients among a set of member ids (a subquery: those of a scope).
 */
export async function reachOf(input: {
  tx: DbOrTx;
  kind: CountedKind;
  ids: number[];
  recipientsIn?: SQLWrapper | undefined;
}): Promise<Reach[]> {
  if (input.ids.length === 0) return [];
  const subject = outbox.subjectId;
  const fallback = sql<boolean>`${outbox.fallbackOf} is not null`;
  const rows = await input.tx
    .select({ subjectId: subject, platform: outbox.platform, status: outbox.status, fallback, n: count() })
    .from(outbox)
    .where(
      and(
        ofKind(input.kind, input.ids),
        eq(outbox.chatType, 'direct'),
        input.recipientsIn ? inArray(outbox.memberId, input.recipientsIn) : undefined,
      ),
    )
    .groupBy(subject, outbox.platform, outbox.status, fallback);
  return rows.map((r) => ({ ...r, subjectId: r.subjectId ?? 0, n: Number(r.n) }));
}

/**
 * The reach of one subject in one statement, grouped by something of each recipient the caller knows and delivery
 * does not (a resident's village): `groupOf` turns the row's member id into that group, as SQL.
 */
export async function reachGrouped(input: {
  tx: DbOrTx;
  kind: CountedKind;
  id: number;
  groupOf: (memberId: SQL) => SQL<number | null>;
}): Promise<(Omit<Reach, 'subjectId'> & { group: number | null })[]> {
  const fallback = sql<boolean>`${outbox.fallbackOf} is not null`;
  const rows = await input.tx
    .select({
      group: input.groupOf(sql`${outbox.memberId}`),
      platform: outbox.platform,
      status: outbox.status,
      fallback,
      n: count(),
    })
    .from(outbox)
    .where(and(ofKind(input.kind, [input.id]), eq(outbox.chatType, 'direct')))
    // By position: the group is an expression of the caller's, written once.
    .groupBy(sql.raw('1'), outbox.platform, outbox.status, fallback);
  return rows.map((r) => ({ ...r, group: r.group === null ? null : Number(r.group), n: Number(r.n) }));
}

/** Of these subjects, those with a delivery still waiting to go out (queued or retrying). */
export async function stillQueued(input: { tx: DbOrTx; kind: CountedKind; ids: number[] }): Promise<Set<number>> {
  if (input.ids.length === 0) return new Set();
  const rows = await input.tx
    .selectDistinct({ id: outbox.subjectId })
    .from(outbox)
    .where(and(ofKind(input.kind, input.ids), inArray(outbox.status, [...UNSENT])));
  return new Set(rows.map((r) => r.id ?? 0));
}

/** The members each of these subjects reached (a delivery sent to them), optionally of one purpose only. */
export async function reachedMembers(input: {
  tx: DbOrTx;
  kind: CountedKind;
  ids: number[];
  purpose?: Purpose;
}): Promise<{ subjectId: number; memberId: number }[]> {
  if (input.ids.length === 0) return [];
  const rows = await input.tx
    .selectDistinct({ subjectId: outbox.subjectId, memberId: outbox.memberId })
    .from(outbox)
    .where(
      and(
        ofKind(input.kind, input.ids),
        input.purpose ? eq(outbox.purpose, input.purpose) : undefined,
        eq(outbox.status, 'sent'),
        isNotNull(outbox.memberId),
      ),
    );
  return rows.map((r) => ({ subjectId: r.subjectId ?? 0, memberId: r.memberId ?? 0 }));
}

/** Of these subjects, those that wrote a delivery to this member, whatever became of it. */
export async function subjectsWrittenTo(input: {
  tx: DbOrTx;
  kind: CountedKind;
  ids: number[];
  memberId: number;
}): Promise<Set<number>> {
  if (input.ids.length === 0) return new Set();
  const rows = await input.tx
    .selectDistinct({ id: outbox.subjectId })
    .from(outbox)
    .where(and(ofKind(input.kind, input.ids), eq(outbox.memberId, input.memberId)));
  return new Set(rows.map((r) => r.id ?? 0));
}

/** When each of these members was last written a message of this purpose (members never written one are absent). */
export async function lastWrittenTo(input: {
  tx: DbOrTx;
  memberIds: number[];
  purpose: Purpose;
}): Promise<Map<number, Date>> {
  if (input.memberIds.length === 0) return new Map();
  const rows = await input.tx
    .select({ memberId: outbox.memberId, at: max(outbox.createdAt) })
    .from(outbox)
    .where(and(eq(outbox.purpose, input.purpose), inArray(outbox.memberId, input.memberIds)))
    .groupBy(outbox.memberId);
  return new Map(rows.flatMap((r) => (r.memberId !== null && r.at ? [[r.memberId, new Date(r.at)] as const] : [])));
}

/** Which of these dedupe keys were written already (a job run again adds nothing, and need not build them again). */
export async function writtenKeys(input: { tx: DbOrTx; keys: string[] }): Promise<Set<string>> {
  if (input.keys.length === 0) return new Set();
  const rows = await input.tx
    .select({ key: outbox.dedupeKey })
    .from(outbox)
    .where(inArray(outbox.dedupeKey, input.keys));
  return new Set(rows.map((r) => r.key));
}

/** The delivery written under this dedupe key: its id, by which a feature refers to it later. */
export async function deliveryIdOf(input: { tx: DbOrTx; dedupeKey: string }): Promise<number | null> {
  const [row] = await input.tx.select({ id: outbox.id }).from(outbox).where(eq(outbox.dedupeKey, input.dedupeKey));
  return row?.id ?? null;
}

/** The platform's message id of each of these deliveries once sent (what a correction edits). */
export async function platformMessageIds(input: { tx: DbOrTx; ids: number[] }): Promise<Map<number, string>> {
  if (input.ids.length === 0) return new Map();
  const rows = await input.tx
    .select({ id: outbox.id, messageId: outbox.platformMessageId })
    .from(outbox)
    .where(and(inArray(outbox.id, input.ids), isNotNull(outbox.platformMessageId)));
  return new Map(rows.map((r) => [r.id, r.messageId ?? '']));
}

/**
 * How many deliveries to one platform that an inbound event caused are due and not yet sent: the simulator answers
 * once this is 0 (a pass may have claimed them a moment before its own flush, and still be sending).
 */
export async function unsentOfEvent(input: {
  tx: DbOrTx;
  platform: string;
  eventId: string;
  now: Date;
}): Promise<number> {
  const [pending] = await input.tx
    .select({ n: count() })
    .from(outbox)
    .where(
      and(
        like(outbox.dedupeKey, startingWith(eventKeyPrefix({ platform: input.platform, eventId: input.eventId }))),
        eq(outbox.platform, input.platform),
        inArray(outbox.status, [...UNSENT]),
        lte(outbox.nextAttemptAt, input.now),
      ),
    );
  return Number(pending?.n ?? 0);
}

/** The delivery queue and its history by platform and status, for /metrics (no personal data: counts only). */
export async function queueDepth(input: { tx: DbOrTx }): Promise<{ platform: string; status: string; n: number }[]> {
  const rows = await input.tx
    .select({ platform: outbox.platform, status: outbox.status, n: count() })
    .from(outbox)
    .groupBy(outbox.platform, outbox.status);
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}
