import type { AssemblyStatus } from '../../core/votes/assembly.usecases.ts';
import type { BudgetRound, Proposal } from '../../core/votes/budget.usecases.ts';
import type { PollStatus } from '../../core/votes/poll.status.usecases.ts';
import { closeCheckLine, kindLabel, resultLines } from '../../core/votes/votes.notify.ts';
import { formatKrw } from '../../core/votes/votes.rules.ts';
import { formatKoreanDateTime } from '../../core/time/korean.format.ts';
import { csrfField, html, type SafeHtml } from './console.html.ts';

/**
 * The 투표 page's markup, as cards (.thread) rather than tables so that a phone shows dates whole. Secret ballots:
 * only counts of who took part (turnout) are shown, and a poll's results only once it is closed — the usecase gives
 * `ranked` only then. Nobody's choice exists to show (poll.repository keeps ballots apart from voters).
 */

export type ScreenRound = { round: BudgetRound; districtName: string | null; proposals: Proposal[] };

const pollStatusWord = { scheduled: '시작 전', open: '진행 중', closed: '마감' } as const;
const roundStatusWord = { proposals: '제안 받는 중', screening: '심사 중', voting: '투표 중', closed: '마침' } as const;
const proposalStatusWord = { submitted: '심사 전', accepted: '채택', rejected: '반려' } as const;

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);

export function pollsSection(polls: readonly PollStatus[], timeZone: string): SafeHtml {
  const when = (at: Date) => formatKoreanDateTime(at, timeZone);
  return html`<section class="card" id="polls">
    <h2>투표</h2>
    ${
      polls.length === 0
        ? html`<p class="muted">맡으신 곳의 투표가 아직 없습니다. 채팅에서 "투표 만들기"로 만들 수 있습니다.</p>`
        : html`<ul class="thread">
            ${polls.map(
              (s) =>
                html`<li data-poll="${s.poll.id}">
                  <strong>#${s.poll.id} ${s.poll.question}</strong>
                  <div class="meta">
                    ${kindLabel(s.poll)} · ${pollStatusWord[s.poll.status]} · ${when(s.poll.opensAt)} ~
                    ${when(s.poll.closesAt)}
                  </div>
                  <div class="turnout">
                    투표 ${s.voters}명 / 선거인 ${s.electorate}명 (${percent(s.voters, s.electorate)}%)
                  </div>
                  <div class="results">
                    ${
                      s.ranked
                        ? html`${resultLines(s.ranked).map((line) => html`<div>${line}</div>`)}
                            <span class="muted"
                              >${closeCheckLine(s.poll.votersAtClose ?? 0, s.poll.ballotsAtClose ?? 0)}</span
                            >`
                        : html`<span class="muted">결과는 마감 뒤에 볼 수 있습니다 (비밀투표)</span>`
                    }
                  </div>
                </li>`,
            )}
          </ul>`
    }
  </section>`;
}

/** Accept, or reject with the reason the proposer is told — while the round still takes decisions. */
function screenForms(csrf: string, p: Proposal): SafeHtml {
  return html`<div class="actions">
    <form method="post" action="/console/votes/proposals/${p.id}/accept">
      ${csrfField(csrf)}
      <button type="submit" class="primary">채택</button>
    </form>
    <form method="post" action="/console/votes/proposals/${p.id}/reject">
      ${csrfField(csrf)}
      <label
        >반려 사유 (제안하신 분께 전합니다)
        <input name="reason" required maxlength="300" aria-label="제안 #${p.id} 반려 사유"
      /></label>
      <button type="submit" class="danger">반려</button>
    </form>
  </div>`;
}

export function budgetSection(input: { csrf: string; rounds: readonly ScreenRound[] }): SafeHtml {
  return html`<section class="card" id="budget">
    <h2>주민참여예산 제안 심사</h2>
    ${
      input.rounds.length === 0
        ? html`<p class="muted">맡으신 곳에 진행 중인 주민참여예산이 없습니다.</p>`
        : input.rounds.map(({ round, districtName, proposals }) => {
            const open = round.status === 'proposals' || round.status === 'screening';
            const waiting = proposals.filter((p) => p.status === 'submitted').length;
            return html`<article data-round="${round.id}">
              <h3>#${round.id} ${districtName ?? ''} 「${round.title}」</h3>
              <p>
                예산 ${formatKrw(round.budgetKrw)} · ${roundStatusWord[round.status]} · 심사 기다리는 제안 ${waiting}건
              </p>
              ${
                proposals.length === 0
                  ? html`<p class="muted">제안이 아직 없습니다.</p>`
                  : html`<ul class="thread">
                      ${proposals.map(
                        (p) =>
                          html`<li data-proposal="${p.id}">
                            <strong>#${p.id} 「${p.title}」</strong> ${formatKrw(p.costKrw)} —
                            <span class="status">${proposalStatusWord[p.status]}</span>
                            ${p.rejectReason && html`<span class="muted">(사유: ${p.rejectReason})</span>`}
                            <div class="body">${p.description}</div>
                            ${open && p.status === 'submitted' && screenForms(input.csrf, p)}
                          </li>`,
                      )}
                    </ul>`
              }
            </article>`;
          })
    }
  </section>`;
}

export function assembliesSection(list: readonly AssemblyStatus[], timeZone: string): SafeHtml {
  return html`<section class="card" id="assemblies">
    <h2>주민총회</h2>
    ${
      list.length === 0
        ? html`<p class="muted">맡으신 곳의 주민총회가 없습니다.</p>`
        : html`<ul class="thread">
            ${list.map(
              (s) =>
                html`<li data-assembly="${s.assembly.id}">
                  <strong>#${s.assembly.id} ${s.assembly.title}</strong>
                  <div class="meta">
                    ${formatKoreanDateTime(s.assembly.startsAt, timeZone)},
                    ${s.assembly.place}${s.assembly.closedAt && ' · 마침'}
                  </div>
                  <div class="attendance">
                    출석 ${s.attended}명 / 등록 주민 ${s.residents}명 (${s.quorum.sharePercent}%) · 정족수
                    ${s.assembly.quorumPercent}% = ${s.quorum.needed}명
                    <span class="${s.quorum.met ? 'status-ok' : 'status-missing'}"
                      >${s.quorum.met ? '충족' : '미달'}</span
                    >
                  </div>
                  ${s.agenda.map(
                    (a) => html`<div class="agenda">안건 #${a.poll.id} ${a.poll.question} — 투표 ${a.voters}명</div>`,
                  )}
                </li>`,
            )}
          </ul>`
    }
  </section>`;
}
