import { and, eq, isNotNull, isNull, lt, lte, ne, or } from 'drizzle-orm';
import { feedbackItems, identities, registrations } from '../../db/schema/index.ts';
import type { CoreDeps } from '../core.deps.ts';
import { errorSummary } from '../error.summary.ts';
import { scrubForModel } from '../privacy/privacy.mask.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { categoryKo, firstSentence, triageByRules, type Triage } from './feedback.rules.ts';
import { staffCard, tellStaff } from './feedback.notify.ts';

/**
 * The model's side of triage. It is only ever given text from which names, numbers and addresses were removed
 * (here, before the call), so no implementation can leak them.
 */
export type FeedbackClassifier = { classify(scrubbedText: string): Promise<Triage> };

/** A triage claimed by an instance that died is taken over after this long. */
const TRIAGE_LEASE_MS = 2 * 60_000;

/**
 * Items not yet triaged: classified by the model when there is one (rules when it fails, times out or is absent),
 * then shown in the staff rooms. Runs after the receipt was committed, so the resident never waits for it.
 */
export async function triagePendingFeedback(deps: CoreDeps, classifier: FeedbackClassifier | null): Promise<number> {
  const now = deps.clock.now();
  const open = and(
    isNull(feedbackItems.triagedBy),
    or(
      isNull(feedbackItems.triageStartedAt),
      lt(feedbackItems.triageStartedAt, new Date(now.getTime() - TRIAGE_LEASE_MS)),
    ),
  );
  const pending = await deps.db
    .select({ id: feedbackItems.id })
    .from(feedbackItems)
    .where(open)
    .orderBy(feedbackItems.id)
    .limit(20);
  let done = 0;
  for (const { id } of pending) {
    const [item] = await deps.db
      .update(feedbackItems)
      .set({ triageStartedAt: now })
      .where(and(eq(feedbackItems.id, id), open))
      .returning();
    if (!item) continue;
    if (!item.bodyEnc) {
      // Erased (탈퇴) before triage: nothing to classify or to show.
      await deps.db.update(feedbackItems).set({ triagedBy: 'rules' }).where(eq(feedbackItems.id, id));
      continue;
    }
    const names = await knownNames(deps, item.memberId);
    const scrubbed = scrubForModel(deps.cipher.decrypt(item.bodyEnc), names);
    let triage: Triage = triageByRules(scrubbed);
    let by = 'rules';
    if (classifier) {
      try {
        const answer = await classifier.classify(scrubbed);
        triage = { ...answer, summary: firstSentence(scrubForModel(answer.summary, names), 60) || triage.summary };
        by = 'model';
      } catch (error) {
        deps.logger.warn({ feedbackId: id, err: errorSummary(error) }, 'model triage failed; keyword rules used');
      }
    }
    await deps.db.transaction(async (tx) => {
      const [triaged] = await tx
        .update(feedbackItems)
        .set({ ...triage, triagedBy: by, updatedAt: deps.clock.now() })
        .where(and(eq(feedbackItems.id, id), isNull(feedbackItems.triagedBy)))
        .returning();
      if (triaged) await tellStaff(tx, deps, triaged, 'new', [await staffCard(tx, deps, triaged)]);
    });
    done++;
  }
  return done;
}

/** The person's own real name and nicknames: text written about oneself often carries them. */
async function knownNames(deps: CoreDeps, memberId: number): Promise<string[]> {
  const names = await deps.db
    .select({ name: registrations.realName })
    .from(registrations)
    .where(and(eq(registrations.memberId, memberId), isNotNull(registrations.realName)));
  const nicknames = await deps.db
    .select({ name: identities.nickname })
    .from(identities)
    .where(and(eq(identities.memberId, memberId), isNotNull(identities.nickname)));
  return [...names, ...nicknames].flatMap((n) => (n.name ? [n.name] : []));
}

/**
 * Items whose first answer is overdue (working days, feedback.sla) are escalated once to the HQ staff room and
 * flagged for the daily digest. A job on the scheduler runs this.
 */
export async function escalateOverdueFeedback(deps: CoreDeps): Promise<number> {
  const now = deps.clock.now();
  const overdue = await deps.db
    .select()
    .from(feedbackItems)
    .where(
      and(
        isNull(feedbackItems.firstAnsweredAt),
        isNull(feedbackItems.escalatedAt),
        ne(feedbackItems.status, 'closed'),
        lte(feedbackItems.dueAt, now),
        isNotNull(feedbackItems.triagedBy),
      ),
    );
  let escalated = 0;
  for (const item of overdue)
    await deps.db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(feedbackItems)
        .set({ escalatedAt: now })
        .where(and(eq(feedbackItems.id, item.id), isNull(feedbackItems.escalatedAt)))
        .returning();
      if (!claimed) return;
      const text = `[답변 기한 지남] 주민 의견 ${item.receiptNo} (${categoryKo[item.category]}) — 기한 ${formatKoreanDateTime(item.dueAt, deps.timezone)}\n아직 첫 답변이 없습니다. 담당 읍·면에 확인해 주세요.`;
      // Escalation goes to HQ: an item marked urgent reaches HQ rooms whatever its district has.
      await tellStaff(tx, deps, { ...claimed, urgent: true }, 'escalated', [
        { text, buttons: [{ label: '맡기', command: `의견 맡기 ${item.receiptNo}` }] },
      ]);
      escalated++;
    });
  return escalated;
}
