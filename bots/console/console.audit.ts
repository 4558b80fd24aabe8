import { Router, type Request } from 'express';
import { auditActions, isAuditAction } from '../../core/audit/audit.rules.ts';
import { listAuditLog, type AuditFilter } from '../../core/audit/audit.usecases.ts';
import { countyDateKey } from '../../core/time/county.time.ts';
import { formatKoreanDateTime } from '../../core/time/korean.format.ts';
import { html, sendPage } from './console.html.ts';
import type { ConsoleDeps, ConsolePage, ConsoleViewer } from './console.pages.ts';

/** 기록: every staff action, from chat or the console — who, what, on what, where, when — filterable. */
const TITLE = '기록';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A county calendar day (YYYY-MM-DD) as the instant it starts; the county is in Korea (UTC+9, no summer time). */
function dayStart(day: string, timeZone: string): Date | undefined {
  if (!DATE.test(day)) return undefined;
  const at = new Date(`${day}T00:00:00+09:00`);
  // Guards the fixed offset: if the county's zone were another, fall back to no filter rather than a wrong one.
  return Number.isNaN(at.getTime()) || countyDateKey(at, timeZone) !== day ? undefined : at;
}

function readFilter(req: Request, timeZone: string): { filter: AuditFilter; raw: Record<string, string> } {
  const str = (k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : '');
  const raw = { who: str('who'), action: str('action'), from: str('from'), until: str('until') };
  const filter: AuditFilter = {};
  if (/^\d+$/.test(raw.who)) filter.actorMemberId = Number(raw.who);
  if (isAuditAction(raw.action)) filter.action = raw.action;
  const from = dayStart(raw.from, timeZone);
  if (from) filter.from = from;
  const until = dayStart(raw.until, timeZone);
  if (until) filter.until = new Date(until.getTime() + 24 * 3600_000);
  return { filter, raw };
}

export const auditPage: ConsolePage = {
  path: '/audit',
  title: TITLE,
  nav: true,
  requires: { action: 'audit.read' },
  router(deps: ConsoleDeps) {
    const router = Router();
    router.get('/', async (req, res) => {
      const viewer = res.locals.viewer as ConsoleViewer;
      const { filter, raw } = readFilter(req, deps.timezone);
      const result = await listAuditLog({ tx: deps.db, reader: { grants: viewer.grants }, filter });
      if (result.kind !== 'list') return res.status(403).send('기록은 군청 직원과 관리자만 볼 수 있습니다.');
      const sel = (on: boolean) => (on ? html`selected` : '');
      sendPage(res, {
        title: TITLE,
        active: '/audit',
        body: html`<h1>기록 <span class="muted">${result.lines.length}건</span></h1>
          <form class="filters" method="get" action="/console/audit">
            <label
              >누가
              <select name="who">
                <option value="">전체</option>
                ${result.actors.map(
                  (a) => html`<option value="${a.memberId}" ${sel(String(a.memberId) === raw.who)}>${a.label}</option>`,
                )}
              </select></label
            >
            <label
              >무엇을
              <select name="action">
                <option value="">전체</option>
                ${Object.entries(auditActions).map(
                  ([value, label]) => html`<option value="${value}" ${sel(value === raw.action)}>${label}</option>`,
                )}
              </select></label
            >
            <label>부터 <input type="date" name="from" value="${raw.from}" /></label>
            <label>까지 <input type="date" name="until" value="${raw.until}" /></label>
            <button type="submit">보기</button>
          </form>
          ${
            result.lines.length === 0
              ? html`<p class="muted">조건에 맞는 기록이 없습니다.</p>`
              : html`<div class="table-wrap">
                  <table id="audit-list" class="cards">
                    <thead>
                      <tr>
                        <th>언제</th>
                        <th>누가</th>
                        <th>무엇을</th>
                        <th>대상</th>
                        <th>범위</th>
                        <th>경로</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${result.lines.map(
                        (l) =>
                          html`<tr data-action="${l.action}">
                            <td data-label="언제">${formatKoreanDateTime(l.at, deps.timezone)}</td>
                            <td data-label="누가">${l.actorLabel}</td>
                            <td data-label="무엇을">${l.actionLabel}</td>
                            <td data-label="대상">${l.subjectLabel}</td>
                            <td data-label="범위">${l.scopeLabel}</td>
                            <td data-label="경로">${l.via === 'console' ? '콘솔' : '채팅'}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
          }`,
      });
    });
    return router;
  },
};
