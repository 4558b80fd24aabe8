import type { BroadcastPreview } from '../../core/broadcasts/broadcast.preview.ts';
import { previewText } from '../../core/broadcasts/broadcast.dialog.ts';
import { costInWords } from '../../core/phone/phone.rules.ts';
import type { BroadcastReach } from '../../core/broadcasts/broadcast.usecases.ts';
import { formatKoreanDateTime } from '../../core/time/korean.format.ts';
import { platformName } from './console.broadcasts.form.ts';
import { csrfField, html, type SafeHtml } from './console.html.ts';

/** The 방송 pages' markup: the composer, its preview and confirmation, the list (one broadcast's reach: *.reach.view.ts). */

export type Draft = {
  category: 'general' | 'event' | 'urgent';
  districtCodes: string[];
  villageIds: number[];
  when: 'now' | 'later';
  sendAt: string;
  body: string;
};

export type Places = {
  districts: { code: string; nameKo: string }[];
  villages: { id: number; nameKo: string; districtCode: string }[];
};

const CATEGORY: [Draft['category'], string][] = [
  ['general', '일반'],
  ['event', '행사'],
  ['urgent', '긴급'],
];

/** Check boxes of the places within the sender's scope, grouped by district (a whole district is one box). */
export function placePicker(places: Places, picked: { districtCodes: string[]; villageIds: number[] }): SafeHtml {
  type Group = { district: Places['districts'][number] | null; villages: Places['villages'] };
  const groups: Group[] = places.districts.length
    ? places.districts.map((d) => ({ district: d, villages: places.villages.filter((v) => v.districtCode === d.code) }))
    : [{ district: null, villages: places.villages }];
  const orphans = places.villages.filter((v) => !places.districts.some((d) => d.code === v.districtCode));
  if (places.districts.length && orphans.length) groups.push({ district: null, villages: orphans });
  return html`<fieldset class="places">
    <legend>받는 곳 (고르지 않으면 맡으신 곳 전체)</legend>
    ${groups.map(
      (g) =>
        html`<div class="place-group">
          ${
            g.district &&
            html`<label class="check"
              ><input
                type="checkbox"
                name="district"
                value="${g.district.code}"
                ${picked.districtCodes.includes(g.district.code) && 'checked'}
              />
              <strong>${g.district.nameKo} 전체</strong></label
            >`
          }
          ${g.villages.map(
            (v) =>
              html`<label class="check"
                ><input
                  type="checkbox"
                  name="village"
                  value="${v.id}"
                  ${picked.villageIds.includes(v.id) && 'checked'}
                />
                ${v.nameKo}</label
              >`,
          )}
        </div>`,
    )}
  </fieldset>`;
}

/** The composer, filled with the draft when it comes back (고치기, or a refusal). */
export function composer(input: { csrf: string; places: Places; draft: Draft; error?: string | undefined }): SafeHtml {
  const { draft } = input;
  return html`<section class="card">
    <h2>새 마을방송</h2>
    ${input.error && html`<p class="flash error" role="alert">${input.error}</p>`}
    <form method="post" action="/console/broadcasts/preview" class="stack">
      ${csrfField(input.csrf)}
      <fieldset class="inline">
        <legend>종류</legend>
        ${CATEGORY.map(
          ([value, label]) =>
            html`<label class="check"
              ><input type="radio" name="category" value="${value}" ${draft.category === value && 'checked'} />
              ${label}</label
            >`,
        )}
      </fieldset>
      ${placePicker(input.places, draft)}
      <fieldset class="inline">
        <legend>보낼 때</legend>
        <label class="check"
          ><input type="radio" name="when" value="now" ${draft.when === 'now' && 'checked'} /> 지금</label
        >
        <label class="check"
          ><input type="radio" name="when" value="later" ${draft.when === 'later' && 'checked'} /> 예약</label
        >
        <label>예약 시각 <input type="datetime-local" name="sendAt" value="${draft.sendAt}" /></label>
      </fieldset>
      <label class="wide">내용 <textarea name="body" required maxlength="1000">${draft.body}</textarea></label>
      <div class="actions"><button type="submit" class="primary">미리보기</button></div>
    </form>
  </section>`;
}

/** The draft again as hidden fields: what 보내기 sends is what was previewed. */
function hiddenDraft(draft: Draft): SafeHtml {
  return html`<input type="hidden" name="category" value="${draft.category}" />
    <input type="hidden" name="when" value="${draft.when}" />
    <input type="hidden" name="sendAt" value="${draft.sendAt}" />
    <input type="hidden" name="body" value="${draft.body}" />
    ${draft.districtCodes.map((c) => html`<input type="hidden" name="district" value="${c}" />`)}
    ${draft.villageIds.map((id) => html`<input type="hidden" name="village" value="${id}" />`)}`;
}

/** Fields the preview carries beyond those shown here (another channel's counts, a cost): shown as given. */
const SHOWN = new Set([
  'kind',
  'places',
  'people',
  'peopleTotal',
  'residentsTotal',
  'others',
  'digest',
  'groupChats',
  'groupChatsTotal',
  'held',
  'urgent',
  'sendAt',
  'scheduled',
  'message',
  'cost',
]);

function extraFacts(preview: BroadcastPreview): SafeHtml {
  const extra = Object.entries(preview).filter(([k, v]) => !SHOWN.has(k) && v !== undefined && v !== null);
  if (extra.length === 0) return html``;
  const show = (v: unknown): string =>
    Array.isArray(v)
      ? v.map((x) => (typeof x === 'object' && x ? Object.values(x).join(' ') : String(x))).join(' · ')
      : typeof v === 'object' && v
        ? Object.entries(v)
            .map(([a, b]) => `${a} ${String(b)}`)
            .join(' · ')
        : String(v);
  return html`<dl class="facts">
    ${extra.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${show(v)}</dd>`,
    )}
  </dl>`;
}

/** The preview: the chat's own confirmation text (the same function), the message as residents see it, 보내기. */
export function previewView(input: {
  csrf: string;
  draft: Draft;
  preview: BroadcastPreview;
  previewedAt: Date;
  timeZone: string;
  lead?: string | undefined;
}): SafeHtml {
  const { preview: p, draft } = input;
  return html`<section class="card" aria-labelledby="preview-title">
    <h2 id="preview-title">${p.urgent ? '긴급 ' : ''}마을방송 미리보기 — 아직 보내지 않았습니다</h2>
    ${input.lead && html`<p class="flash">${input.lead}</p>`}
    <div class="preview-grid">
      <div>
        <h3>주민께는 이렇게 보입니다</h3>
        <div class="bubble" data-testid="resident-view">${p.message.text}</div>
      </div>
      <div>
        <h3>받는 분</h3>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">경로</th>
                <th scope="col">인원</th>
              </tr>
            </thead>
            <tbody>
              ${p.people.map(
                (c) =>
                  html`<tr>
                    <td>${platformName(c.platform)}</td>
                    <td>${c.count}명</td>
                  </tr>`,
              )}
              ${p.groupChats.map(
                (c) =>
                  html`<tr>
                    <td>마을 단체방 (${platformName(c.platform)})</td>
                    <td>${c.count}곳</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
        ${
          p.cost &&
          p.cost.length > 0 &&
          html`<h3>예상 비용 (첫 통화 기준)</h3>
            <ul id="cost">
              ${costInWords(p.cost).map((line) => html`<li>${line}</li>`)}
            </ul>`
        }
        ${extraFacts(p)}
      </div>
    </div>
    <h3>채팅에서 보시는 확인과 같습니다</h3>
    <pre class="chat-text">${previewText(p, input.timeZone)}</pre>
    <div class="actions">
      <form method="post" action="/console/broadcasts/send">
        ${csrfField(input.csrf)} ${hiddenDraft(draft)}
        <input type="hidden" name="previewedAt" value="${input.previewedAt.toISOString()}" />
        <button type="submit" class="primary">보내기</button>
      </form>
      <form method="post" action="/console/broadcasts/edit">
        ${csrfField(input.csrf)} ${hiddenDraft(draft)}
        <button type="submit">고치기</button>
      </form>
    </div>
  </section>`;
}

const excerpt = (body: string, max = 40) => ([...body].length > max ? `${[...body].slice(0, max).join('')}…` : body);

/** The recent broadcasts of the viewer's scope with their totals; each links to its reach. */
export function recentList(items: BroadcastReach[], timeZone: string): SafeHtml {
  if (items.length === 0) return html`<p class="muted">최근 보낸 마을방송이 없습니다.</p>`;
  const sum = (b: BroadcastReach, k: 'sent' | 'queued' | 'failed') => b.byPlatform.reduce((s, p) => s + p[k], 0);
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          <th scope="col">번호</th>
          <th scope="col">보낸 때</th>
          <th scope="col">내용</th>
          <th scope="col">보냄</th>
          <th scope="col">대기</th>
          <th scope="col">실패</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (b) =>
            html`<tr>
              <td><a href="/console/broadcasts/${b.id}">#${b.id}</a></td>
              <td>${formatKoreanDateTime(b.sendAt, timeZone)}${!b.fannedOutAt && ' (예약)'}</td>
              <td>${excerpt(b.body)}</td>
              <td>${sum(b, 'sent')}</td>
              <td>${sum(b, 'queued')}</td>
              <td>${sum(b, 'failed')}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function emptyDraft(): Draft {
  return { category: 'general', districtCodes: [], villageIds: [], when: 'now', sendAt: '', body: '' };
}
