import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barChart } from './chart.js';

test('bar chart: accessible SVG (title, desc, role img) with a data table, labels escaped', () => {
  const out = barChart({
    id: 'c1', title: 'Changes <per> day', description: '3 in total', labelHeader: 'Date', valueHeader: 'Count', tableLabel: 'As a table',
    bars: [{ label: '2026-06-01', value: 1 }, { label: '<b>x</b>', value: 2 }, { label: '2026-06-03', value: 0 }],
  }).text;
  assert.match(out, /<svg [^>]*role="img" aria-labelledby="c1-title c1-desc"/);
  assert.match(out, /<title id="c1-title">Changes &lt;per&gt; day<\/title>/);
  assert.match(out, /<desc id="c1-desc">3 in total<\/desc>/);
  assert.equal((out.match(/<rect class="bar"/g) ?? []).length, 3);
  assert.match(out, /<td>&lt;b&gt;x&lt;\/b&gt;<\/td><td>2<\/td>/);
  assert.ok(!out.includes('<b>x</b>'));
  // The tallest bar fills the plot; a zero bar has no height.
  assert.match(out, /height="0\.0"/);
  assert.match(out, /height="160\.0"/);
});
