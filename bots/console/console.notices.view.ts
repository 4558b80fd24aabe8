import { noticePreviewText } from '../../core/notices/notice.dialog.ts';
import type { NoticePreview } from '../../core/notices/notice.preview.ts';
import { countHops, missingHops, type NoticeTracking, type RecipientHops } from '../../core/notices/notice.status.ts';
import type { NoticeRow } from '../../core/notices/notice.usecases.ts';
import { formatKoreanDateTime } from '../../core/time/korean.format.ts';
import { platformName } from './console.broadcasts.form.ts';
import { placePicker, type Places } from './console.broadcasts.view.ts';
import { stackedBars } from './console.charts.ts';
import { csrfField, html, type SafeHtml } from './console.html.ts';

/** The 공지 pages' markup: the composer, its preview and confirmation, the list, one notice's hops. */

export type NoticeForm = {
  priority: 'normal' | 'high';
  districtCodes: string[];
  villageIds: number[];
  deadline: string;
  body: string;
};

export const emptyNotice = (): NoticeForm => ({
  priority: 'normal',
  districtCodes: [],
  villageIds: [],
  deadline: '',
  body: '',
});

export function noticeComposer(input: {
  csrf: string;
  places: Places;
  form: NoticeForm;
  error?: string | undefined;
}): SafeHtml {
  const { form } = input;
  return html`<section class="card">
    <h2>새 공지 (이장님께)</h2>
    ${input.error && html`<p class="flash error" role="alert">${input.error}</p>`}
    <form method="post" action="/console/notices/preview" class="stack">
      ${csrfField(input.csrf)}
      <fieldset class="inline">
        <legend>중요도</legend>
        <label class="check"
          ><input type="radio" name="priority" value="normal" ${form.priority === 'normal' && 'checked'} /> 보통</label
        >
        <label class="check"
          ><input type="radio" name="priority" value="high" ${form.priority === 'high' && 'checked'} /> 중요 (쉬는
          시간에도 바로)</label
        >
      </fieldset>
      ${placePicker(input.places, form)}
      <label
        >확인 기한 (없으면 비워 두세요) <input type="datetime-local" name="deadline" value="${form.deadline}"
      /></label>
      <label class="wide">내용 <textarea name="body" required maxlength="1000">${form.body}</textarea></label>
      <div class="actions"><button type="submit" class="primary">미리보기</button></div>
    </form>
  </section>`;
}

function hiddenForm(form: NoticeForm): SafeHtml {
  return html`<input type="hidden" name="priority" value="${form.priority}" />
    <input type="hidden" name="deadline" value="${form.deadline}" />
    <input type="hidden" name="body" value="${form.body}" />
    ${form.districtCodes.map((c) => html`<input type="hidden" name="district" value="${c}" />`)}
    ${form.villageIds.map((id) => html`<input type="hidden" name="village" value="${id}" />`)}`;
}

/** The preview: the card as heads read it, the chat's own confirmation text, 보내기 / 고치기. */
export function noticePreviewView(input: {
  csrf: string;
  form: NoticeForm;
  preview: NoticePreview;
  previewedAt: Date;
  timeZone: string;
  lead?: string | undefined;
}): SafeHtml {
  const { preview: p, form } = input;
  return html`<section class="card">
    <h2>${p.high ? '중요 ' : ''}공지 미리보기 — 아직 보내지 않았습니다</h2>
    ${input.lead && html`<p class="flash">${input.lead}</p>`}
    <div class="preview-grid">
      <div>
        <h3>이장님께는 이렇게 보입니다</h3>
        <div class="bubble" data-testid="head-view">${p.card}</div>
      </div>
      <div>
        <h3>받는 이장님</h3>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">경로</th>
                <th scope="col">인원</th>
              </tr>
            </thead>
            <tbody>
              ${p.heads.map(
                (c) =>
                  html`<tr>
                    <td>${platformName(c.platform)}</td>
                    <td>${c.count}명</td>
                  </tr>`,
              )}
              ${
                p.unreachable > 0 &&
                html`<tr>
                  <td>연락할 수 없음</td>
                  <td>${p.unreachable}명</td>
                </tr>`
              }
            </tbody>
          </table>
        </div>
      </div>
    </div>
    <h3>채팅에서 보시는 확인과 같습니다</h3>
    <pre class="chat-text">${noticePreviewText(p, input.timeZone)}</pre>
    <div class="actions">
      <form method="post" action="/console/notices/send">
        ${csrfField(input.csrf)} ${hiddenForm(form)}
        <input type="hidden" name="previewedAt" value="${input.previewedAt.toISOString()}" />
        <button type="submit" class="primary">보내기</button>
      </form>
      <form method="post" action="/console/notices/edit">
        ${csrfField(input.csrf)} ${hiddenForm(form)}
        <button type="submit">고치기</button>
      </form>
    </div>
  </section>`;
}

const excerpt = (body: string, max = 40) => ([...body].length > max ? `${[...body].slice(0, max).join('')}…` : body);

export function noticeList(items: { notice: NoticeRow; tracking: NoticeTracking }[], timeZone: string): SafeHtml {
  if (items.length === 0) return html`<p class="muted">최근 보낸 공지가 없습니다.</p>`;
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          <th scope="col">번호</th>
          <th scope="col">보낸 때</th>
          <th scope="col">내용</th>
          <th scope="col">확인</th>
          <th scope="col">마을방 전달</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(({ notice: n, tracking }) => {
          const c = countHops(tracking.recipients);
          return html`<tr>
            <td><a href="/console/notices/${n.id}">#${n.id}</a></td>
            <td>${formatKoreanDateTime(n.createdAt, timeZone)}</td>
            <td>${excerpt(n.body)}${n.withdrawnAt && ' (철회됨)'}</td>
            <td>${c.acknowledged}/${c.heads}명</td>
            <td>${c.relayedVillages}/${c.villages}곳</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

const mark = (ok: boolean, yes: string, no: string) =>
  html`<span class="${ok ? 'status-ok' : 'status-missing'}">${ok ? yes : no}</span>`;

/** By district, how many villages are where: both hops, acknowledged only, relayed only, neither. */
function byDistrict(recipients: readonly RecipientHops[]) {
  const villages = new Map<number, { district: string; ack: boolean; relayed: boolean }>();
  for (const r of recipients) {
    const v = villages.get(r.villageId) ?? { district: r.districtName, ack: false, relayed: false };
    villages.set(r.villageId, {
      ...v,
      ack: v.ack || r.acknowledgedAt !== null,
      relayed: v.relayed || r.villageRelayed,
    });
  }
  const districts = [...new Set([...villages.values()].map((v) => v.district))];
  const count = (d: string, test: (v: { ack: boolean; relayed: boolean }) => boolean) =>
    [...villages.values()].filter((v) => v.district === d && test(v)).length;
  return {
    districts,
    both: districts.map((d) => count(d, (v) => v.ack && v.relayed)),
    ackOnly: districts.map((d) => count(d, (v) => v.ack && !v.relayed)),
    relayOnly: districts.map((d) => count(d, (v) => !v.ack && v.relayed)),
    neither: districts.map((d) => count(d, (v) => !v.ack && !v.relayed)),
  };
}

export function noticeDetail(input: {
  csrf: string;
  tracking: NoticeTracking;
  timeZone: string;
  flash?: string | undefined;
}): SafeHtml {
  const { tracking, timeZone } = input;
  const n = tracking.notice;
  const c = countHops(tracking.recipients);
  const chart = byDistrict(tracking.recipients);
  const waiting = tracking.recipients.filter((r) => !r.acknowledgedAt).length;
  const when = (at: Date) => formatKoreanDateTime(at, timeZone);
  return html`<p><a href="/console/notices">← 공지 목록</a></p>
    <h1>공지 #${n.id}${n.withdrawnAt && ' (철회됨)'}</h1>
    ${input.flash && html`<p class="flash" role="status">${input.flash}</p>`}
    <div class="bubble">${n.body}</div>
    <dl class="facts">
      <dt>보낸 때</dt>
      <dd>${when(n.createdAt)} · ${n.senderLabel}</dd>
      ${
        n.ackDeadline &&
        html`<dt>확인 기한</dt>
          <dd>${when(n.ackDeadline)}</dd>`
      }
      <dt>이장님</dt>
      <dd>${c.heads}명 중 받음 ${c.delivered} · 확인 ${c.acknowledged}</dd>
      <dt>마을방 전달</dt>
      <dd>
        ${c.villages}곳 중
        ${c.relayedVillages}곳${
          Object.keys(tracking.relaysByPlatform).length > 0 &&
          ` (${Object.entries(tracking.relaysByPlatform)
            .map(([p, k]) => `${platformName(p)} ${k}`)
            .join(', ')})`
        }
      </dd>
    </dl>
    ${
      !n.withdrawnAt &&
      waiting > 0 &&
      html`<form method="post" action="/console/notices/${n.id}/remind" class="actions">
        ${csrfField(input.csrf)}
        <button type="submit" class="primary">확인 안 한 이장님께 지금 다시 알리기</button>
      </form>`
    }
    <h2>읍·면별 마을</h2>
    ${stackedBars({
      id: 'notice-by-district',
      caption: '읍·면별 마을 수 (확인·전달 모두 · 확인만 · 전달만 · 아직)',
      categories: chart.districts,
      unit: '곳',
      series: [
        { label: '확인·전달 모두', pattern: 'solid', values: chart.both },
        { label: '확인만', pattern: 'stripes', values: chart.ackOnly },
        { label: '전달만', pattern: 'cross', values: chart.relayOnly },
        { label: '아직', pattern: 'dots', values: chart.neither },
      ],
    })}
    <h2>마을별</h2>
    <div class="table-wrap" id="by-village">
      <table>
        <thead>
          <tr>
            <th scope="col">읍·면</th>
            <th scope="col">마을</th>
            <th scope="col">이장</th>
            <th scope="col">받음</th>
            <th scope="col">확인</th>
            <th scope="col">마을방 전달</th>
          </tr>
        </thead>
        <tbody>
          ${tracking.recipients.map(
            (r) =>
              html`<tr>
                <td>${r.districtName}</td>
                <td>${r.villageName}</td>
                <td>${r.headName ?? '이장'}</td>
                <td>${mark(r.delivered, '받음', '받기 전')}</td>
                <td>
                  ${mark(r.acknowledgedAt !== null, r.acknowledgedAt ? `확인 ${when(r.acknowledgedAt)}` : '', '확인 안 함')}
                </td>
                <td>${mark(r.villageRelayed, '전달됨', '전달 안 됨')}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="muted">아직 빠진 곳: ${missingHops(tracking.recipients).length}건</p>`;
}
