import { type Request, type Response, Router } from 'express';
import { composerPlaces, scopeOfPicks } from '../../core/broadcasts/broadcast.compose.usecases.ts';
import { senderLabelFor } from '../../core/broadcasts/broadcast.usecases.ts';
import type { Viewer } from '../../core/console/console.usecases.ts';
import { remindNoticeNow } from '../../core/notices/notice.followup.ts';
import { previewNotice } from '../../core/notices/notice.preview.ts';
import { recentNotices, trackNotice } from '../../core/notices/notice.status.ts';
import { NOTICE_MAX_LENGTH } from '../../core/notices/notice.text.ts';
import { type NoticeDraft, type NoticeRefusal, sendNotice } from '../../core/notices/notice.usecases.ts';
import { josa } from '../../core/text/korean.text.ts';
import { formatKoreanDateTime } from '../../core/time/korean.format.ts';
import type { DbOrTx } from '../../db/db.client.ts';
import { field, fields, idParam, ids, parseLocal } from './console.broadcasts.form.ts';
import { chartHead } from './console.charts.ts';
import { html, sendPage } from './console.html.ts';
import {
  emptyNotice,
  noticeComposer,
  noticeDetail,
  type NoticeForm,
  noticeList,
  noticePreviewView,
} from './console.notices.view.ts';
import type { ConsolePage } from './console.pages.ts';
import { previewStillFresh, STALE_PREVIEW_NOTE } from '../../core/broadcasts/broadcast.rules.ts';

/**
 * 공지: to the village heads of places within the sender's scope — compose → the preview chat shows → 보내기, by the
 * usecases chat uses (they record the audit line). Each notice's acknowledgement and relay per village as a table
 * and a chart, and "지금 다시 알리기" (the follow-up job's reminder, at once).
 */
export const noticesPage: ConsolePage = {
  path: '/notices',
  title: '공지',
  nav: true,
  requires: { action: 'notice.send' },
  router(deps) {
    const router = Router();
    const viewerOf = (res: Response) => res.locals.viewer as Viewer;
    const tz = deps.timezone;
    const show = (res: Response, input: Parameters<typeof sendPage>[1]) =>
      sendPage(res, { head: chartHead({ charts: false }), active: '/notices', ...input });

    async function index(res: Response, input: { form?: NoticeForm; error?: string; status?: number } = {}) {
      const viewer = viewerOf(res);
      const places = await composerPlaces({ tx: deps.db, grants: viewer.grants });
      const recent = await recentNotices({ tx: deps.db, viewer: viewer.grants, limit: 20 });
      const items = [];
      for (const notice of recent) {
        const tracking = await trackNotice({ tx: deps.db, viewer: viewer.grants, noticeId: notice.id });
        if (tracking) items.push({ notice, tracking });
      }
      show(res, {
        title: '공지',
        status: input.status,
        body: html`<h1>이장 공지</h1>
          ${
            places &&
            noticeComposer({ csrf: viewer.csrf, places, form: input.form ?? emptyNotice(), error: input.error })
          }
          <section class="card">
            <h2>최근 공지</h2>
            ${noticeList(items, tz)}
          </section>`,
      });
    }

    async function readForm(req: Request, res: Response, tx: DbOrTx) {
      const viewer = viewerOf(res);
      const form: NoticeForm = {
        priority: field(req, 'priority') === 'high' ? 'high' : 'normal',
        districtCodes: [...new Set(fields(req, 'district'))],
        villageIds: ids(req, 'village'),
        deadline: field(req, 'deadline'),
        body: field(req, 'body'),
      };
      const places = await composerPlaces({ tx, grants: viewer.grants });
      if (!places) return { form, error: '공지를 보낼 권한이 없습니다.' };
      const ackDeadline = form.deadline.trim() ? parseLocal(form.deadline, tz) : undefined;
      if (ackDeadline === null) return { form, error: '확인 기한을 날짜와 시각으로 골라 주세요.' };
      const draft: NoticeDraft = {
        tx,
        deps,
        sender: {
          memberId: viewer.memberId,
          grants: viewer.grants,
          label: await senderLabelFor({ tx, grants: viewer.grants }),
        },
        scope: scopeOfPicks({ widest: places.widest, ...form, villages: places.villages }),
        priority: form.priority,
        body: form.body,
        ackDeadline,
        via: 'console',
      };
      return { form, draft };
    }

    async function showPreview(req: Request, res: Response, lead?: string) {
      const read = await readForm(req, res, deps.db);
      if (!read.draft) return index(res, { form: read.form, error: read.error, status: 422 });
      const preview = await previewNotice(read.draft);
      if (preview.kind !== 'preview') return index(res, { form: read.form, error: refusal(preview, tz), status: 422 });
      show(res, {
        title: '공지 미리보기',
        body: html`<h1>공지 미리보기</h1>
          ${noticePreviewView({
            csrf: viewerOf(res).csrf,
            form: read.form,
            preview,
            previewedAt: deps.clock.now(),
            timeZone: tz,
            lead,
          })}`,
      });
    }

    router.get('/', async (_req, res) => index(res));
    router.post('/preview', async (req, res) => showPreview(req, res));
    router.post('/edit', async (req, res) => index(res, { form: (await readForm(req, res, deps.db)).form }));

    router.post('/send', async (req, res) => {
      if (!previewStillFresh(field(req, 'previewedAt'), deps.clock.now()))
        return showPreview(req, res, STALE_PREVIEW_NOTE);
      const { read, result } = await deps.db.transaction(async (tx) => {
        const read = await readForm(req, res, tx);
        return { read, result: read.draft ? await sendNotice(read.draft) : null };
      });
      if (!result) return index(res, { form: read.form, error: read.error, status: 422 });
      if (result.kind !== 'sent') return index(res, { form: read.form, error: refusal(result, tz), status: 422 });
      deps.afterWrite();
      res.redirect(303, `/console/notices/${result.noticeId}?done=sent`);
    });

    router.get('/:id', async (req, res) => {
      const id = idParam(req.params.id);
      const viewer = viewerOf(res);
      const tracking = id ? await trackNotice({ tx: deps.db, viewer: viewer.grants, noticeId: id }) : null;
      if (!tracking) return notFound(res);
      const done = req.query.done;
      const flash =
        done === 'sent'
          ? '공지를 보냈습니다. 확인과 전달은 이장님이 하시는 대로 바뀝니다 (새로 고침).'
          : typeof done === 'string' && /^reminded:\d+$/.test(done)
            ? `확인하지 않은 이장님 ${done.split(':')[1]}명께 다시 알렸습니다.`
            : done === 'nobody'
              ? '다시 알릴 이장님이 없습니다 (모두 확인했거나, 한 시간 안에 이미 알렸습니다).'
              : undefined;
      sendPage(res, {
        title: `공지 #${tracking.notice.id}`,
        active: '/notices',
        head: chartHead(),
        body: noticeDetail({ csrf: viewer.csrf, tracking, timeZone: tz, flash }),
      });
    });

    router.post('/:id/remind', async (req, res) => {
      const id = idParam(req.params.id);
      if (!id) return notFound(res);
      const viewer = viewerOf(res);
      const result = await deps.db.transaction((tx) =>
        remindNoticeNow({
          tx,
          deps,
          viewer: viewer.grants,
          actor: { memberId: viewer.memberId, via: 'console' },
          noticeId: id,
        }),
      );
      if (result.kind === 'not_found') return notFound(res);
      if (result.kind === 'reminded') deps.afterWrite();
      const done = result.kind === 'reminded' ? `reminded:${result.heads}` : 'nobody';
      res.redirect(303, `/console/notices/${id}?done=${done}`);
    });

    function notFound(res: Response) {
      show(res, {
        title: '공지',
        status: 404,
        body: html`<p class="flash error">찾을 수 없거나 맡으신 곳에 보낸 공지가 아닙니다.</p>
          <p><a href="/console/notices">← 공지 목록</a></p>`,
      });
    }
    return router;
  },
};

/** Why the usecase refused, in the words chat uses. */
function refusal(result: NoticeRefusal, tz: string): string {
  const when = (at: Date) => formatKoreanDateTime(at, tz);
  switch (result.kind) {
    case 'forbidden':
      return '고르신 곳에는 공지를 보낼 권한이 없습니다. 맡으신 곳으로만 보낼 수 있습니다.';
    case 'empty':
      return '보낼 내용이 비어 있습니다.';
    case 'too_long':
      return `공지 내용은 ${NOTICE_MAX_LENGTH}자 이내로 적어 주세요. (지금 ${result.length}자)`;
    case 'deadline_past':
      return `확인 기한 ${josa(when(result.deadline), '은/는')} 이미 지났습니다.`;
    case 'deadline_too_far':
      return `확인 기한 ${josa(when(result.deadline), '이/가')} 너무 멉니다.`;
  }
}
