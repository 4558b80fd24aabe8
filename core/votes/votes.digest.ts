import type { SectionProvider } from '../digests/digest.sections.ts';
import { proposalsWaiting } from './budget.repository.ts';
import { countVoters, electorateOf, optionsOf, pollsForDigest } from './poll.repository.ts';
import { kindLabel } from './votes.notify.ts';
import { rankResults } from './votes.rules.ts';

/**
 * 투표: votes under way with their turnout, votes closed in the period with their winner, and budget proposals waiting
 * for screening. The model sees only the counts; results appear only once closed (a secret ballot shows no trend).
 */
export function votesSection(title: string): SectionProvider {
  return async ({ tx, scope, since, until }) => {
    const districtCode = scope.kind === 'county' ? null : scope.districtCode;
    const list = await pollsForDigest(tx, { districtCode, since, until });
    const lines: string[] = [];
    let open = 0;
    let closed = 0;
    for (const poll of list) {
      if (poll.status === 'open') {
        open++;
        const voters = await countVoters(tx, poll.id);
        lines.push(
          `· [${kindLabel(poll)} #${poll.id}] ${poll.question} — 진행 중, 투표 ${voters}/${(await electorateOf(tx, poll)).length}명`,
        );
      } else {
        closed++;
        const top = rankResults(await optionsOf(tx, poll.id), poll.tally ?? {})[0];
        lines.push(
          `· [${kindLabel(poll)} #${poll.id}] ${poll.question} — 마감, 투표 ${poll.votersAtClose ?? 0}명${top ? ` · 1위 ${top.label}` : ''}`,
        );
      }
    }
    const waiting = await proposalsWaiting(tx, districtCode);
    if (waiting) lines.push(`· 심사를 기다리는 주민참여예산 제안 ${waiting}건 ("제안 심사")`);
    return {
      key: 'votes',
      title,
      headline: open || closed || waiting ? `진행 ${open}건 · 마감 ${closed}건 · 심사할 제안 ${waiting}건` : '없음',
      lines,
      figures: [
        { label: '진행 중 투표', value: open, unit: '건' },
        { label: '마감된 투표', value: closed, unit: '건' },
        { label: '심사할 제안', value: waiting, unit: '건' },
      ],
    };
  };
}
