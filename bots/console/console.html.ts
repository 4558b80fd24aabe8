import { meetsRequirement } from '../../core/auth/authz.policy.ts';
import type { Response } from 'express';
import type { ConsolePage, ConsoleViewer } from './console.pages.ts';

/**
 * HTML built by a tagged template that escapes every interpolated value unless it is already `SafeHtml` (another
 * `html` result, or `raw(...)` for text we wrote ourselves). Arrays are joined; null, undefined and false print
 * nothing, so `${cond && html`...`}` works. Written here rather than taken from npm: the small packages either return
 * plain strings (a nested template is then escaped twice unless a special `$${}` is remembered) or are unmaintained.
 */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export type HtmlValue = SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((v: HtmlValue) => render(v)).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Markup we wrote ourselves (never anything a person typed). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** The hidden field every form carries; the router refuses a POST without it. */
export function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}" />`;
}

export type PageInput = {
  title: string;
  viewer: ConsoleViewer | null;
  csrf: string;
  body: SafeHtml;
  /** The path of the nav entry to mark as current ('/feedback'). */
  active?: string | undefined;
  /** Extra tags for <head> (a page's own script or style, served from /console/assets). */
  head?: SafeHtml | undefined;
};

/**
 * The menu's pages: set by consoleRouter from console.pages.ts. Passed in rather than imported, so that page
 * files (which console.pages.ts imports) may use `html` at load time without an import cycle.
 */
let navPages: readonly ConsolePage[] = [];
export function setNavPages(pages: readonly ConsolePage[]): void {
  navPages = pages;
}

/** The console's one layout: Korean, a nav of the pages the viewer may open, plain CSS from /console/assets. */
export function renderPage(input: PageInput): string {
  const { viewer } = input;
  const nav = viewer
    ? navPages.filter(
        (p) => p.nav && (!p.requires || meetsRequirement({ grants: viewer.grants, registration: null }, p.requires)),
      )
    : [];
  const page = html`<!doctype html>
    <html lang="ko">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${input.title} · 마을 콘솔</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        ${input.head}
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/console">마을 콘솔</a>
          ${
            viewer &&
            html`<nav aria-label="콘솔 메뉴">
                ${nav.map(
                  (p) =>
                    html`<a href="/console${p.path}" ${p.path === input.active ? raw('aria-current="page"') : ''}
                      >${p.title}</a
                    >`,
                )}
              </nav>
              <form class="logout" method="post" action="/console/logout">
                ${csrfField(input.csrf)}<span class="who">${viewer.label}</span>
                <button type="submit">로그아웃</button>
              </form>`
          }
        </header>
        <main>${input.body}</main>
      </body>
    </html>`;
  return page.value;
}

/** A page that only says something (refusals, expired links), with a way back. */
export function renderMessage(input: {
  title: string;
  message: string;
  viewer?: ConsoleViewer | null;
  csrf?: string;
}): string {
  return renderPage({
    title: input.title,
    viewer: input.viewer ?? null,
    csrf: input.csrf ?? '',
    body: html`<section class="notice">
      <h1>${input.title}</h1>
      <p>${input.message}</p>
    </section>`,
  });
}

/** Sends a page with the viewer and CSRF token the session middleware put in `res.locals`. */
export function sendPage(
  res: Response,
  input: { title: string; body: SafeHtml; active?: string; head?: SafeHtml; status?: number },
): void {
  res.status(input.status ?? 200).send(
    renderPage({
      title: input.title,
      viewer: res.locals.viewer ?? null,
      csrf: res.locals.csrf ?? '',
      body: input.body,
      active: input.active,
      head: input.head,
    }),
  );
}
