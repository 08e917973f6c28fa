/**
 * The report pages over HTTP (fastify inject) after a real sync (Personio simulator → a SQL-table target), with a
 * hand-made account in the target, a leaver whose last day passed after the last sync, and helpdesk entries in the
 * audit log: each page shows the engine's report, each export holds the same rows (CSV with the formula guard, JSON),
 * the matrix has its header scopes, who-has asks first and suggests known entitlements, parameters are checked.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { fullSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { startWebHarness, type WebClient, type WebHarness } from '../support/web.js';

const staff: EmployeeSpec[] = [
  { id: 1, first: 'Greta', last: 'Groß', department: 'Finance', office: 'Berlin' },
  { id: 2, first: 'Ömer', last: 'Öztürk', department: 'Sales', office: 'München', supervisorId: 1 },
  { id: 3, first: 'Lisa', last: '=cmd|calc', department: 'Sales', office: 'Hamburg', supervisorId: 1 },
  // Left on 10 June; the last sync ran on 1 June (as if the daemon had been down since). The console's clock: 15 June.
  { id: 4, first: 'Leo', last: 'Weg', department: 'Sales', office: 'Berlin', lastWorkingDay: '2026-06-10' },
];

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

describe('report pages (HTTP, after a real sync)', () => {
  let h: WebHarness;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let auditor: WebClient;

  before(async () => {
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: staff.map(employee) });
    h = await startWebHarness({ personioUrl: sim.url });
    await fullSync(h.engine, { actor: 'test', at: '2026-06-01T10:00:00Z' });
    const db = new Database(join(h.dir, 'erp.db'));
    try {
      db.prepare('INSERT INTO accounts (username, mail, display_name, employee_id, active, location) VALUES (?, ?, ?, ?, 1, ?)').run('=HYPERLINK("x")', 'ghost@example.com', 'Ghost', '999', 'berlin');
    } finally {
      db.close();
    }
    await h.engine.audit.record({ actor: 'web:hd1', event: 'helpdesk.unlock', personId: '2', target: 'erp', payload: { form: 'unlock' } });
    await h.engine.audit.record({ actor: 'web:hd1', event: 'helpdesk.edit.refused', personId: '1', target: 'erp', payload: { form: 'edit', code: 'PROTECTED' } });
    await h.engine.audit.record({ actor: 'web:hd2', event: 'helpdesk.unlock', personId: '3', target: 'erp', payload: { form: 'unlock' } });
    auditor = await h.signIn('auditor');
  });
  after(async () => {
    await h?.close();
    await sim?.close();
  });

  test('index: every report with its page and exports', async () => {
    const res = await auditor.get('/reports');
    assert.equal(res.statusCode, 200);
    for (const slug of ['orphans', 'leavers-enabled', 'access-matrix', 'licences', 'who-has', 'helpdesk', 'activity']) assert.ok(res.body.includes(`href="/reports/${slug}"`), slug);
    assert.ok(res.body.includes('href="/reports/orphans.csv"'));
    assert.ok(!res.body.includes('href="/reports/who-has.csv"'), 'who-has needs an entitlement first');
  });

  test('orphans: the hand-made account, on the page and in both exports (formula-safe CSV, audited)', async () => {
    const page = await auditor.get('/reports/orphans');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /correlation id 999 matches no HR person/);
    assert.match(page.body, /&#61;HYPERLINK\(&quot;x&quot;\)/);
    const csv = await auditor.get('/reports/orphans.csv');
    assert.match(String(csv.headers['content-disposition']), /^attachment; filename="cadre-orphans-\d{8}-\d{6}\.csv"$/);
    assert.ok(csv.body.startsWith('\ufeff'));
    const [head, ...rows] = parseCsv(csv.body.slice(1));
    assert.deepEqual(head, ['target', 'anchor', 'name', 'dn', 'enabled', 'correlation', 'why']);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.[2], '\'=HYPERLINK("x")', 'formula neutralised');
    const json = JSON.parse((await auditor.get('/reports/orphans.json')).body) as { report: string; rows: { correlation: string }[] };
    assert.equal(json.report, 'orphans');
    assert.deepEqual(json.rows.map((r) => r.correlation), ['999']);
    const logged = await h.engine.store.audit.query({ event: 'web.report.exported' }, { limit: 10, order: 'asc' });
    assert.deepEqual(logged.map((r) => [r.actor, JSON.parse(r.payload).report, JSON.parse(r.payload).format, JSON.parse(r.payload).rows]), [
      ['web:test-auditor', 'orphans', 'csv', 1], ['web:test-auditor', 'orphans', 'json', 1],
    ]);
  });

  test('leavers still enabled: the person whose last day passed since the last sync', async () => {
    const page = await auditor.get('/reports/leavers-enabled');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Leo Weg/);
    assert.match(page.body, /2026-06-10/);
    assert.match(page.body, /<a href="\/persons\/4">4<\/a>/, 'person linked');
    const json = JSON.parse((await auditor.get('/reports/leavers-enabled.json')).body) as { rows: { personId: string; cause: string }[] };
    assert.deepEqual(json.rows.map((r) => r.personId), ['4']);
  });

  test('access by department: a matrix with row and column header scopes', async () => {
    const page = await auditor.get('/reports/access-matrix?stored=1');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<caption>Entitlements by department in erp<\/caption>/);
    assert.match(page.body, /<th scope="col" class="num">Finance<\/th><th scope="col" class="num">Sales<\/th>/);
    // role:sales: Finance 0, Sales 3 (Ömer, Lisa, Leo).
    assert.match(page.body, /<tr><th scope="row">role:sales<\/th><td class="num zero">0<\/td><td class="num">3<\/td><\/tr>/);
    assert.match(page.body, /<tr><th scope="row">role:finance<\/th><td class="num">1<\/td><td class="num zero">0<\/td><\/tr>/);
    const csv = parseCsv((await auditor.get('/reports/access-matrix.csv?stored=1')).body.slice(1));
    assert.ok(csv.some((r) => r.join() === 'erp,Sales,role:sales,3'));
  });

  test('who has: asks first, suggests known entitlements, then lists the holders with the rule', async () => {
    const ask = await auditor.get('/reports/who-has');
    assert.equal(ask.statusCode, 200);
    assert.match(ask.body, /Enter an entitlement to see who holds it\./);
    assert.match(ask.body, /<datalist id="known-entitlements">[^]*<option value="role:finance"><\/option>/);
    assert.equal((await auditor.get('/reports/who-has.csv')).statusCode, 400);
    const page = await auditor.get('/reports/who-has?entitlement=role%3Afinance');
    assert.match(page.body, /Greta Groß/);
    const json = JSON.parse((await auditor.get('/reports/who-has.json?entitlement=role%3Afinance')).body) as { rows: { personId: string; rule: string }[] };
    assert.deepEqual(json.rows.map((r) => [r.personId, r.rule]), [['1', 'finance']]);
    assert.ok(page.body.includes('href="/reports/who-has.csv?entitlement&#61;role%3Afinance"'));
  });

  test('helpdesk actions: the last 30 days by default, counted by actor and type; a period narrows', async () => {
    const page = await auditor.get('/reports/helpdesk');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<input type="date" id="from" name="from" value="2026-05-17">/);
    assert.match(page.body, /<input type="date" id="until" name="until" value="2026-06-15">/);
    const json = JSON.parse((await auditor.get('/reports/helpdesk.json')).body) as { rows: { actor: string; type: string; done: number; refused: number }[] };
    assert.deepEqual(json.rows.map((r) => [r.actor, r.type, r.done, r.refused]), [['web:hd1', 'edit', 0, 1], ['web:hd1', 'unlock', 1, 0], ['web:hd2', 'unlock', 1, 0]]);
    const before = JSON.parse((await auditor.get('/reports/helpdesk.json?from=2026-06-01&until=2026-06-14')).body) as { rows: unknown[] };
    assert.deepEqual(before.rows, []);
  });

  test('licences without licence targets, and activity charts', async () => {
    const lic = await auditor.get('/reports/licences?stored=1');
    assert.equal(lic.statusCode, 200);
    assert.match(lic.body, /Nothing to report\./);
    const act = await auditor.get('/reports/activity?days=30');
    assert.equal(act.statusCode, 200);
    assert.equal([...act.body.matchAll(/<svg [^>]*role="img"/g)].length, 2);
    assert.match(act.body, /<title id="chart-changes-per-day-title">Changes per day<\/title>/);
  });

  test('parameters are checked', async () => {
    assert.equal((await auditor.get('/reports/orphans?target=nope')).statusCode, 400);
    assert.equal((await auditor.get('/reports/orphans.csv?target=nope')).statusCode, 400);
    assert.equal((await auditor.get('/reports/helpdesk?from=2026-13-01')).statusCode, 400);
    assert.equal((await auditor.get(`/reports/who-has?entitlement=${'x'.repeat(201)}`)).statusCode, 400);
  });
});
