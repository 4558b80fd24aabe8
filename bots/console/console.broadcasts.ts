import { type Request, type Response, Router } from 'express';
import { composerPlaces, scopeOfPicks } from '../../core/broadcasts/broadcast.compose.usecases.ts';
import { previewBroadcast } from '../../core/broadcasts/broadcast.preview.ts';
import { broadcastNonreceipt, broadcastReachByVillage } from '../../core/broadcasts/broadcast.reach.usecases.ts';
import {
  BROADCAST_MAX_LENGTH,
  type BroadcastDraft,
  broadcastReach,
  cancelScheduledBroadcast,
  type CreateResult,
  SCHEDULE_HORIZON_DAYS,
  senderLabelFor,
  sendBroadcast,
} from '../../core/broadcasts/broadcast.usecases.ts';
import type { Viewer } from '../../core/console/console.usecases.ts';
import type { DbOrTx } from '../../db/db.client.ts';
import { josa } from '../../core/text/korean.text.ts';
import { formatKoreanDateTime } from '../../core/time/korean.format.ts';
import { field, fields, ids, idParam, parseLocal } from './console.broadcasts.form.ts';
import { detailView } from './console.broadcasts.reach.view.ts';
import { composer, type Draft, emptyDraft, previewView, recentList } from './console.broadcasts.view.ts';
import { chartHead } from './console.charts.ts';
import { html, sendPage } from './console.html.ts';
import type { ConsolePage } from './console.pages.ts';
import { previewStillFresh, STALE_PREVIEW_NOTE } from '../../core/broadcasts/broadcast.rules.ts';

/**
 * 방송: compose (places within the sender's scope, 일반 / 행사 / 긴급, now or later) → the preview chat shows, from the
 * same usecase → 보내기 → sent by the same usecase as chat's 보내기 (it records the audit line). Each broadcast's reach
 * by village and platform, and who it has not reached. Authorisation is the usecases': the composer only offers.
 */
export const broadcastsPage: ConsolePage = {
  path: '/broadcasts',
  title: '방송',
  nav: true,
  requires: { action: 'broadcast.send' },
  router(deps) {
    const router = Router();
    const viewerOf = (res: Response) => res.locals.viewer as Viewer;
    const tz = deps.timezone;

    async function index(res: Response, input: { draft?: Draft; error?: string; status?: number } = {}) {
      const viewer = viewerOf(res);
      const places = await composerPlaces({ tx: deps.db, grants: viewer.grants });
      if (!places) return show(res, { title: '방송', active: '/broadcasts', body: html`<p>보낼 곳이 없습니다.</p>` });
      const recent = await broadcastReach({ tx: deps.db, scope: places.widest, limit: 20 });
      show(res, {
        title: '방송',
        active: '/broadcasts',
        status: input.status,
        body: html`<h1>마을방송</h1>
          ${composer({ csrf: viewer.csrf, places, draft: input.draft ?? emptyDraft(), error: input.error })}
          <section class="card">
            <h2>최근 마을방송</h2>
            ${recentList(recent, tz)}
          </section>`,
      });
    }

    /** The form's draft, and the usecases' draft built from it (null with the reason when it is not one yet). */
    async function readDraft(req: Request, res: Response, tx: DbOrTx) {
      const viewer = viewerOf(res);
      const category = field(req, 'category');
      const draft: Draft = {
        category: category === 'event' || category === 'urgent' ? category : 'general',
        districtCodes: [...new Set(fields(req, 'district'))],
        villageIds: ids(req, 'village'),
        when: field(req, 'when') === 'later' ? 'later' : 'now',
        sendAt: field(req, 'sendAt'),
        body: field(req, 'body'),
      };
      const places = await composerPlaces({ tx, grants: viewer.grants });
      if (!places) return { draft, error: '마을방송을 보낼 권한이 없습니다.' };
      const sendAt = draft.when === 'later' ? parseLocal(draft.sendAt, tz) : undefined;
      if (sendAt === null) return { draft, error: '예약 시각을 골라 주세요.' };
      const input: BroadcastDraft = {
        tx,
        deps,
        sender: {
          memberId: viewer.memberId,
          grants: viewer.grants,
          label: await senderLabelFor({ tx, grants: viewer.grants }),
        },
        scope: scopeOfPicks({ widest: places.widest, ...draft, villages: places.villages }),
        category: draft.category,
        body: draft.body,
        sendAt,
        via: 'console',
      };
      return { draft, input };
    }

    async function showPreview(req: Request, res: Response, lead?: string) {
      const read = await readDraft(req, res, deps.db);
      if (!read.input) return index(res, { draft: read.draft, error: read.error, status: 422 });
      const preview = await previewBroadcast(read.input);
      if (preview.kind !== 'preview')
        return index(res, { draft: read.draft, error: refusal(preview, tz), status: 422 });
      show(res, {
        title: '방송 미리보기',
        active: '/broadcasts',
        body: html`<h1>마을방송 미리보기</h1>
          ${previewView({
            csrf: viewerOf(res).csrf,
            draft: read.draft,
            preview,
            previewedAt: deps.clock.now(),
            timeZone: tz,
            lead,
          })}`,
      });
    }

    router.get('/', async (_req, res) => index(res));
    router.post('/preview', async (req, res) => showPreview(req, res));
    router.post('/edit', async (req, res) => index(res, { draft: (await readDraft(req, res, deps.db)).draft }));

    router.post('/send', async (req, res) => {
      // As in chat: a preview older than half an hour is shown again with fresh counts before anything goes out.
      if (!previewStillFresh(field(req, 'previewedAt'), deps.clock.now()))
        return showPreview(req, res, STALE_PREVIEW_NOTE);
      const outcome = await deps.db.transaction(async (tx) => {
        const read = await readDraft(req, res, tx);
        if (!read.input) return { read, result: null };
        return { read, result: await sendBroadcast(read.input) };
      });
      const { read, result } = outcome;
      if (!result) return index(res, { draft: read.draft, error: read.error, status: 422 });
      if (result.kind !== 'sent' && result.kind !== 'scheduled')
        return index(res, { draft: read.draft, error: refusal(result, tz), status: 422 });
      deps.afterWrite();
      res.redirect(303, `/console/broadcasts/${result.broadcastId}?done=${result.kind}`);
    });

    router.get('/:id', async (req, res) => {
      const id = idParam(req.params.id);
      const viewer = viewerOf(res);
      const detail = id ? await broadcastReachByVillage({ tx: deps.db, viewer: viewer.grants, broadcastId: id }) : null;
      if (!id || !detail || detail.kind !== 'detail') return notFound(res);
      const nonreceipt = await broadcastNonreceipt({ tx: deps.db, viewer: viewer.grants, broadcastId: id });
      show(res, {
        title: `방송 #${id}`,
        active: '/broadcasts',
        head: chartHead(),
        body: detailView({ csrf: viewer.csrf, detail, nonreceipt, timeZone: tz, flash: doneText(req.query.done) }),
      });
    });

    router.post('/:id/cancel', async (req, res) => {
      const id = idParam(req.params.id);
      if (!id) return notFound(res);
      const result = await deps.db.transaction((tx) =>
        cancelScheduledBroadcast({
          tx,
          deps,
          sender: { memberId: viewerOf(res).memberId, grants: viewerOf(res).grants },
          broadcastId: id,
          via: 'console',
        }),
      );
      if (result.kind === 'cancelled')
        return index(res, { error: `#${id} 예약 방송을 취소했습니다 (${formatKoreanDateTime(result.sendAt, tz)}).` });
      if (result.kind === 'not_found') return notFound(res);
      res.redirect(303, `/console/broadcasts/${id}`);
    });

    function notFound(res: Response) {
      show(res, {
        title: '방송',
        active: '/broadcasts',
        status: 404,
        body: html`<p class="flash error">찾을 수 없거나 맡으신 곳의 방송이 아닙니다.</p>
          <p><a href="/console/broadcasts">← 마을방송 목록</a></p>`,
      });
    }
    return router;
  },
};

/** Every page here with its style (and the charts' scripts where given). */
function show(res: Response, input: Parameters<typeof sendPage>[1]): void {
  sendPage(res, { head: chartHead({ charts: false }), ...input });
}

function doneText(done: unknown): string | undefined {
  if (done === 'sent') return '보냈습니다. 아래 숫자는 전해지는 대로 바뀝니다 (새로 고침).';
  if (done === 'scheduled') return '예약했습니다. 정한 시각에 보냅니다.';
  return undefined;
}

/** Why the usecase refused, in the words chat uses. */
export function refusal(result: Exclude<CreateResult, { kind: 'sent' | 'scheduled' }>, tz: string): string {
  const when = (at: Date) => formatKoreanDateTime(at, tz);
  switch (result.kind) {
    case 'forbidden':
      return '고르신 곳에는 방송을 보낼 권한이 없습니다. 맡으신 곳으로만 보낼 수 있습니다.';
    case 'empty':
      return '보낼 내용이 비어 있습니다.';
    case 'too_long':
      return `방송 내용은 ${BROADCAST_MAX_LENGTH}자 이내로 적어 주세요. (지금 ${result.length}자)`;
    case 'past':
      return `${josa(when(result.sendAt), '은/는')} 이미 지난 시각입니다. 지금 보내시려면 "지금"을 골라 주세요.`;
    case 'too_far':
      return `${josa(when(result.sendAt), '은/는')} 너무 먼 날입니다. 예약은 ${SCHEDULE_HORIZON_DAYS}일 안쪽으로 해 주세요.`;
  }
}
