import { eq } from 'drizzle-orm';
import express from 'express';
import type { CoreDeps } from '../../core/core.deps.ts';
import { workshopIcs } from '../../core/workshops/workshop.ics.ts';
import { districts, workshops } from '../../db/schema/index.ts';

/** GET /workshops/<id>.ics: the workshop's calendar file (public facts only: title, time, place, capacity). */
export function workshopIcsRouter(deps: CoreDeps): express.Router {
  const router = express.Router();
  router.get('/workshops/:file', async (req, res, next) => {
    try {
      const id = /^(\d{1,9})\.ics$/.exec(req.params.file)?.[1];
      const [w] = id
        ? await deps.db
            .select()
            .from(workshops)
            .where(eq(workshops.id, Number(id)))
        : [];
      // A pending workshop (not announced yet) has no calendar file: to the public it does not exist.
      if (!w || w.status === 'pending') {
        res.status(404).json({ error: 'not found' });
        return;
      }
      const [district] = w.districtCode
        ? await deps.db.select({ nameKo: districts.nameKo }).from(districts).where(eq(districts.code, w.districtCode))
        : [];
      const host = new URL(deps.publicUrl?.() || 'http://maeul.local').hostname;
      res
        .status(200)
        .type('text/calendar; charset=utf-8')
        .set('content-disposition', `attachment; filename="workshop-${w.id}.ics"`)
        .send(workshopIcs(w, { host, districtName: district?.nameKo }));
    } catch (error) {
      next(error);
    }
  });
  return router;
}
