import type { Router } from 'express';
import type { Requirement } from '../../core/auth/authz.policy.ts';
import type { CoreDeps } from '../../core/core.deps.ts';
import type { Viewer } from '../../core/console/console.usecases.ts';
import { auditPage } from './console.audit.ts';
import { broadcastsPage } from './console.broadcasts.ts';
import { chartsPage } from './console.charts.ts';
import { feedbackPage } from './console.feedback.ts';
import { noticesPage } from './console.notices.ts';
import { registrationsPage } from './console.registrations.ts';
import { votesPage } from './console.votes.ts';
import { workshopsPage } from './console.workshops.ts';

/** What a page router gets: the core's deps, and a kick for the delivery worker after it wrote to the outbox. */
export type ConsoleDeps = CoreDeps & { afterWrite(): void };

/**
 * Who is looking, put in `res.locals.viewer` by the session middleware for every page: the member, their grants
 * (checked with `can`, exactly as in chat), their roles, the scope the grants cover (county / districts / villages)
 * for filtering and display, a label for the header, and the session's CSRF token.
 */
export type ConsoleViewer = Viewer;

/**
 * A console page: mounted at `/console${path}`; `nav` puts it in the menu. `requires` is checked for the menu and
 * for every request (the same requirements chat commands declare), so a page offered to no one is refused too.
 */
export type ConsolePage = {
  path: string;
  title: string;
  nav: boolean;
  requires?: Requirement;
  router(deps: ConsoleDeps): Router;
};

/** The one list of pages (G2's 방송 / 공지 / 교육 join it here), in menu order. */
export const consolePages: ConsolePage[] = [
  feedbackPage,
  broadcastsPage,
  noticesPage,
  registrationsPage,
  workshopsPage,
  votesPage,
  auditPage,
  chartsPage,
];
