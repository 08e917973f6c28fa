import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, headerSafe } from './escape.js';
import { renderHtml, renderText, type MailContent } from './templates.js';

describe('escapeHtml', () => {
  test('escapes script tags', () => {
    assert.equal(escapeHtml('<script>alert(1)</script>'), '&lt;script&gt;alert(1)&lt;/script&gt;');
  });
  test('escapes double and single quotes and backticks (attribute context)', () => {
    assert.equal(escapeHtml(`"a" 'b' \`c\``), '&quot;a&quot; &#39;b&#39; &#96;c&#96;');
    assert.equal(escapeHtml("O'Connor"), 'O&#39;Connor');
  });
  test('escapes ampersands first, so entities are not double-interpreted', () => {
    assert.equal(escapeHtml('Tom & Jerry'), 'Tom &amp; Jerry');
    assert.equal(escapeHtml('&lt;'), '&amp;lt;');
  });
  test('leaves ordinary text and umlauts alone; stringifies non-strings', () => {
    assert.equal(escapeHtml('Jördis Müller-Lüdenscheidt'), 'Jördis Müller-Lüdenscheidt');
    assert.equal(escapeHtml(42), '42');
    assert.equal(escapeHtml(null), '');
    assert.equal(escapeHtml(undefined), '');
  });
  test('an event-handler payload cannot survive', () => {
    const out = escapeHtml('<img src=x onerror=alert(1)>');
    assert.ok(!out.includes('<'));
    assert.equal(out, '&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('headerSafe', () => {
  test('removes CR/LF so a subject cannot add headers', () => {
    assert.equal(headerSafe('Hello\r\nBcc: evil@example.net'), 'Hello Bcc: evil@example.net');
  });
  test('truncates long subjects', () => {
    const s = headerSafe('x'.repeat(500), 50);
    assert.equal(s.length, 50);
    assert.ok(s.endsWith('…'));
  });
});

describe('mail templates', () => {
  const evil = '<b onmouseover="x()">&</b>';
  const content: MailContent = {
    event: 'joiner',
    subject: evil,
    person: { id: evil, name: evil, department: evil, position: evil, office: evil, manager: evil, hireDate: evil, endDate: evil },
    lines: [evil, evil],
    secret: { label: evil, value: evil },
    organisation: evil,
  };

  test('every interpolated value in the HTML is escaped', () => {
    const html = renderHtml(content);
    assert.ok(!html.includes('<b '), 'no raw tag from data');
    assert.ok(!html.includes('onmouseover="'), 'no raw attribute from data');
    const escaped = '&lt;b onmouseover=&quot;x()&quot;&gt;&amp;&lt;/b&gt;';
    // subject (title), name (intro + table), 7 other person fields, 2 lines, label, value, organisation
    const count = html.split(escaped).length - 1;
    assert.ok(count >= 14, `expected every field escaped, found ${count}`);
  });

  test('the password appears only when given, clearly marked, in both bodies', () => {
    const withSecret = { ...content, person: { id: '1', name: 'Erika' }, lines: [], secret: { label: 'Initial password', value: 'S3cr3t-Value' }, subject: 's' };
    assert.ok(renderText(withSecret).includes('==== CONFIDENTIAL: INITIAL PASSWORD ====\nInitial password: S3cr3t-Value\n'));
    assert.ok(renderHtml(withSecret).includes('CONFIDENTIAL: INITIAL PASSWORD'));
    const { secret: _omit, ...without } = withSecret;
    assert.ok(!renderText({ ...without, event: 'leaver' }).includes('S3cr3t'));
    assert.ok(!renderHtml({ ...without, event: 'leaver' }).includes('CONFIDENTIAL'));
  });

  test('text body lists the person and lines', () => {
    const text = renderText({ event: 'leaver', subject: 's', person: { id: '7', name: 'Max Muster', endDate: '2025-06-30', department: '' }, lines: ['crm: disabled'] });
    assert.match(text, /Max Muster leaves on 2025-06-30/);
    assert.match(text, /Personnel no\.: +7/);
    assert.match(text, / {2}- crm: disabled/);
    assert.doesNotMatch(text, /Department/);
  });
});
