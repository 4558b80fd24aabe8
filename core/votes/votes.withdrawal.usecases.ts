import type { DbOrTx } from '../../db/db.client.ts';
import * as repo from './budget.repository.ts';

/**
 * 탈퇴: proposals stay the district's (they may already be on a ballot, and others voted for them), without their
 * author; their ballots stay too, being no one's.
 */
export async function forgetProposerOf(input: { tx: DbOrTx; memberId: number }): Promise<void> {
  await repo.forgetProposer(input.tx, input.memberId);
}
