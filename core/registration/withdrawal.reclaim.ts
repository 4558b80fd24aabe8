import type { Db } from '../../db/db.client.ts';
import { errorSummary } from '../error.summary.ts';
import type { Logger } from '../logger.port.ts';
import { rewriteTables } from './withdrawal.repository.ts';

/**
 * Erasing a value in PostgreSQL leaves the old row version in the table file until the page is rewritten; on the
 * embedded database there is no autovacuum, and the key that decrypts the bodies lies in the same DATA_DIR. So after
 * a withdrawal the touched tables are rewritten (VACUUM FULL: only live rows are copied, the old file is emptied at
 * commit). VACUUM cannot run inside a transaction: the statement is issued now and PGlite, one connection that runs
 * one transaction at a time, runs it as soon as the withdrawal's transaction has ended (a rollback leaves nothing to
 * reclaim, and the rewrite is harmless). On PostgreSQL autovacuum reclaims the pages; nothing is done here.
 */
const pending = new Set<Promise<void>>();

export const TABLES_TOUCHED_BY_WITHDRAWAL = [
  'registrations',
  'identities',
  'dialog_states',
  'inbound_events',
  'outbox',
  'feedback_items',
  'feedback_messages',
  'workshop_signups',
  'phone_consents',
  'phone_messages',
  'phone_sends',
] as const;

export function reclaimAfterWithdrawal(db: Db, logger: Logger): void {
  const rewrite = rewriteTables(db, TABLES_TOUCHED_BY_WITHDRAWAL);
  if (!rewrite) return;
  const run = rewrite.then(
    () => undefined,
    (error: unknown) => logger.error({ err: errorSummary(error) }, 'reclaiming the pages of a withdrawal failed'),
  );
  pending.add(run);
  void run.finally(() => pending.delete(run));
}

/** Resolves when every reclaim issued so far has run (before the database is closed: shutdown, tests). */
export async function reclaimsDone(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}
