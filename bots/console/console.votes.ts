import { type Response, Router } from 'express';
import type { Viewer } from '../../core/console/console.usecases.ts';
import { assembliesOfScope } from '../../core/votes/assembly.usecases.ts';
import { proposalsToScreen, screenProposal, type ScreenResult } from '../../core/votes/budget.usecases.ts';
import { pollsOfScope } from '../../core/votes/poll.status.usecases.ts';
import { josa } from '../../core/text/korean.text.ts';
import { field, idParam } from './console.broadcasts.form.ts';
import { html, sendPage } from './console.html.ts';
import type { ConsolePage } from './console.pages.ts';
import { assembliesSection, budgetSection, pollsSection } from './console.votes.view.ts';

/**
 * 투표: for the viewer's scope, the polls (turnout live, results only after the close), the participatory-budget
 * proposals to screen (채택 / 반려 with a reason, by the usecase chat's "제안 채택/반려" uses — it records the audit
 * line with via 'console' and tells the proposer), and the assemblies with attendance and quorum. The same
 * usecases as "투표 현황", "제안 심사" and "총회 현황".
 */
export const votesPage: ConsolePage = {
  path: '/votes',
  title: '투표',
  nav: true,
  requires: { action: 'vote.manage' },
  router(deps) {
    const router = Router();
    const viewerOf = (res: Response) => res.locals.viewer as Viewer;
    const staffOf = (res: Response) => ({ memberId: viewerOf(res).memberId, grants: viewerOf(res).grants });

    async function index(res: Response, input: { flash?: string; error?: string; status?: number } = {}) {
      const ctx = { tx: deps.db, deps, staff: staffOf(res) };
      const [polls, rounds, assemblies] = [
        await pollsOfScope(ctx),
        await proposalsToScreen(ctx),
        await assembliesOfScope(ctx),
      ];
      sendPage(res, {
        title: '투표',
        active: '/votes',
        status: input.status,
        body: html`<h1>투표 · 주민참여예산 · 주민총회</h1>
          ${input.flash && html`<p class="flash" role="status">${input.flash}</p>`}
          ${input.error && html`<p class="flash error" role="alert">${input.error}</p>`}
          ${pollsSection(polls, deps.timezone)} ${budgetSection({ csrf: viewerOf(res).csrf, rounds })}
          ${assembliesSection(assemblies, deps.timezone)}`,
      });
    }

    router.get('/', async (req, res) => {
      const done =
        typeof req.query.done === 'string' ? /^(accepted|rejected):(\d{1,9})(:told)?$/.exec(req.query.done) : null;
      const flash = done
        ? `${josa(`제안 #${done[2]}`, '을/를')} ${done[1] === 'accepted' ? '채택했습니다' : '반려했습니다'}.` +
          (done[3] ? ' 제안하신 분께 알렸습니다.' : '')
        : undefined;
      await index(res, { flash });
    });

    for (const decision of ['accept', 'reject'] as const) {
      router.post(`/proposals/:id/${decision}`, async (req, res) => {
        const id = idParam(req.params.id);
        if (!id) return index(res, { error: refusal({ kind: 'not_found' }), status: 404 });
        const result = await deps.db.transaction((tx) =>
          screenProposal({
            tx,
            deps,
            staff: staffOf(res),
            proposalId: id,
            decision,
            reason: field(req, 'reason'),
            via: 'console',
          }),
        );
        if (!('proposal' in result)) {
          const status = result.kind === 'not_found' ? 404 : result.kind === 'forbidden' ? 403 : 422;
          return index(res, { error: refusal(result), status });
        }
        if (result.told) deps.afterWrite();
        res.redirect(
          303,
          `/console/votes?done=${result.kind}:${result.proposal.id}${result.told ? ':told' : ''}#budget`,
        );
      });
    }
    return router;
  },
};

/** Why the usecase refused, in the words chat uses. */
function refusal(result: Exclude<ScreenResult, { kind: 'accepted' | 'rejected' }>): string {
  switch (result.kind) {
    case 'not_found':
      return '그 번호의 제안을 찾지 못했습니다.';
    case 'forbidden':
      return '맡으신 읍·면의 제안만 심사할 수 있습니다.';
    case 'too_late':
      return '투표가 이미 시작되어 심사를 바꿀 수 없습니다.';
    case 'needs_reason':
      return '반려하실 때는 제안하신 분께 전할 사유를 함께 적어 주세요.';
  }
}
