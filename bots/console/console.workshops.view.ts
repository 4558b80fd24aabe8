import type { Attendee, StatusResult } from '../../core/workshops/workshop.staff.usecases.ts';
import type { Workshop } from '../../core/workshops/workshop.usecases.ts';
import { formatKoreanDateTime } from '../../core/time/korean.format.ts';
import { localValue } from './console.broadcasts.form.ts';
import { stackedBars } from './console.charts.ts';
import { csrfField, html, type SafeHtml } from './console.html.ts';

/** The 교육 pages' markup: the list with the form that makes one, and one workshop with its forms and lists. */

export type WorkshopForm = {
  title: string;
  where: string;
  place: string;
  startsAt: string;
  minutes: string;
  capacity: string;
  closesDaysBefore: string;
  contact: string;
};

export const emptyWorkshop = (): WorkshopForm => ({
  title: '',
  where: '',
  place: '',
  startsAt: '',
  minutes: '120',
  capacity: '20',
  closesDaysBefore: '3',
  contact: '',
});

type Option = { value: string; label: string };

export function createForm(input: {
  csrf: string;
  districts: Option[];
  form: WorkshopForm;
  error?: string | undefined;
}): SafeHtml {
  const { form } = input;
  return html`<section class="card">
    <h2>새 교육</h2>
    ${input.error && html`<p class="flash error" role="alert">${input.error}</p>`}
    <form method="post" action="/console/workshops/create" class="stack">
      ${csrfField(input.csrf)}
      <label class="wide">제목 <input name="title" required maxlength="200" value="${form.title}" /></label>
      <fieldset class="inline">
        <legend>어디서</legend>
        <label
          >읍·면
          <select name="where">
            ${input.districts.map(
              (d) => html`<option value="${d.value}" ${form.where === d.value && 'selected'}>${d.label}</option>`,
            )}
          </select></label
        >
        <label>장소 <input name="place" required maxlength="200" value="${form.place}" /></label>
        <label>문의처 (없으면 읍·면사무소) <input name="contact" maxlength="100" value="${form.contact}" /></label>
      </fieldset>
      <fieldset class="inline">
        <legend>언제, 몇 분</legend>
        <label>시작 <input type="datetime-local" name="startsAt" required value="${form.startsAt}" /></label>
        <label
          >시간(분) <input type="number" name="minutes" min="10" max="1440" required value="${form.minutes}"
        /></label>
        <label
          >정원 <input type="number" name="capacity" min="1" max="10000" required value="${form.capacity}"
        /></label>
        <label
          >신청 마감 (시작 며칠 전)
          <input type="number" name="closesDaysBefore" min="0" max="60" required value="${form.closesDaysBefore}"
        /></label>
      </fieldset>
      <div class="actions"><button type="submit" class="primary">만들고 알리기</button></div>
    </form>
  </section>`;
}

export function workshopList(items: Extract<StatusResult, { kind: 'all' }>['items'], timeZone: string): SafeHtml {
  if (items.length === 0) return html`<p class="muted">다가오는 교육이 없습니다.</p>`;
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          <th scope="col">번호</th>
          <th scope="col">일시</th>
          <th scope="col">제목</th>
          <th scope="col">장소</th>
          <th scope="col">확정</th>
          <th scope="col">대기</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          ({ workshop: w, fill }) =>
            html`<tr>
              <td><a href="/console/workshops/${w.id}">#${w.id}</a></td>
              <td>${formatKoreanDateTime(w.startsAt, timeZone)}</td>
              <td><a href="/console/workshops/${w.id}">${w.title}</a></td>
              <td>${w.place}</td>
              <td>${fill.confirmed}/${w.capacity}</td>
              <td>${fill.waitlisted}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

const hours = (minutes: number) => {
  const h = Math.floor(minutes / 60);
  return h ? `${h}시간${minutes % 60 ? ` ${minutes % 60}분` : ''}` : `${minutes}분`;
};

export function workshopDetail(input: {
  csrf: string;
  result: Extract<StatusResult, { kind: 'one' }>;
  timeZone: string;
  flash?: string | undefined;
  error?: string | undefined;
}): SafeHtml {
  const { result, timeZone, csrf } = input;
  const w: Workshop = result.workshop;
  const at = (d: Date) => formatKoreanDateTime(d, timeZone);
  const confirmed = result.attendees.filter((a) => a.status === 'confirmed');
  const waiting = result.attendees.filter((a) => a.status === 'waitlisted');
  const cancelled = w.status === 'cancelled';
  const attended = confirmed.filter((a) => a.attendedAt).length;
  const minutes = Math.round((w.endsAt.getTime() - w.startsAt.getTime()) / 60_000);
  return html`<p><a href="/console/workshops">← 교육 목록</a></p>
    <h1>교육 #${w.id} 「${w.title}」${cancelled && ' (취소됨)'}</h1>
    ${input.flash && html`<p class="flash" role="status">${input.flash}</p>`}
    ${input.error && html`<p class="flash error" role="alert">${input.error}</p>`}
    <dl class="facts">
      <dt>일시</dt>
      <dd>${at(w.startsAt)} ~ ${at(w.endsAt)} (${hours(minutes)})</dd>
      <dt>장소</dt>
      <dd>${w.place}</dd>
      <dt>문의</dt>
      <dd>${w.contact ?? '-'}</dd>
      <dt>출석 번호</dt>
      <dd>${w.checkInCode}</dd>
      <dt>신청</dt>
      <dd>확정 ${result.fill.confirmed}/${w.capacity} · 대기 ${result.fill.waitlisted} · 출석 ${attended}</dd>
    </dl>
    ${stackedBars({
      id: 'workshop-fill',
      caption: '신청과 출석',
      categories: ['신청'],
      unit: '명',
      series: [
        { label: '출석', pattern: 'solid', values: [attended] },
        { label: '확정(출석 전)', pattern: 'stripes', values: [confirmed.length - attended] },
        { label: '대기', pattern: 'dots', values: [waiting.length] },
      ],
    })}
    <p><a class="button" href="/console/workshops/${w.id}/signups.csv" download>명단 CSV 내려받기</a></p>
    <h2>출석 표시</h2>
    ${
      confirmed.length === 0
        ? html`<p class="muted">확정된 신청이 없습니다.</p>`
        : html`<form method="post" action="/console/workshops/${w.id}/attendance">
            ${csrfField(csrf)}
            <div class="table-wrap" id="attendees">
              <table>
                <thead>
                  <tr>
                    <th scope="col">출석</th>
                    <th scope="col">번호</th>
                    <th scope="col">이름</th>
                    <th scope="col">출석 시간</th>
                  </tr>
                </thead>
                <tbody>
                  ${confirmed.map((a: Attendee, i) => attendeeRow(a, i + 1))}
                </tbody>
              </table>
            </div>
            <div class="actions"><button type="submit" class="primary">고른 분 출석 표시</button></div>
          </form>`
    }
    <h2>대기</h2>
    ${
      waiting.length === 0
        ? html`<p class="muted">대기하는 분이 없습니다.</p>`
        : html`<ol id="waitlist">
            ${waiting.map((a) => html`<li>${a.name}</li>`)}
          </ol>`
    }
    ${!cancelled && changeForms(csrf, w, timeZone)}`;
}

function attendeeRow(a: Attendee, n: number): SafeHtml {
  const marked = a.attendedAt !== null;
  return html`<tr>
    <td>
      <label class="check"
        ><input type="checkbox" name="signup" value="${a.signupId}" ${marked && 'checked disabled'} />
        <span class="${marked ? 'status-ok' : ''}">${marked ? '출석함' : '출석'}</span></label
      >
    </td>
    <td>${n}</td>
    <td>${a.name}</td>
    <td>${marked ? hours(a.attendedMinutes) : '-'}</td>
  </tr>`;
}

function changeForms(csrf: string, w: Workshop, timeZone: string): SafeHtml {
  return html`<h2>고치기</h2>
    <form method="post" action="/console/workshops/${w.id}/edit" class="stack card">
      ${csrfField(csrf)}
      <label class="wide">제목 <input name="title" required maxlength="200" value="${w.title}" /></label>
      <fieldset class="inline">
        <legend>안내</legend>
        <label>장소 <input name="place" required maxlength="200" value="${w.place}" /></label>
        <label>정원 <input type="number" name="capacity" min="1" max="10000" required value="${w.capacity}" /></label>
        <label>문의처 <input name="contact" maxlength="100" value="${w.contact ?? ''}" /></label>
      </fieldset>
      <div class="actions"><button type="submit">저장 (장소가 바뀌면 신청하신 분께 알립니다)</button></div>
    </form>
    <form method="post" action="/console/workshops/${w.id}/reschedule" class="stack card">
      ${csrfField(csrf)}
      <label
        >새 시작 시각 <input type="datetime-local" name="startsAt" required value="${localValue(w.startsAt, timeZone)}"
      /></label>
      <div class="actions"><button type="submit">일정 바꾸기 (신청하신 분께 알립니다)</button></div>
    </form>
    <form method="post" action="/console/workshops/${w.id}/cancel" class="actions">
      ${csrfField(csrf)}
      <label class="check"
        ><input type="checkbox" name="confirm" value="yes" required /> 취소하면 신청하신 분 모두에게 알립니다</label
      >
      <button type="submit" class="danger">교육 취소</button>
    </form>`;
}
