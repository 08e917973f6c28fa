/**
 * Server-rendered SVG bar charts (no chart library, no script): `role="img"` with a title and description for
 * screen readers, and the same numbers as a table next to it for everyone who would rather read them.
 */
import { html, type Html } from './html.js';

/** One bar. */
export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** A chart. `id` must be unique on the page (it names the title and description). */
export interface BarChart {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly bars: readonly Bar[];
  /** Column headers of the data table. */
  readonly labelHeader: string;
  readonly valueHeader: string;
  /** Summary of the table (a `<details>` label). */
  readonly tableLabel: string;
}

const W = 720;
const H = 200;
const PAD = { top: 12, right: 8, bottom: 28, left: 36 };

/** Render the chart and its table. */
export function barChart(c: BarChart): Html {
  const max = Math.max(1, ...c.bars.map((b) => b.value));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = c.bars.length > 0 ? plotW / c.bars.length : plotW;
  // A few bars stay bar-shaped instead of filling the plot.
  const barW = Math.max(1, Math.min(48, step * 0.7));
  // Label every n-th bar so the axis stays readable at 30 days.
  const every = Math.max(1, Math.ceil(c.bars.length / 10));
  const bars = c.bars.map((b, i) => {
    const h = (b.value / max) * plotH;
    const x = PAD.left + i * step + (step - barW) / 2;
    const y = PAD.top + plotH - h;
    return html`<rect class="bar" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}"><title>${b.label}: ${b.value}</title></rect>${i % every === 0 ? html`<text x="${(x + barW / 2).toFixed(1)}" y="${H - 10}" text-anchor="middle">${b.label}</text>` : ''}`;
  });
  return html`<figure class="chart">
<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="${c.id}-title ${c.id}-desc" focusable="false">
<title id="${c.id}-title">${c.title}</title>
<desc id="${c.id}-desc">${c.description}</desc>
<line class="axis" x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}"></line>
<text x="${PAD.left - 6}" y="${PAD.top + 8}" text-anchor="end">${max}</text>
<text x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end">0</text>
${bars}
</svg>
<details><summary>${c.tableLabel}</summary>
<div class="table-wrap"><table><thead><tr><th scope="col">${c.labelHeader}</th><th scope="col">${c.valueHeader}</th></tr></thead>
<tbody>${c.bars.map((b) => html`<tr><td>${b.label}</td><td>${b.value}</td></tr>`)}</tbody></table></div>
</details>
</figure>`;
}
