/**
 * The audit log viewer over HTTP (fastify inject, real SQLite store): filters (person, actor, action prefix, target,
 * local-day range), newest first with keyset paging, readable payloads, times in the lifecycle zone, escaping, the
 * verification panel (cached; a full walk on POST /audit/verify finds an edited old entry), and the CSV/JSON exports
 * (same filters, attachment, formula-safe, audited).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { startWebHarness, type WebClient, type WebHarness } from '../support/web.js';

const seqs = (body: string): number[] => [...body.matchAll(/<tr data-seq="(\d+)">/g)].map((m) => Number(m[1]));

/** Minimal RFC 4180 parser. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 1; } else cell += c;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

describe('audit log viewer (HTTP)', () => {
  let h: WebHarness;
  let auditor: WebClient;
  /** Seqs of the seeded entries by label. */
  const seq: Record<string, number> = {};

  before(async () => {
    h = await startWebHarness();
    const rec = async (label: string, e: Parameters<WebHarness['engine']['audit']['record']>[0]): Promise<void> => {
      seq[label] = (await h.engine.audit.record(e)).seq;
      h.clock.advance(60_000);
    };
    // 2026-06-15 10:00Z = 12:00 in Berlin.
    await rec('create3', { actor: 'engine', event: 'op.done', personId: '3', target: 'erp', payload: { action: 'create', changes: [{ attribute: 'mail', from: null, to: 'rita.report@example.com' }] } });
    await rec('phone3', { actor: 'web:test-helpdesk', event: 'helpdesk.edit', personId: '3', target: 'erp', payload: { form: 'edit', before: { phone: null }, after: { phone: '+49 30 1234' } } });
    await rec('unlock4', { actor: 'web:test-helpdesk', event: 'helpdesk.unlock', personId: '4', target: 'erp', payload: { form: 'unlock' } });
    await rec('hold3', { actor: 'cli:admin', event: 'hold.added', personId: '3', payload: { reason: 'lost laptop <script>alert(1)</script>', until: null } });
    await rec('formula', { actor: '=HYPERLINK("http://x")', event: 'helpdesk.edit.refused', personId: '3', target: 'erp', payload: { code: 'PROTECTED' } });
    // Late evening UTC: already 16 June in Berlin.
    h.clock.advance(12 * 3_600_000);
    await rec('late3', { actor: 'web:test-helpdesk', event: 'helpdesk.disable', personId: '3', target: 'erp', payload: { form: 'disable', reason: 'stolen' } });
    auditor = await h.signIn('auditor');
  });
  after(async () => h?.close());

  test('newest first, readable payloads, times in the lifecycle zone, person names, escaping, the chain intact', async () => {
    const res = await auditor.get('/audit');
    assert.equal(res.statusCode, 200);
    const got = seqs(res.body);
    assert.deepEqual(got, [...got].sort((a, b) => b - a), 'newest first');
    assert.ok(got.includes(seq.create3 as number));
    assert.match(res.body, /Chain intact: \d+ entries, up to no\. \d+\./);
    assert.match(res.body, /<time datetime="2026-06-15T10:00:00.000Z" title="2026-06-15T10:00:00.000Z">2026-06-15 12:00:00<\/time>/);
    assert.match(res.body, /Time \(Europe\/Berlin\)/);
    assert.match(res.body, /<dt class="change">phone<\/dt><dd>— → \+49 30 1234<\/dd>/);
    assert.match(res.body, /<dt class="change">mail<\/dt><dd>— → rita\.report@example\.com<\/dd>/);
    assert.match(res.body, /Rita Report <span class="muted">\(3\)<\/span>/);
    assert.ok(!res.body.includes('<script>alert(1)'), 'payload text escaped');
    assert.ok(res.body.includes('lost laptop &lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  test('filters: person and action prefix show exactly the matching entries', async () => {
    const res = await auditor.get('/audit?person=3&action=helpdesk');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(seqs(res.body), [seq.late3, seq.formula, seq.phone3]);
    // The filter values are echoed into the form and the export links.
    assert.match(res.body, /<input type="text" id="person" name="person" value="3"/);
    assert.ok(res.body.includes('href="/audit/export.csv?person&#61;3&amp;action&#61;helpdesk"'));
    const exact = await auditor.get('/audit?action=helpdesk.edit');
    assert.deepEqual(seqs(exact.body), [seq.formula, seq.phone3], 'an event matches itself and everything below it');
    const actor = await auditor.get(`/audit?actor=${encodeURIComponent('web:*')}&person=4`);
    assert.deepEqual(seqs(actor.body), [seq.unlock4]);
    const none = await auditor.get('/audit?target=nowhere');
    assert.deepEqual(seqs(none.body), []);
    assert.match(none.body, /No entries match these filters\./);
  });

  test('from/until are local days in the lifecycle zone, until inclusive', async () => {
    const day15 = seqs((await auditor.get('/audit?person=3&from=2026-06-15&until=2026-06-15')).body);
    assert.ok(!day15.includes(seq.late3 as number), '22:05Z on the 15th is the 16th in Berlin');
    assert.ok(day15.includes(seq.phone3 as number));
    assert.deepEqual(seqs((await auditor.get('/audit?person=3&from=2026-06-16')).body), [seq.late3]);
  });

  test('invalid filters: 400 with the reasons, no rows, no export', async () => {
    const res = await auditor.get('/audit?from=2026-02-30&action=%3Cx%3E');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /From: enter a date as YYYY-MM-DD\./);
    assert.match(res.body, /Action: letters, digits, dots, dashes and underscores only\./);
    assert.deepEqual(seqs(res.body), []);
    assert.equal((await auditor.get('/audit?from=2026-06-16&until=2026-06-15')).statusCode, 400);
    assert.equal((await auditor.get('/audit/export.csv?until=tomorrow')).statusCode, 400);
    const cursor = await auditor.get('/audit?cursor=abc');
    assert.equal(cursor.statusCode, 400);
    assert.match(cursor.body, /The page link is not valid any more/);
  });

  test('keyset paging: 50 per page, an "older" link with the cursor, no entry twice or missed', async () => {
    for (let i = 0; i < 70; i += 1) await h.engine.audit.record({ actor: 'engine', event: 'op.skipped', personId: '5', target: 'erp', payload: { i } });
    const first = await auditor.get('/audit?person=5');
    const page1 = seqs(first.body);
    assert.equal(page1.length, 50);
    const next = /<a href="(\/audit\?person&#61;5&amp;cursor&#61;\d+)" rel="next">Older entries<\/a>/.exec(first.body)?.[1];
    assert.ok(next, 'older link');
    const page2 = seqs((await auditor.get(next.replaceAll('&#61;', '=').replaceAll('&amp;', '&'))).body);
    assert.equal(page2.length, 20);
    assert.ok(Math.min(...page1) > Math.max(...page2));
    const store = await h.engine.store.audit.query({ personId: '5' }, { limit: 1000 });
    assert.deepEqual([...page1, ...page2], store.map((r) => r.seq));
  });

  test('exports: the filtered entries as CSV (attachment, formula-safe) and JSON; each export is audited', async () => {
    const csv = await auditor.get('/audit/export.csv?person=3&action=helpdesk');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(String(csv.headers['content-disposition']), /^attachment; filename="cadre-audit-\d{8}-\d{6}\.csv"$/);
    assert.ok(csv.body.startsWith('\ufeff'), 'UTF-8 byte order mark for spreadsheets');
    const [head, ...rows] = parseCsv(csv.body.slice(1));
    assert.deepEqual(head?.slice(0, 4), ['seq', 'at', 'actor', 'event']);
    assert.deepEqual(rows.map((r) => Number(r[0])), [seq.phone3, seq.formula, seq.late3], 'oldest first, only the filtered');
    assert.equal(rows.find((r) => Number(r[0]) === seq.formula)?.[2], '\'=HYPERLINK("http://x")', 'formula neutralised');
    const json = await auditor.get('/audit/export.json?person=3&action=helpdesk');
    assert.match(String(json.headers['content-disposition']), /^attachment; filename="cadre-audit-\d{8}-\d{6}\.json"$/);
    const parsed = JSON.parse(json.body) as { seq: number; payload: { after?: { phone?: string } } }[];
    assert.deepEqual(parsed.map((r) => r.seq), [seq.phone3, seq.formula, seq.late3]);
    assert.equal(parsed[0]?.payload.after?.phone, '+49 30 1234');
    const logged = await h.engine.store.audit.query({ event: 'web.audit.exported' }, { limit: 10, order: 'asc' });
    const me = 'web:test-auditor';
    assert.deepEqual(logged.map((r) => [r.actor, JSON.parse(r.payload).format, JSON.parse(r.payload).rows, JSON.parse(r.payload).complete]), [
      [me, 'csv', 3, true], [me, 'json', 3, true],
    ]);
    assert.deepEqual(JSON.parse(logged[0]?.payload ?? '{}').filter, { personId: '3', event: 'helpdesk' });
  });

  test('verification: an edited old entry is found by the full walk (POST /audit/verify), then shown at the top', async () => {
    assert.match((await auditor.get('/audit')).body, /Chain intact/);
    const db = new Database(join(h.dir, 'cadre.db'));
    try {
      db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
      db.prepare('UPDATE audit SET actor = ? WHERE seq = ?').run('web:mallory', seq.unlock4);
    } finally {
      db.close();
    }
    const back = '/audit?person=4';
    const res = await auditor.post('/audit/verify', { next: back });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, back);
    const page = await auditor.get(back);
    assert.match(page.body, new RegExp(`Chain broken at entry no\\. ${seq.unlock4}\\.`));
    assert.match(page.body, /does not match its hash/);
    // Only back into the viewer.
    assert.equal((await auditor.post('/audit/verify', { next: '//evil.example' })).headers.location, '/audit');
    assert.equal((await auditor.post('/audit/verify', { next: '/holds' })).headers.location, '/audit');
  });
});
