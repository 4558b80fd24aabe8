import type { BroadcastDetail, NonreceiptList } from '../../core/broadcasts/broadcast.reach.usecases.ts';
import { formatKoreanDateTime } from '../../core/time/korean.format.ts';
import { platformName } from './console.broadcasts.form.ts';
import { stackedBars } from './console.charts.ts';
import { csrfField, html, type SafeHtml } from './console.html.ts';

/** One broadcast's page: its reach by village and by platform (charts with their tables), and who it has not reached. */

/** One broadcast: reach by village (chart and table), by platform, and who it has not reached. */
export function detailView(input: {
  csrf: string;
  detail: Extract<BroadcastDetail, { kind: 'detail' }>;
  nonreceipt: NonreceiptList;
  timeZone: string;
  flash?: string | undefined;
}): SafeHtml {
  const { detail, timeZone } = input;
  const b = detail.broadcast;
  const villageRows = detail.villages.filter((v) => v.byPlatform.length > 0);
  // A delivery that fell back has two rows (the failed one and the one sent): people are counted by their outcome.
  const of = (v: (typeof villageRows)[number], k: 'sent' | 'queued' | 'failed') =>
    v.byPlatform.reduce((sum, p) => sum + p[k] - (k === 'failed' ? p.fallback : 0), 0);
  const platforms = detail.total ?? mergePlatforms(detail.villages.map((v) => v.byPlatform));
  return html`<p><a href="/console/broadcasts">← 마을방송 목록</a></p>
    <h1>마을방송 #${b.id}</h1>
    ${input.flash && html`<p class="flash" role="status">${input.flash}</p>`}
    <dl class="facts">
      <dt>보낸 때</dt>
      <dd>${formatKoreanDateTime(b.sendAt, timeZone)}${!b.fannedOutAt && ' (예약: 아직 보내지 않았습니다)'}</dd>
      <dt>보낸 이</dt>
      <dd>${b.senderLabel}</dd>
      <dt>상태</dt>
      <dd>${!b.fannedOutAt ? '예약' : detail.sending ? '보내는 중 (숫자가 바뀝니다)' : '보내기 끝남'}</dd>
    </dl>
    <div class="bubble">${b.body}</div>
    ${
      !b.fannedOutAt &&
      html`<form method="post" action="/console/broadcasts/${b.id}/cancel" class="actions">
        ${csrfField(input.csrf)}<button type="submit" class="danger">예약 취소</button>
      </form>`
    }
    <h2>마을별 전달</h2>
    ${
      villageRows.length
        ? stackedBars({
            id: 'reach-by-village',
            caption: '마을별 받은 분 (보냄 · 대기 · 실패)',
            categories: villageRows.map((v) => v.villageName),
            unit: '명',
            series: [
              { label: '보냄', pattern: 'solid', values: villageRows.map((v) => of(v, 'sent')) },
              { label: '대기', pattern: 'stripes', values: villageRows.map((v) => of(v, 'queued')) },
              { label: '실패', pattern: 'dots', values: villageRows.map((v) => of(v, 'failed')) },
            ],
          })
        : html`<p class="muted">아직 마을별로 셀 전달이 없습니다.</p>`
    }
    <h2>경로별 전달</h2>
    ${
      platforms.length
        ? stackedBars({
            id: 'reach-by-platform',
            caption: '경로별 받은 분 (보냄 · 대기 · 실패; 대체 경로로 간 분은 보냄에 포함)',
            categories: platforms.map((p) => `${platformName(p.platform)}${p.fallback ? ` (대체 ${p.fallback})` : ''}`),
            unit: '명',
            series: [
              { label: '보냄', pattern: 'solid', values: platforms.map((p) => p.sent) },
              { label: '대기', pattern: 'stripes', values: platforms.map((p) => p.queued) },
              { label: '실패', pattern: 'dots', values: platforms.map((p) => p.failed) },
            ],
          })
        : html`<p class="muted">아직 전달이 없습니다.</p>`
    }
    <h2>못 받은 주민</h2>
    ${nonreceiptView(input.nonreceipt)}`;
}

function mergePlatforms(
  lists: { platform: string; queued: number; sent: number; failed: number; fallback: number }[][],
) {
  const merged = new Map<
    string,
    { platform: string; queued: number; sent: number; failed: number; fallback: number }
  >();
  for (const p of lists.flat()) {
    const m = merged.get(p.platform) ?? { platform: p.platform, queued: 0, sent: 0, failed: 0, fallback: 0 };
    merged.set(p.platform, {
      platform: p.platform,
      queued: m.queued + p.queued,
      sent: m.sent + p.sent,
      failed: m.failed + p.failed,
      fallback: m.fallback + p.fallback,
    });
  }
  return [...merged.values()].sort((a, b) => a.platform.localeCompare(b.platform));
}

function nonreceiptView(list: NonreceiptList): SafeHtml {
  if (list.kind === 'not_fanned_out') return html`<p class="muted">예약된 방송은 보낸 뒤에 볼 수 있습니다.</p>`;
  if (list.kind !== 'list') return html``;
  if (list.villages.length === 0)
    return html`<p>${list.sending ? '지금까지 못 받은 주민이 없습니다 (보내는 중).' : '모든 주민이 받았습니다.'}</p>`;
  return html`${list.sending && html`<p class="muted">아직 보내는 중입니다: 이 중에는 곧 받으실 분도 있습니다.</p>`}
    <div class="table-wrap" id="nonreceipt">
      <table>
        <thead>
          <tr>
            <th scope="col">마을</th>
            <th scope="col">인원</th>
            <th scope="col">주민</th>
          </tr>
        </thead>
        <tbody>
          ${list.villages.map(
            (v) =>
              html`<tr>
                <td>${v.villageName}</td>
                <td>${v.names.length}명</td>
                <td>${v.names.join(', ')}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}
