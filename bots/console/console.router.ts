import { fileURLToPath } from 'node:url';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { meetsRequirement, type Requirement } from '../../core/auth/authz.policy.ts';
import type { CoreDeps } from '../../core/core.deps.ts';
import { createRateLimit, sameToken } from '../../core/console/console.rules.ts';
import {
  checkLoginLink,
  endSession,
  resumeSession,
  startSession,
  type Viewer,
} from '../../core/console/console.usecases.ts';
import { html, renderMessage, renderPage, setNavPages } from './console.html.ts';
import { consolePages, type ConsoleDeps } from './console.pages.ts';

export type ConsoleOptions = {
  /** Secure cookies: true when PUBLIC_BASE_URL is https (the browser then only sends the cookie over TLS). */
  secureCookies: boolean;
  /** Kicks the delivery worker after a page wrote to the outbox (an answer for the resident). */
  afterWrite?: () => void;
  /** Login-link attempts per IP address and for everyone, per window (defaults: 20 and 300 per 10 minutes). */
  rateLimit?: { perIp: number; overall: number; windowMs: number };
};

export const SESSION_COOKIE = 'maeul_console';
const ASSETS = fileURLToPath(new URL('./console.assets/', import.meta.url));

declare module 'express-serve-static-core' {
  interface Locals {
    viewer?: Viewer;
    csrf?: string;
  }
}

/**
 * The staff console at /console: sign-in through a one-time link from chat, a session cookie (HttpOnly,
 * SameSite=Strict, Secure behind https), a CSRF token checked on every POST, then the pages of console.pages.ts.
 * https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
 */
export function consoleRouter(deps: CoreDeps, options: ConsoleOptions): Router {
  const router = Router();
  setNavPages(consolePages);
  const consoleDeps: ConsoleDeps = { ...deps, afterWrite: options.afterWrite ?? (() => {}) };
  const limits = options.rateLimit ?? { perIp: 20, overall: 300, windowMs: 10 * 60_000 };
  const now = () => deps.clock.now();
  const perIp = createRateLimit({ max: limits.perIp, windowMs: limits.windowMs, now });
  const overall = createRateLimit({ max: limits.overall, windowMs: limits.windowMs, now });
  const cookie = { httpOnly: true, sameSite: 'strict', secure: options.secureCookies, path: '/console' } as const;

  router.use((_req, res, next) => {
    // Console pages are never cached nor framed, and send no referrer (a login link would leak in it).
    res.set({
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    });
    next();
  });
  router.use('/assets', express.static(ASSETS, { fallthrough: false, index: false }));
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));

  const limited = (req: Request, res: Response): boolean => {
    if (perIp.allow(req.ip ?? '?') && overall.allow('*')) return false;
    res
      .status(429)
      .set('Retry-After', String(Math.ceil(limits.windowMs / 1000)))
      .send(
        renderMessage({
          title: '잠시 뒤 다시 해 주세요',
          message:
            '로그인 링크를 너무 여러 번 열었습니다. 10분쯤 뒤에 다시 열거나, 채팅에서 "콘솔"을 보내 새 링크를 받아 주세요.',
        }),
      );
    return true;
  };
  const refusedLink = (res: Response, kind: 'unknown' | 'used' | 'expired') => {
    const message = {
      expired: '로그인 링크가 만료되었습니다(5분). 채팅에서 "콘솔"을 보내 새 링크를 받아 주세요.',
      used: '이미 사용한 로그인 링크입니다. 채팅에서 "콘솔"을 보내 새 링크를 받아 주세요.',
      unknown: '올바르지 않은 로그인 링크입니다. 채팅에서 "콘솔"을 보내 새 링크를 받아 주세요.',
    }[kind];
    res.status(410).send(renderMessage({ title: '링크를 쓸 수 없습니다', message }));
  };

  // GET only shows a button: chat apps open links to draw previews, and that must not use the one-time link.
  // The POST comes from our own page, so the SameSite=Strict cookie it sets is sent on the redirect that follows.
  router.get('/login', async (req, res) => {
    if (limited(req, res)) return;
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const check = token ? await checkLoginLink({ tx: deps.db, deps, token }) : { kind: 'unknown' as const };
    if (check.kind !== 'valid') return refusedLink(res, check.kind);
    res.send(
      renderPage({
        title: '콘솔 로그인',
        viewer: null,
        csrf: '',
        body: html`<section class="notice">
          <h1>마을 콘솔</h1>
          <p>채팅에서 받은 링크입니다. 아래 단추를 누르면 로그인합니다.</p>
          <form method="post" action="/console/login">
            <input type="hidden" name="token" value="${token}" />
            <button type="submit" class="primary">콘솔 열기</button>
          </form>
        </section>`,
      }),
    );
  });
  router.post('/login', async (req, res) => {
    if (limited(req, res)) return;
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    const started = token
      ? await deps.db.transaction((tx) => startSession({ tx, deps, token }))
      : { kind: 'unknown' as const };
    if (started.kind !== 'started') return refusedLink(res, started.kind === 'valid' ? 'unknown' : started.kind);
    res.cookie(SESSION_COOKIE, started.sessionToken, cookie);
    res.redirect(303, '/console');
  });

  // Everything below needs a session.
  router.use(async (req, res, next) => {
    const token = readCookie(req, SESSION_COOKIE);
    const found = token ? await resumeSession({ tx: deps.db, deps, sessionToken: token }) : { kind: 'none' as const };
    if (found.kind !== 'open') {
      if (token) res.clearCookie(SESSION_COOKIE, cookie);
      res.status(401).send(
        renderMessage({
          title: found.kind === 'idle' ? '로그아웃되었습니다' : '로그인이 필요합니다',
          message:
            (found.kind === 'idle' ? '30분 동안 사용하지 않아 로그아웃되었습니다. ' : '') +
            '채팅에서 "콘솔"을 보내 받은 링크로 들어와 주세요.',
        }),
      );
      return;
    }
    res.locals.viewer = found.viewer;
    res.locals.csrf = found.viewer.csrf;
    if (req.method === 'POST' && !sameToken(req.body?._csrf, found.viewer.csrf)) {
      res.status(403).send(
        renderMessage({
          title: '요청을 처리할 수 없습니다',
          message: '보안 확인값이 없거나 맞지 않아 처리하지 않았습니다. 페이지를 새로 열어 다시 해 주세요.',
          viewer: found.viewer,
          csrf: found.viewer.csrf,
        }),
      );
      return;
    }
    next();
  });

  router.post('/logout', async (_req, res) => {
    const viewer = res.locals.viewer;
    if (viewer) await endSession({ tx: deps.db, deps, sessionId: viewer.sessionId });
    res.clearCookie(SESSION_COOKIE, cookie);
    res.send(renderMessage({ title: '로그아웃했습니다', message: '다시 들어오시려면 채팅에서 "콘솔"을 보내 주세요.' }));
  });

  router.get('/', (_req, res) => {
    const viewer = res.locals.viewer as Viewer;
    const first = consolePages.find((p) => p.nav && allowed(viewer, p.requires));
    if (first) return res.redirect(303, `/console${first.path}`);
    res.send(
      renderPage({
        title: '마을 콘솔',
        viewer,
        csrf: viewer.csrf,
        body: html`<section class="notice">
          <h1>마을 콘솔</h1>
          <p>지금 맡으신 역할로 열 수 있는 화면이 없습니다.</p>
        </section>`,
      }),
    );
  });

  for (const page of consolePages) {
    router.use(page.path, requirePage(page.requires), page.router(consoleDeps));
  }
  return router;
}

function allowed(viewer: Viewer, requires: Requirement | undefined): boolean {
  return !requires || meetsRequirement({ grants: viewer.grants, registration: null }, requires);
}

/** A page's requirement on every request, not only in the menu: typed addresses are refused too. */
function requirePage(requires: Requirement | undefined) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const viewer = res.locals.viewer as Viewer;
    if (allowed(viewer, requires)) return next();
    res.status(403).send(
      renderMessage({
        title: '볼 수 없는 화면입니다',
        message: '맡으신 역할로는 이 화면을 열 수 없습니다.',
        viewer,
        csrf: viewer.csrf,
      }),
    );
  };
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
