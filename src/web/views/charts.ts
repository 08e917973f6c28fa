/**
 * Charts as server-rendered inline SVG: no chart script, nothing the CSP (`script-src 'self'; style-src 'self'`)
 * refuses. Colours are SVG presentation attributes (`fill=`), not CSS, so no `style=` attribute is needed.
 *
 * Accessible: the `<svg>` is `role="img"` named by its `<title>` and described by its `<desc>` (a one-sentence
 * summary); the numbers themselves are in a visually hidden table beside it, with row and column headers, for screen
 * readers; the legend is text. Every colour has at least 4.5:1 contrast on white, and stacked segments are separated
 * by a white gap, so neighbours stay apart even for people who cannot tell the hues apart.
 *
 * Embed them where they are useful: `changesPerDayChart(await changesPerDay(...), t)` on the dashboard,
 * both on `/reports/activity`.
 */
import type { DayChanges, TargetOperations } from '../../engine/dashboard.js';
import type { Translate } from '../i18n/index.js';
import { html, type Html } from './html.js';

/** One stacked series (an action, an outcome). */
export interface ChartSeries {
  readonly key: string;
  readonly label: string;
  /** Fill colour (`#rrggbb`); default from the palette by position. */
  readonly colour?: string;
}

/** One bar: its label and the value of each series. */
export interface ChartCategory {
  readonly label: string;
  /** Shorter label under the bar (default `label`). */
  readonly short?: string;
  readonly values: Readonly<Record<string, number>>;
}

/** Input of {@link stackedBarChart}. */
export interface StackedBarChart {
  /** Unique on the page: ids of the title and description derive from it. */
  readonly id: string;
  readonly title: string;
  /** One-sentence summary for the `<desc>`. */
  readonly desc: string;
  readonly categories: readonly ChartCategory[];
  readonly series: readonly ChartSeries[];
  /** Header of the category column in the data table. */
  readonly categoryHeader: string;
  /** Label every n-th category under the axis (default: as many as fit). */
  readonly labelEvery?: number;
}

/** Colours with at least 4.5:1 contrast on white, apart in hue and lightness. */
export const PALETTE = ['#0b5cad', '#17663a', '#a4161a', '#8a5300', '#6a3d9a', '#00676b', '#b3006b', '#4a5360'] as const;

/** Stable colours for the planner's actions (the same action has the same colour on every chart). */
const ACTION_COLOURS: Readonly<Record<string, string>> = {
  // The frequent ones (create, update, grant, revoke, disable, enable, delete) are far apart in hue.
  create: '#17663a', update: '#0b5cad', grant: '#00676b', revoke: '#b3006b', disable: '#8a5300', enable: '#4a5360',
  delete: '#a4161a', move: '#6a3d9a', rename: '#5b4a00', setPassword: '#3d5c00', offboard: '#7a2e48', writeBack: '#5c3b00', notify: '#1d4f91',
};

/** Colours of operation outcomes. */
const OUTCOME_COLOURS: Readonly<Record<string, string>> = { done: '#17663a', failed: '#a4161a', skipped: '#4a5360', interrupted: '#8a5300' };

const W_MIN = 320;
const H = 240;
const M = { top: 12, right: 12, bottom: 44, left: 44 };

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const sum = (values: Readonly<Record<string, number>>, series: readonly ChartSeries[]): number =>
  series.reduce((acc, s) => acc + (values[s.key] ?? 0), 0);

/** A round axis maximum ≥ `max` and its tick step (1, 2 or 5 × 10^n). */
export function niceScale(max: number, ticks = 4): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 1 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const s = Math.max(1, step);
  return { max: Math.ceil(max / s) * s, step: s };
}

/** The legend as text with a colour swatch (an SVG rect: no inline style). */
function legend(series: readonly ChartSeries[], t: Translate): Html {
  return html`<ul class="legend" aria-label="${t('chart.legend')}">${series.map((s) => html`<li><svg width="12" height="12" aria-hidden="true" focusable="false"><rect width="12" height="12" fill="${s.colour ?? PALETTE[0]}"/></svg> ${s.label}</li>`)}</ul>`;
}

/** The numbers behind a chart, as a table for screen readers. */
function dataTable(c: StackedBarChart, series: readonly ChartSeries[], t: Translate): Html {
  const head = html`<tr><th scope="col">${c.categoryHeader}</th>${series.map((s) => html`<th scope="col">${s.label}</th>`)}<th scope="col">${t('chart.total')}</th></tr>`;
  const rows = c.categories.length === 0
    ? html`<tr><td colspan="${series.length + 2}">${t('chart.noData')}</td></tr>`
    : c.categories.map((cat) => html`<tr><th scope="row">${cat.label}</th>${series.map((s) => html`<td>${cat.values[s.key] ?? 0}</td>`)}<td>${sum(cat.values, series)}</td></tr>`);
  return html`<table class="visually-hidden"><caption>${c.title}</caption><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

/**
 * A vertical bar chart, one bar per category, stacked by series. Series with no value anywhere are left out of the
 * legend and the table. An empty or all-zero chart says so in the picture and in the table.
 */
export function stackedBarChart(c: StackedBarChart, t: Translate): Html {
  const series = c.series
    .map((s, i) => ({ ...s, colour: s.colour ?? PALETTE[i % PALETTE.length] as string }))
    .filter((s) => c.categories.some((cat) => (cat.values[s.key] ?? 0) > 0));
  const n = c.categories.length;
  const step = n > 40 ? 14 : n > 14 ? 22 : 56;
  const width = Math.max(W_MIN, M.left + M.right + n * step);
  const plotW = width - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const totals = c.categories.map((cat) => sum(cat.values, series));
  const scale = niceScale(Math.max(0, ...totals));
  const y = (v: number): number => M.top + plotH - (v / scale.max) * plotH;
  const band = n === 0 ? plotW : plotW / n;
  const barW = Math.max(4, band * 0.7);
  const every = c.labelEvery ?? Math.max(1, Math.ceil(n / Math.floor(plotW / 48)));
  const titleId = `${c.id}-title`;
  const descId = `${c.id}-desc`;

  const ticks: Html[] = [];
  for (let v = 0; v <= scale.max; v += scale.step) {
    ticks.push(html`<line class="grid" x1="${M.left}" x2="${width - M.right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="#d0d7de" stroke-width="1"/><text x="${M.left - 6}" y="${fmt(y(v) + 4)}" text-anchor="end" fill="#1b1f24" font-size="11">${v}</text>`);
  }
  const bars = c.categories.map((cat, i) => {
    const x = M.left + i * band + (band - barW) / 2;
    let acc = 0;
    const segs = series.map((s) => {
      const v = cat.values[s.key] ?? 0;
      if (v <= 0) return '';
      const top = y(acc + v);
      const h = y(acc) - top;
      acc += v;
      return html`<rect x="${fmt(x)}" y="${fmt(top)}" width="${fmt(barW)}" height="${fmt(h)}" fill="${s.colour}" stroke="#ffffff" stroke-width="1"><title>${cat.label} · ${s.label}: ${v}</title></rect>`;
    });
    const label = i % every === 0
      ? html`<text x="${fmt(M.left + i * band + band / 2)}" y="${H - M.bottom + 16}" text-anchor="middle" fill="#1b1f24" font-size="11">${cat.short ?? cat.label}</text>`
      : '';
    return html`<g>${segs}${label}</g>`;
  });
  const empty = n === 0 || totals.every((v) => v === 0)
    ? html`<text x="${fmt(M.left + plotW / 2)}" y="${fmt(M.top + plotH / 2)}" text-anchor="middle" fill="#4a5360" font-size="13">${t('chart.noData')}</text>`
    : '';
  return html`<figure class="chart" id="${c.id}">
<figcaption>${c.title}</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${titleId} ${descId}" viewBox="0 0 ${width} ${H}" width="${width}" height="${H}" focusable="false">
<title id="${titleId}">${c.title}</title>
<desc id="${descId}">${c.desc}</desc>
${ticks}
<line class="axis" x1="${M.left}" x2="${width - M.right}" y1="${fmt(y(0))}" y2="${fmt(y(0))}" stroke="#4a5360" stroke-width="1"/>
${bars}${empty}
</svg>
${series.length > 0 ? legend(series, t) : ''}
${dataTable(c, series, t)}
</figure>`;
}

/** Series for a set of action names: known actions in their fixed colour, others from the palette, sorted. */
export function actionSeries(actions: Iterable<string>): ChartSeries[] {
  const order = Object.keys(ACTION_COLOURS);
  const rank = (a: string): number => { const i = order.indexOf(a); return i < 0 ? order.length : i; };
  return [...new Set(actions)]
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((a, i) => ({ key: a, label: a, colour: ACTION_COLOURS[a] ?? PALETTE[i % PALETTE.length] as string }));
}

/** Changes (done operations) per local day, stacked by action: for the dashboard and `/reports/activity`. */
export function changesPerDayChart(data: readonly DayChanges[], t: Translate, opts: { id?: string } = {}): Html {
  const total = data.reduce((a, d) => a + d.total, 0);
  const busiest = data.reduce<DayChanges | undefined>((b, d) => (d.total > (b?.total ?? 0) ? d : b), undefined);
  const desc = total === 0 || !busiest
    ? t('chart.changesPerDay.descNone', { days: data.length })
    : t('chart.changesPerDay.desc', { total, days: data.length, max: busiest.total, date: busiest.date });
  return stackedBarChart({
    id: opts.id ?? 'chart-changes-per-day',
    title: t('chart.changesPerDay.title'),
    desc,
    categoryHeader: t('chart.date'),
    categories: data.map((d) => ({ label: d.date, short: d.date.slice(5), values: d.byAction })),
    series: actionSeries(data.flatMap((d) => Object.keys(d.byAction))),
  }, t);
}

/** Operation outcomes per target (done, failed, skipped, interrupted), stacked. */
export function operationsByTargetChart(data: readonly TargetOperations[], t: Translate, opts: { id?: string } = {}): Html {
  const outcomes = ['done', 'failed', 'skipped', 'interrupted'] as const;
  const total = data.reduce((a, d) => a + d.done + d.failed + d.skipped + d.interrupted, 0);
  const failed = data.reduce((a, d) => a + d.failed, 0);
  return stackedBarChart({
    id: opts.id ?? 'chart-operations-by-target',
    title: t('chart.opsByTarget.title'),
    desc: total === 0 ? t('chart.opsByTarget.descNone') : t('chart.opsByTarget.desc', { total, targets: data.length, failed }),
    categoryHeader: t('common.target'),
    categories: data.map((d) => ({ label: d.target, values: { done: d.done, failed: d.failed, skipped: d.skipped, interrupted: d.interrupted } })),
    series: outcomes.map((o) => ({ key: o, label: t(`outcome.${o}`), colour: OUTCOME_COLOURS[o] as string })),
    labelEvery: 1,
  }, t);
}
