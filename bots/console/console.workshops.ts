import { type Request, type Response, Router } from 'express';
import { placeCatalog } from '../../core/broadcasts/broadcast.usecases.ts';
import type { Viewer } from '../../core/console/console.usecases.ts';
import { josa } from '../../core/text/korean.text.ts';
import { formatKoreanDateTime } from '../../core/time/korean.format.ts';
import { markAttendance } from '../../core/workshops/workshop.attendance.usecases.ts';
import { openWorkshop } from '../../core/workshops/workshop.create.usecases.ts';
import { staffSignupsCsv } from '../../core/workshops/workshop.export.ts';
import { mayManage } from '../../core/workshops/workshop.rules.ts';
import {
  cancelWorkshop,
  editWorkshop,
  rescheduleWorkshop,
  workshopStatus,
} from '../../core/workshops/workshop.staff.usecases.ts';
import { field, idParam, ids, parseLocal } from './console.broadcasts.form.ts';
import { chartHead } from './console.charts.ts';
import { html, sendPage } from './console.html.ts';
import type { ConsolePage } from './console.pages.ts';
import {
  createForm,
  emptyWorkshop,
  workshopDetail,
  type WorkshopForm,
  workshopList,
} from './console.workshops.view.ts';

/**
 * 교육: make one by form (announced as chat's 교육 만들기 announces it), edit, reschedule, cancel; sign-ups, the
 * waitlist, attendance marking and the CSV of the list — each through the usecase chat uses (they tell those signed
 * up and record the audit line).
 */
export const workshopsPage: ConsolePage = {
  path: '/workshops',
  title: '교육',
  nav: true,
  requires: { action: 'workshop.manage' },
  router(deps) {
    const router = Router();
    const viewerOf = (res: Response) => res.locals.viewer as Viewer;
    const staffOf = (res: Response) => ({ memberId: viewerOf(res).memberId, grants: viewerOf(res).grants });
    const tz = deps.timezone;
    const at = (d: Date) => formatKoreanDateTime(d, tz);
    const show = (res: Response, input: Parameters<typeof sendPage>[1]) =>
      sendPage(res, { head: chartHead({ charts: false }), active: '/workshops', ...input });

    /** The districts the viewer may make a workshop for; 전체 (county-wide) for county staff. */
    async function districtOptions(res: Response) {
      const grants = viewerOf(res).grants;
      const catalog = await placeCatalog({ tx: deps.db });
      return [
        ...(mayManage(grants, null) ? [{ value: '전체', label: '군 전체' }] : []),
        ...catalog.districts.filter((d) => mayManage(grants, d.code)).map((d) => ({ value: d.code, label: d.nameKo })),
      ];
    }

    async function index(res: Response, input: { form?: WorkshopForm; error?: string; status?: number } = {}) {
      const status = await workshopStatus({ tx: deps.db, deps, staff: staffOf(res) });
      show(res, {
        title: '교육',
        status: input.status,
        body: html`<h1>교육</h1>
          ${createForm({
            csrf: viewerOf(res).csrf,
            districts: await districtOptions(res),
            form: input.form ?? emptyWorkshop(),
            error: input.error,
          })}
          <section class="card">
            <h2>다가오는 교육</h2>
            ${status.kind === 'all' ? workshopList(status.items, tz) : html`<p class="muted">없습니다.</p>`}
          </section>`,
      });
    }

    async function detail(req: Request, res: Response, extra: { error?: string; status?: number } = {}) {
      const id = idParam(String(req.params.id ?? ''));
      const result = id ? await workshopStatus({ tx: deps.db, deps, staff: staffOf(res), workshopId: id }) : null;
      if (!result || result.kind !== 'one') return notFound(res);
      sendPage(res, {
        title: `교육 #${result.workshop.id}`,
        active: '/workshops',
        head: chartHead(),
        status: extra.status,
        body: workshopDetail({
          csrf: viewerOf(res).csrf,
          result,
          timeZone: tz,
          flash: typeof req.query.done === 'string' ? DONE[req.query.done] : undefined,
          error: extra.error,
        }),
      });
    }
    const back = (res: Response, id: number, done: keyof typeof DONE) =>
      res.redirect(303, `/console/workshops/${id}?done=${done}`);

    router.get('/', async (_req, res) => index(res));

    router.post('/create', async (req, res) => {
      const form: WorkshopForm = {
        title: field(req, 'title'),
        where: field(req, 'where'),
        place: field(req, 'place'),
        startsAt: field(req, 'startsAt'),
        minutes: field(req, 'minutes'),
        capacity: field(req, 'capacity'),
        closesDaysBefore: field(req, 'closesDaysBefore'),
        contact: field(req, 'contact'),
      };
      const startsAt = parseLocal(form.startsAt, tz);
      if (!startsAt) return index(res, { form, error: '시작 일시를 골라 주세요.', status: 422 });
      const result = await deps.db.transaction((tx) =>
        openWorkshop({
          tx,
          deps,
          staff: staffOf(res),
          workshop: {
            title: form.title,
            where: form.where,
            place: form.place,
            startsAt,
            minutes: Number(form.minutes),
            capacity: Number(form.capacity),
            closesDaysBefore: Number(form.closesDaysBefore),
            contact: form.contact,
          },
          // No dialog here: the form says the deadline; one already gone is refused with what to change.
          mayAsk: false,
          via: 'console',
        }),
      );
      if (result.kind === 'announced' || result.kind === 'pending') {
        deps.afterWrite();
        return back(res, result.workshop.id, 'created');
      }
      const error =
        result.kind === 'deadline_passed'
          ? `신청 마감(시작 ${result.closesDaysBefore}일 전)이 이미 지났습니다. 마감 일수를 줄이거나 0(시작 전까지)으로 해 주세요.`
          : result.kind === 'unknown_district'
            ? '읍·면을 골라 주세요.'
            : result.kind === 'forbidden'
              ? `${result.districtName ?? '군 전체'} 교육을 만들 권한이 없습니다.`
              : result.kind === 'past'
                ? `${josa(at(startsAt), '은/는')} 이미 지난 시각입니다.`
                : '교육 내용을 확인해 주세요 (제목과 장소, 시간은 24시간 이내, 정원은 1명 이상).';
      return index(res, { form, error, status: 422 });
    });

    router.get('/:id', async (req, res) => detail(req, res));

    router.post('/:id/edit', async (req, res) => {
      const id = idParam(req.params.id);
      if (!id) return notFound(res);
      const result = await deps.db.transaction((tx) =>
        editWorkshop({
          tx,
          deps,
          via: 'console',
          staff: staffOf(res),
          workshopId: id,
          change: {
            title: field(req, 'title'),
            place: field(req, 'place'),
            capacity: Number(field(req, 'capacity')),
            contact: field(req, 'contact') || null,
          },
        }),
      );
      if (result.kind === 'edited') {
        deps.afterWrite();
        return back(res, id, 'edited');
      }
      if (result.kind === 'not_found' || result.kind === 'forbidden') return notFound(res);
      const error =
        result.kind === 'below_confirmed'
          ? `이미 확정된 분이 ${result.confirmed}명이라 정원을 그보다 줄일 수 없습니다.`
          : result.kind === 'cancelled'
            ? '취소된 교육입니다.'
            : '제목과 장소를 적고, 정원은 1명 이상으로 해 주세요.';
      return detail(req, res, { error, status: 422 });
    });

    router.post('/:id/reschedule', async (req, res) => {
      const id = idParam(req.params.id);
      if (!id) return notFound(res);
      const startsAt = parseLocal(field(req, 'startsAt'), tz);
      if (!startsAt) return detail(req, res, { error: '새 시작 일시를 골라 주세요.', status: 422 });
      const result = await deps.db.transaction((tx) =>
        rescheduleWorkshop({ tx, deps, via: 'console', staff: staffOf(res), workshopId: id, startsAt }),
      );
      if (result.kind === 'rescheduled') {
        deps.afterWrite();
        return back(res, id, 'rescheduled');
      }
      if (result.kind === 'not_found' || result.kind === 'forbidden') return notFound(res);
      const error =
        result.kind === 'past'
          ? `${josa(at(startsAt), '은/는')} 이미 지난 시각입니다.`
          : result.kind === 'same'
            ? `이미 ${at(startsAt)}입니다.`
            : '취소된 교육입니다.';
      return detail(req, res, { error, status: 422 });
    });

    router.post('/:id/cancel', async (req, res) => {
      const id = idParam(req.params.id);
      if (!id) return notFound(res);
      if (field(req, 'confirm') !== 'yes') return detail(req, res, { error: '취소하시려면 확인란을 골라 주세요.' });
      const result = await deps.db.transaction((tx) =>
        cancelWorkshop({ tx, deps, via: 'console', staff: staffOf(res), workshopId: id }),
      );
      if (result.kind === 'not_found' || result.kind === 'forbidden') return notFound(res);
      if (result.kind === 'cancelled') deps.afterWrite();
      return back(res, id, 'cancelled');
    });

    router.post('/:id/attendance', async (req, res) => {
      const id = idParam(req.params.id);
      if (!id) return notFound(res);
      const result = await deps.db.transaction((tx) =>
        markAttendance({
          tx,
          deps,
          via: 'console',
          staff: staffOf(res),
          workshopId: id,
          picks: { signupIds: ids(req, 'signup') },
        }),
      );
      if (result.kind === 'not_found' || result.kind === 'forbidden') return notFound(res);
      if (result.kind === 'marked') {
        if (result.certificates) deps.afterWrite();
        return back(res, id, 'marked');
      }
      const error =
        result.kind === 'early'
          ? '아직 시작 전입니다. 출석은 시작 30분 전부터 표시할 수 있습니다.'
          : result.kind === 'empty'
            ? '출석한 분을 골라 주세요.'
            : '명단이 바뀌었습니다. 다시 골라 주세요. 아무것도 표시하지 않았습니다.';
      return detail(req, res, { error, status: 422 });
    });

    router.get('/:id/signups.csv', async (req, res) => {
      const id = idParam(req.params.id);
      const result = id
        ? await staffSignupsCsv({ tx: deps.db, staff: staffOf(res), workshopId: id, timeZone: tz })
        : null;
      if (!result || result.kind !== 'csv') return notFound(res);
      // A BOM so that spreadsheet programs read the Korean names as UTF-8.
      res.type('text/csv; charset=utf-8').attachment(`workshop-${id}-signups.csv`).send(`\uFEFF${result.csv}`);
    });

    function notFound(res: Response) {
      show(res, {
        title: '교육',
        status: 404,
        body: html`<p class="flash error">찾을 수 없거나 맡으신 곳의 교육이 아닙니다.</p>
          <p><a href="/console/workshops">← 교육 목록</a></p>`,
      });
    }
    return router;
  },
};

const DONE: Record<string, string> = {
  created: '교육을 만들고 주민과 이장님께 알렸습니다.',
  edited: '고쳤습니다.',
  rescheduled: '일정을 바꾸고 신청하신 분께 알렸습니다.',
  cancelled: '교육을 취소하고 신청하신 분께 알렸습니다.',
  marked: '출석을 표시했습니다.',
};
