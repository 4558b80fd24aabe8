import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { feedbackCategories, feedbackStatuses, type FeedbackCategory } from '../../db/schema/feedback.schema.ts';
import { feedbackThread, listFeedbackInbox, type InboxFilter } from '../../core/feedback/feedback.inbox.usecases.ts';
import { statusKo } from '../../core/feedback/feedback.format.ts';
import { categoryKo } from '../../core/feedback/feedback.rules.ts';
import {
  answerFeedback,
  closeFeedback,
  takeFeedback,
  type StaffRefusal,
  type TakeResult,
  type AnswerResult,
  type CloseResult,
} from '../../core/feedback/feedback.staff.usecases.ts';
import { formatKoreanDateTime } from '../../core/time/korean.format.ts';
import { csrfField, html, sendPage, type SafeHtml } from './console.html.ts';
import type { ConsoleDeps, ConsolePage, ConsoleViewer } from './console.pages.ts';

/**
 * 의견: the feedback of the viewer's scope, a thread, and answer / take / close — through the very usecases the chat
 * commands call (feedback.staff.usecases.ts), so the resident and the staff rooms are told the same way.
 */
const TITLE = '의견';
const DONE: Record<string, string> = {
  taken: '의견을 맡았습니다.',
  answered: '답변을 보냈습니다. 주민께 전해 드립니다.',
  closed: '의견을 종결했습니다. 주민께 해결 여부를 여쭙니다.',
};

function refusalText(r: StaffRefusal): string {
  return {
    not_staff: '의견에 답변하는 일은 읍·면 담당 직원이 합니다.',
    not_found: '이 접수번호의 의견을 찾을 수 없습니다.',
    out_of_scope: '다른 읍·면의 의견이라 볼 수 없습니다.',
    already_closed: '이미 종결된 의견입니다.',
    empty: '답변 내용을 적어 주세요.',
  }[r.kind];
}

function readFilter(req: Request): InboxFilter {
  const q = req.query;
  const status = typeof q.status === 'string' ? q.status : '';
  const category = typeof q.category === 'string' ? q.category : '';
  return {
    status: (feedbackStatuses as readonly string[]).includes(status) ? (status as InboxFilter['status']) : 'open',
    ...((feedbackCategories as readonly string[]).includes(category) ? { category: category as FeedbackCategory } : {}),
    ...(q.overdue === '1' ? { overdue: true } : {}),
  };
}

function satisfaction(item: { resolved: boolean | null; satisfaction: number | null }): string {
  const parts = [
    item.resolved === null ? '' : item.resolved ? '해결됨' : '해결 안 됨',
    item.satisfaction === null ? '' : `만족도 ${item.satisfaction}/5`,
  ].filter(Boolean);
  return parts.join(' · ') || '—';
}

const staffOf = (viewer: ConsoleViewer) => ({ memberId: viewer.memberId, grants: viewer.grants });

export const feedbackPage: ConsolePage = {
  path: '/feedback',
  title: TITLE,
  nav: true,
  requires: { action: 'feedback.answer' },
  router(deps: ConsoleDeps) {
    const router = Router();
    const tz = deps.timezone;

    router.get('/', async (req, res) => {
      const viewer = res.locals.viewer as ConsoleViewer;
      const filter = readFilter(req);
      const result = await listFeedbackInbox({ tx: deps.db, deps, staff: staffOf(viewer), filter });
      const entries = result.kind === 'list' ? result.entries : [];
      const option = (value: string, label: string, current: string | undefined) =>
        html`<option value="${value}" ${value === (current ?? '') ? html`selected` : ''}>${label}</option>`;
      sendPage(res, {
        title: TITLE,
        active: '/feedback',
        body: html`<h1>의견 <span class="muted">${entries.length}건</span></h1>
          <form class="filters" method="get" action="/console/feedback">
            <label
              >상태
              <select name="status">
                ${option('open', '처리 중(종결 전)', filter.status)}
                ${feedbackStatuses.map((s) => option(s, statusKo[s], filter.status))}
              </select></label
            >
            <label
              >분야
              <select name="category">
                ${option('', '전체', filter.category)}
                ${feedbackCategories.map((c) => option(c, categoryKo[c], filter.category))}
              </select></label
            >
            <label class="check"
              ><input type="checkbox" name="overdue" value="1" ${filter.overdue ? html`checked` : ''} /> 기한 지난
              것만</label
            >
            <button type="submit">보기</button>
          </form>
          ${
            entries.length === 0
              ? html`<p class="muted">조건에 맞는 의견이 없습니다.</p>`
              : html`<div class="table-wrap">
                  <table id="feedback-list" class="cards">
                    <thead>
                      <tr>
                        <th>접수번호</th>
                        <th>분야</th>
                        <th>내용</th>
                        <th>주민</th>
                        <th>상태</th>
                        <th>답변 기한</th>
                        <th>만족도</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${entries.map(
                        (e) =>
                          html`<tr data-receipt="${e.item.receiptNo}">
                            <td data-label="접수번호">
                              <a href="/console/feedback/${e.item.receiptNo}">${e.item.receiptNo}</a>
                            </td>
                            <td data-label="분야">
                              <span
                                >${categoryKo[e.item.category]}
                                ${e.item.urgent ? html`<span class="badge urgent">긴급</span>` : ''}</span
                              >
                            </td>
                            <td data-label="내용">${e.summary}</td>
                            <td data-label="주민">${e.writer}</td>
                            <td data-label="상태">${statusKo[e.item.status]}</td>
                            <td data-label="답변 기한">
                              <span
                                >${formatKoreanDateTime(e.item.dueAt, tz)}
                                ${e.overdue ? html`<span class="badge overdue">기한 지남</span>` : ''}</span
                              >
                            </td>
                            <td data-label="만족도">${satisfaction(e.item)}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
          }`,
      });
    });

    router.get('/:receipt', async (req, res) => {
      const viewer = res.locals.viewer as ConsoleViewer;
      const result = await feedbackThread({ tx: deps.db, deps, staff: staffOf(viewer), receipt: req.params.receipt });
      if (result.kind !== 'thread') return showRefusal(res, result, 403);
      const { item } = result;
      const done = typeof req.query.done === 'string' ? DONE[req.query.done] : undefined;
      const error = typeof req.query.error === 'string' ? req.query.error : undefined;
      const action = (name: string, label: string, extra?: SafeHtml, cls = '') =>
        html`<form method="post" action="/console/feedback/${item.receiptNo}/${name}">
          ${csrfField(res.locals.csrf ?? '')}<input type="hidden" name="nonce" value="${randomUUID()}" />${extra}
          <button type="submit" class="${cls}">${label}</button>
        </form>`;
      sendPage(res, {
        title: `의견 ${item.receiptNo}`,
        active: '/feedback',
        body: html`<p><a href="/console/feedback">← 의견 목록</a></p>
          <h1>의견 ${item.receiptNo}</h1>
          ${done && html`<p class="flash" role="status">${done}</p>`}
          ${error && html`<p class="flash error" role="alert">${error}</p>`}
          <dl class="facts">
            <dt>주민</dt>
            <dd id="writer">${result.writer}${item.unapproved ? ' (등록 승인 전)' : ''}</dd>
            <dt>분야</dt>
            <dd>${categoryKo[item.category]}${item.urgent ? ' · 긴급' : ''}</dd>
            <dt>상태</dt>
            <dd id="status">${statusKo[item.status]}</dd>
            <dt>답변 기한</dt>
            <dd>
              ${formatKoreanDateTime(item.dueAt, tz)}
              ${result.overdue ? html`<span class="badge overdue">기한 지남</span>` : ''}
            </dd>
            <dt>주민 평가</dt>
            <dd id="satisfaction">${satisfaction(item)}</dd>
          </dl>
          <h2>주고받은 글</h2>
          <ol class="thread">
            ${result.entries.map(
              (e) =>
                html`<li class="${e.role}">
                  <div class="meta">${e.role === 'staff' ? '담당자' : '주민'} · ${formatKoreanDateTime(e.at, tz)}</div>
                  <div class="body">${e.body}</div>
                </li>`,
            )}
          </ol>
          ${
            item.status === 'closed'
              ? html`<p class="muted">종결된 의견입니다. 주민이 다시 열면 알려 드립니다.</p>`
              : html`<h2>답변</h2>
                  ${action(
                    'answer',
                    '답변 보내기',
                    html`<label for="answer-text">주민께 그대로 전해 드립니다</label
                      ><textarea id="answer-text" name="text" required maxlength="2000"></textarea>`,
                    'primary',
                  )}
                  <div class="actions">
                    ${item.assignedTo === viewer.memberId ? '' : action('take', '내가 맡기')}
                    ${action('close', '종결', undefined, 'danger')}
                  </div>`
          }`,
      });
    });

    router.post('/:receipt/:verb', async (req, res) => {
      const viewer = res.locals.viewer as ConsoleViewer;
      const verb = req.params.verb;
      const base = { deps, staff: staffOf(viewer), receipt: req.params.receipt, via: 'console' as const };
      const key = `console:${typeof req.body.nonce === 'string' ? req.body.nonce.slice(0, 64) : randomUUID()}`;
      type Result = TakeResult | AnswerResult | CloseResult | null;
      const result = await deps.db.transaction(async (tx): Promise<Result> => {
        if (verb === 'take') return takeFeedback({ ...base, tx });
        if (verb === 'answer') return answerFeedback({ ...base, tx, text: String(req.body.text ?? ''), eventKey: key });
        if (verb === 'close') return closeFeedback({ ...base, tx, eventKey: key });
        return null;
      });
      if (!result) return res.status(404).send('없는 주소입니다.');
      const back = `/console/feedback/${encodeURIComponent(req.params.receipt)}`;
      if (result.kind === 'taken' || result.kind === 'answered' || result.kind === 'closed') {
        deps.afterWrite();
        return res.redirect(303, `${back}?done=${result.kind}`);
      }
      if (result.kind === 'not_found' || result.kind === 'out_of_scope' || result.kind === 'not_staff')
        return showRefusal(res, result, 403);
      res.redirect(303, `${back}?error=${encodeURIComponent(refusalText(result))}`);
    });
    return router;
  },
};

function showRefusal(res: Response, r: StaffRefusal, status: number): void {
  sendPage(res, {
    status: r.kind === 'not_found' ? 404 : status,
    title: TITLE,
    active: '/feedback',
    body: html`<section class="notice">
      <h1>의견</h1>
      <p>${refusalText(r)}</p>
      <p><a href="/console/feedback">의견 목록으로</a></p>
    </section>`,
  });
}
