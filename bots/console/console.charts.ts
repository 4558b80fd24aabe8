import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Request, type Response, Router } from 'express';
import { html, raw, type SafeHtml } from './console.html.ts';
import type { ConsolePage } from './console.pages.ts';

/**
 * Charts of the console: Chart.js (MIT, maintained, no dependencies but its colour helper) drawn in the browser from
 * the copy installed with the app — served here, never from a CDN. Colour never carries meaning alone: each series
 * has a fill pattern of its own (solid, stripes, dots) shown in the legend, every bar is labelled with its number, and
 * a table with the same numbers stands beside the chart (the chart is hidden from screen readers, the table is not).
 * https://www.chartjs.org/docs/latest/general/accessibility.html
 */
const require = createRequire(import.meta.url);
// The package exports only its modules; its browser build lies beside them in dist/.
const CHART_JS = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
const CLIENT = fileURLToPath(new URL('./console.charts.client.js', import.meta.url));
const STYLE = fileURLToPath(new URL('./console.charts.css', import.meta.url));

export const chartsPage: ConsolePage = {
  path: '/charts',
  title: '그래프',
  nav: false,
  router() {
    const router = Router();
    const send = (file: string, type: string) => (_req: Request, res: Response) => {
      res.type(type).set('Cache-Control', 'private, max-age=3600').sendFile(file);
    };
    router.get('/chart.js', send(CHART_JS, 'text/javascript'));
    router.get('/console.charts.js', send(CLIENT, 'text/javascript'));
    router.get('/console.charts.css', send(STYLE, 'text/css'));
    return router;
  },
};

/** What the 방송 · 공지 · 교육 pages put in <head>: their style and, with charts, the scripts (deferred). */
export function chartHead(options: { charts: boolean } = { charts: true }): SafeHtml {
  return html`<link rel="stylesheet" href="/console/charts/console.charts.css" /> ${
      options.charts &&
      html`<script src="/console/charts/chart.js" defer></script>
        <script src="/console/charts/console.charts.js" defer></script>`
    }`;
}

/** A series drawn with a pattern of its own, so it reads without colour. */
export type Pattern = 'solid' | 'stripes' | 'dots' | 'cross';
export type Series = { label: string; pattern: Pattern; values: number[] };

/**
 * A horizontal stacked bar chart with the same numbers as a table beside it. Data go in a JSON block that the
 * script reads (no inline script: it can run under a strict Content-Security-Policy).
 */
export function stackedBars(input: {
  id: string;
  caption: string;
  categories: string[];
  series: Series[];
  /** The unit after each number ("명", "곳"). */
  unit: string;
}): SafeHtml {
  const { id, caption, categories, series, unit } = input;
  const total = (i: number) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0);
  const height = Math.max(120, 44 * categories.length + 70);
  const data = JSON.stringify({ categories, series, unit }).replace(/</g, '\\u003c');
  return html`<figure class="chart" id="${id}">
    <figcaption>${caption}</figcaption>
    <div class="chart-pair">
      <div class="chart-canvas" style="height: ${height}px" aria-hidden="true">
        <canvas data-chart="stacked" data-source="${id}-data"></canvas>
      </div>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">곳</th>
              ${series.map((s) => html`<th scope="col">${s.label}</th>`)}
              <th scope="col">합계</th>
            </tr>
          </thead>
          <tbody>
            ${categories.map(
              (c, i) =>
                html`<tr>
                  <th scope="row">${c}</th>
                  ${series.map((s) => html`<td>${s.values[i] ?? 0}${unit}</td>`)}
                  <td>${total(i)}${unit}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </div>
    <script type="application/json" id="${id}-data">
      ${raw(data)}
    </script>
  </figure>`;
}
