import type { CoreDeps } from '../core.deps.ts';
import { errorSummary } from '../error.summary.ts';
import { scrubForModel } from '../privacy/privacy.mask.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import { staffCard, tellStaff } from './feedback.notify.ts';
import * as repo from './feedback.repository.ts';
import { categoryKo, firstSentence, triageByRules, type Triage } from './feedback.rules.ts';

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
  const staleBefore = new Date(now.getTime() - TRIAGE_LEASE_MS);
  let done = 0;
  for (const id of await repo.untriagedIds(deps.db, staleBefore, 20)) {
    const item = await repo.claimForTriage(deps.db, id, now, staleBefore);
    if (!item) continue;
    if (!item.bodyEnc) {
      // Erased (탈퇴) before triage: nothing to classify or to show.
      await repo.updateItem(deps.db, id, { triagedBy: 'rules' });
      continue;
    }
    const names = await repo.knownNamesOf(deps.db, item.memberId);
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
    // The summary is the resident's words (the rules' first sentence) or close to them: encrypted like the text.
    const { summary, ...decided } = triage;
    await deps.db.transaction(async (tx) => {
      const triaged = await repo.saveTriage(tx, id, {
        ...decided,
        summaryEnc: summary ? deps.cipher.encrypt(summary) : null,
        triagedBy: by,
        updatedAt: deps.clock.now(),
      });
      if (triaged) await tellStaff(tx, deps, triaged, 'new', [await staffCard(tx, deps, triaged)]);
    });
    done++;
  }
  return done;
}

/**
 * Items whose first answer is overdue (working days, feedback.sla) are escalated once to the HQ staff room and
 * flagged for the daily digest. A job on the scheduler runs this.
 */
export async function escalateOverdueFeedback(deps: CoreDeps): Promise<number> {
  const now = deps.clock.now();
  let escalated = 0;
  for (const item of await repo.overdueItems(deps.db, now))
    await deps.db.transaction(async (tx) => {
      const claimed = await repo.claimEscalation(tx, item.id, now);
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
