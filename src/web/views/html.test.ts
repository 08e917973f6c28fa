import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml, html, query, raw, safeUrl } from './html.js';

test('interpolations are escaped; Html values and arrays compose', () => {
  const name = '<script>alert(1)</script>';
  assert.equal(html`<p>${name}</p>`.text, '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  const inner = html`<b>${'a&b'}</b>`;
  assert.equal(html`<div>${inner}${[html`<i>1</i>`, '<2>']}</div>`.text, '<div><b>a&amp;b</b><i>1</i>&lt;2&gt;</div>');
  assert.equal(html`${null}${undefined}${false}${0}`.text, '0');
});

test('attribute context: a value cannot close its quoted attribute or add handlers', () => {
  const evil = '" onmouseover="alert(1)';
  const out = html`<input value="${evil}">`.text;
  assert.equal(out, '<input value="&quot; onmouseover&#61;&quot;alert(1)">');
  assert.ok(!out.includes('" onmouseover'));
  assert.equal(html`<a title='${"' x='1"}'>`.text, "<a title='&#39; x&#61;&#39;1'>");
  assert.equal(escapeHtml('`'), '&#96;');
});

test('safeUrl drops javascript: and data: URLs', () => {
  assert.equal(safeUrl('javascript:alert(1)'), '#');
  assert.equal(safeUrl(' JaVaScRiPt:alert(1)'), '#');
  assert.equal(safeUrl('data:text/html,<script>'), '#');
  assert.equal(safeUrl('//evil.example'), '#');
  assert.equal(safeUrl('/persons/1'), '/persons/1');
  assert.equal(safeUrl('https://idp.example.com/x'), 'https://idp.example.com/x');
  assert.equal(html`<a href="${safeUrl('javascript:x')}">`.text, '<a href="#">');
});

test('raw is emitted as is; query builds an encoded query string', () => {
  assert.equal(html`${raw('<hr>')}`.text, '<hr>');
  assert.equal(query({ q: 'a b&c', page: 2, none: undefined, empty: '' }), '?q=a+b%26c&page=2');
  assert.equal(query({}), '');
});

test('safeUrl drops paths a browser reads as another site', () => {
  // A backslash counts as a slash in http(s) URLs, and tab/CR/LF are dropped: all of these are `//evil.example`.
  for (const u of ['/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'java\tscript:alert(1)']) assert.equal(safeUrl(u), '#', JSON.stringify(u));
  assert.equal(safeUrl('/persons/1?x=a\\b'), '/persons/1?x=a\\b');
});
