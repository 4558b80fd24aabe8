import express from 'express';
import type { CoreDeps } from '../../core/core.deps.ts';
import { workshopCalendar } from '../../core/workshops/workshop.usecases.ts';

/** GET /workshops/<id>.ics: the workshop's calendar file (public facts only: title, time, place, capacity). */
export function workshopIcsRouter(deps: CoreDeps): express.Router {
  const router = express.Router();
  router.get('/workshops/:file', async (req, res, next) => {
    try {
      const id = /^(\d{1,9})\.ics$/.exec(req.params.file)?.[1];
      const result = id ? await workshopCalendar({ tx: deps.db, deps, workshopId: Number(id) }) : null;
      // A pending workshop (not announced yet) has no calendar file: to the public it does not exist.
      if (!result || result.kind === 'not_found') {
        res.status(404).json({ error: 'not found' });
        return;
      }
      res
        .status(200)
        .type('text/calendar; charset=utf-8')
        .set('content-disposition', `attachment; filename="workshop-${result.workshopId}.ics"`)
        .send(result.ics);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
