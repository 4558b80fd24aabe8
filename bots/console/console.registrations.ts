import { Router } from 'express';
import {
  decideRegistration,
  listDecidable,
  type DecideResult,
} from '../../core/registration/registration.approver.usecases.ts';
import { maskMobile } from '../../core/privacy/privacy.mask.ts';
import { formatKoreanDateTime } from '../../core/time/korean.format.ts';
import { csrfField, html, sendPage } from './console.html.ts';
import type { ConsoleDeps, ConsolePage, ConsoleViewer } from './console.pages.ts';

/**
 * 등록: registrations this approver may decide, approve / reject — the usecases behind 승인 / 거절 in chat, so the
 * applicant is told, appointed roles are granted and the decision is in 기록 the same way.
 */
const TITLE = '등록';

function outcome(result: DecideResult): { ok: boolean; text: string } {
  switch (result.kind) {
    case 'decided':
      return {
        ok: true,
        text: `#${result.registration.id} ${result.registration.realName ?? ''}님 등록을 ${result.decision === 'approved' ? '승인' : '거절'}했습니다.`,
      };
    case 'not_found':
      return { ok: false, text: '그 등록 신청을 찾을 수 없습니다.' };
    case 'forbidden':
      return { ok: false, text: '다른 마을의 신청이라 처리할 권한이 없습니다.' };
    case 'own_registration':
      return { ok: false, text: '본인의 등록 신청은 직접 승인할 수 없습니다.' };
    case 'already_decided':
      return { ok: false, text: '이미 처리된 신청입니다.' };
    case 'appointment':
      return {
        ok: false,
        text: `임명 명단에 있는 분의 신청이라 ${result.decidedBy === 'district' ? '읍·면사무소' : '군청'}에서 결정합니다.`,
      };
  }
}

export const registrationsPage: ConsolePage = {
  path: '/registrations',
  title: TITLE,
  nav: true,
  requires: { action: 'registration.decide' },
  router(deps: ConsoleDeps) {
    const router = Router();
    router.get('/', async (req, res) => {
      const viewer = res.locals.viewer as ConsoleViewer;
      const { pending } = await listDecidable({
        tx: deps.db,
        decider: { memberId: viewer.memberId, grants: viewer.grants },
      });
      const flash = typeof req.query.msg === 'string' ? req.query.msg : undefined;
      const failed = req.query.ok === '0';
      const csrf = res.locals.csrf ?? '';
      sendPage(res, {
        title: TITLE,
        active: '/registrations',
        body: html`<h1>등록 신청 <span class="muted">${pending.length}건 대기</span></h1>
          ${flash && html`<p class="flash ${failed ? 'error' : ''}" role="status">${flash}</p>`}
          ${
            pending.length === 0
              ? html`<p class="muted">기다리는 등록 신청이 없습니다.</p>`
              : html`<div class="table-wrap">
                  <table id="registration-list" class="cards">
                    <thead>
                      <tr>
                        <th>번호</th>
                        <th>이름</th>
                        <th>마을</th>
                        <th>휴대전화</th>
                        <th>신청</th>
                        <th>처리</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${pending.map(
                        (r) =>
                          html`<tr data-registration="${r.id}">
                            <td data-label="번호">#${r.id}</td>
                            <td data-label="이름">${r.realName ?? '(지워짐)'}</td>
                            <td data-label="마을">${r.districtName} ${r.villageName}</td>
                            <td data-label="휴대전화">
                              ${r.mobileEnc ? maskMobile(deps.cipher.decrypt(r.mobileEnc)) : '—'}
                            </td>
                            <td data-label="신청">${formatKoreanDateTime(r.createdAt, deps.timezone)}</td>
                            <td data-label="처리">
                              <div class="actions">
                                <form method="post" action="/console/registrations/${r.id}/approve">
                                  ${csrfField(csrf)}<button type="submit" class="primary">승인</button>
                                </form>
                                <form method="post" action="/console/registrations/${r.id}/reject">
                                  ${csrfField(csrf)}<label
                                    >거절 사유<input name="reason" maxlength="200" placeholder="예: 주소 확인 필요"
                                  /></label>
                                  <button type="submit" class="danger">거절</button>
                                </form>
                              </div>
                            </td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
          }`,
      });
    });

    router.post('/:id/:verb', async (req, res) => {
      const viewer = res.locals.viewer as ConsoleViewer;
      const verb = req.params.verb;
      const id = Number(req.params.id);
      if ((verb !== 'approve' && verb !== 'reject') || !Number.isSafeInteger(id))
        return res.status(404).send('없는 주소입니다.');
      const result = await deps.db.transaction((tx) =>
        decideRegistration({
          tx,
          deps,
          decider: { memberId: viewer.memberId, grants: viewer.grants },
          registrationId: id,
          decision: verb === 'approve' ? 'approved' : 'rejected',
          reason: typeof req.body.reason === 'string' ? req.body.reason : '',
          via: 'console',
        }),
      );
      if (result.kind === 'decided') deps.afterWrite();
      const o = outcome(result);
      res.redirect(303, `/console/registrations?ok=${o.ok ? 1 : 0}&msg=${encodeURIComponent(o.text)}`);
    });
    return router;
  },
};
