import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from '../i18n/index.js';
import { actionSeries, changesPerDayChart, niceScale, operationsByTargetChart, PALETTE, stackedBarChart } from './charts.js';

const t = translator('en');

/** WCAG relative luminance contrast of a colour against white. */
function contrastOnWhite(hex: string): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  const l = 0.2126 * (c[0] as number) + 0.7152 * (c[1] as number) + 0.0722 * (c[2] as number);
  return 1.05 / (l + 0.05);
}

test('labels from data are escaped in the picture, the legend and the table', () => {
  const evil = '<script>alert(1)</script>';
  const out = stackedBarChart({
    id: 'c1', title: 'T <b>', desc: 'D "x"', categoryHeader: 'Cat',
    categories: [{ label: evil, values: { '"><img src=x onerror=alert(2)>': 2 } }],
    series: [{ key: '"><img src=x onerror=alert(2)>', label: '"><img src=x onerror=alert(2)>' }],
  }, t).text;
  assert.ok(!out.includes('<script>'), 'no script tag');
  assert.ok(!out.includes('<img'), 'no img tag');
  assert.ok(!out.includes('<b>'), 'title escaped');
  assert.ok(out.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(out.includes('<title id="c1-title">T &lt;b&gt;</title>'));
  assert.ok(out.includes('<desc id="c1-desc">D &quot;x&quot;</desc>'));
});

test('accessible structure: role=img named by title and desc, a hidden data table with headers, no style attributes', () => {
  const out = changesPerDayChart([
    { date: '2026-06-14', total: 3, byAction: { create: 2, disable: 1 } },
    { date: '2026-06-15', total: 1, byAction: { update: 1 } },
  ], t).text;
  assert.match(out, /<svg [^>]*role="img" aria-labelledby="chart-changes-per-day-title chart-changes-per-day-desc"/);
  assert.match(out, /<desc id="chart-changes-per-day-desc">4 changes in the last 2 days, the most \(3\) on 2026-06-14\.<\/desc>/);
  assert.match(out, /<table class="visually-hidden"><caption>Changes per day<\/caption>/);
  assert.ok(out.includes('<th scope="col">Date</th><th scope="col">create</th><th scope="col">update</th><th scope="col">disable</th><th scope="col">Total</th>'));
  assert.ok(out.includes('<tr><th scope="row">2026-06-14</th><td>2</td><td>0</td><td>1</td><td>3</td></tr>'));
  assert.ok(!/\sstyle=/.test(out), 'no style attribute (CSP style-src self)');
  assert.ok(!out.includes('<script'), 'no script');
  // Stacked: the first day's segments add up to the tallest bar (axis max 3 → full plot height).
  const heights = [...out.matchAll(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)" fill="(#[0-9a-f]{6})"/g)].map((m): [number, string] => [Number(m[1]), m[2] as string]);
  assert.equal(heights.length, 3);
  const [create, disable, update] = heights as [[number, string], [number, string], [number, string]];
  assert.ok(Math.abs(create[0] - 2 * disable[0]) < 0.2, 'create is twice disable');
  assert.ok(Math.abs(update[0] - disable[0]) < 0.2, 'update equals disable');
  assert.notEqual(create[1], disable[1]);
});

test('empty and all-zero data say so, in the picture and the table', () => {
  for (const data of [[], [{ date: '2026-06-15', total: 0, byAction: {} }]]) {
    const out = changesPerDayChart(data, t).text;
    assert.match(out, /role="img"/);
    assert.match(out, /<text [^>]*>No data for this period\.<\/text>/);
    // The table lists the quiet days with their zeros; with no days at all it says so.
    if (data.length === 0) assert.match(out, /<td colspan="2">No data for this period\.<\/td>/);
    else assert.ok(out.includes('<tr><th scope="row">2026-06-15</th><td>0</td></tr>'));
    assert.ok(!out.includes('class="legend"'), 'no legend without series');
    assert.ok(!/<rect x=/.test(out), 'no bars');
  }
  const ops = operationsByTargetChart([], t).text;
  assert.match(ops, /<desc id="chart-operations-by-target-desc">No operations in this period\.<\/desc>/);
});

test('operations by target: outcomes stacked per target; only outcomes that occur are listed', () => {
  const out = operationsByTargetChart([
    { target: 'ad', done: 5, failed: 1, skipped: 0, interrupted: 0, byAction: {} },
    { target: 'erp', done: 2, failed: 0, skipped: 0, interrupted: 0, byAction: {} },
  ], t).text;
  assert.match(out, /8 operations on 2 targets, 1 of them failed\./);
  assert.ok(out.includes('<th scope="col">Target</th><th scope="col">done</th><th scope="col">failed</th><th scope="col">Total</th>'));
  assert.ok(out.includes('<tr><th scope="row">erp</th><td>2</td><td>0</td><td>2</td></tr>'));
  assert.ok(!out.includes('skipped'));
});

test('colours: every chart colour has at least 4.5:1 contrast on white; known actions keep their colour', () => {
  const colours = [...PALETTE, ...actionSeries(['create', 'update', 'move', 'rename', 'enable', 'disable', 'delete', 'grant', 'revoke', 'setPassword', 'offboard', 'writeBack', 'notify', 'zzz']).map((s) => s.colour as string)];
  for (const c of colours) assert.ok(contrastOnWhite(c) >= 4.5, `${c}: ${contrastOnWhite(c).toFixed(2)}`);
  assert.equal(actionSeries(['create']).at(0)?.colour, actionSeries(['zzz', 'create', 'update']).at(0)?.colour);
  assert.deepEqual(actionSeries(['zzz', 'update', 'create']).map((s) => s.key), ['create', 'update', 'zzz']);
});

test('niceScale rounds the axis up to 1, 2 or 5 × 10^n steps', () => {
  assert.deepEqual(niceScale(0), { max: 1, step: 1 });
  assert.deepEqual(niceScale(3), { max: 3, step: 1 });
  assert.deepEqual(niceScale(7), { max: 8, step: 2 });
  assert.deepEqual(niceScale(180), { max: 200, step: 50 });
});
