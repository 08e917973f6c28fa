/**
 * Acceptance: sign in as auditor, filter the audit log and export it, in Chromium. The trail is real: a full sync
 * (Personio simulator → a SQL-table target), an HR change and a second sync, a hold added and removed through the
 * engine, and helpdesk actions through the helpdesk service (an edit that becomes an override, a temporary disable
 * and the enable after it, each applied by a planned run). The auditor filters by person and action; the rows shown
 * are exactly the store's matching entries; the CSV and JSON downloads (through the browser's download) hold exactly
 * the same entries; the page passes axe; an auditor's POST to a state-changing route is refused with 403.
 * Screenshots per step in test-artifacts/web-browser-audit/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Download } from 'playwright-core';
import { addHold, removeHold } from '../../src/engine/holds.js';
import { createHelpdesk } from '../../src/engine/helpdesk/index.js';
import { fullSync } from '../../src/engine/sync.js';
import { checkA11y, launchBrowser, withPage } from '../support/browser.js';
import { signInLocal, startConsole, type TestConsole } from '../support/console.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';

const FILE = 'web-browser-audit';
const employees: EmployeeSpec[] = [
  { id: 1, first: 'Greta', last: 'Groß', department: 'Finance', office: 'Berlin', position: 'Controller' },
  { id: 2, first: 'Ömer', last: 'Öztürk', department: 'Sales', office: 'München', supervisorId: 1, position: 'Account Manager' },
  { id: 3, first: 'Lisa', last: 'Lang', department: 'Sales', office: 'Hamburg', supervisorId: 1 },
];
const FORMS = `forms:
  - { id: title-edit, type: edit, roles: [helpdesk], attributes: [title], overrideDays: 30 }
  - { id: lost-laptop, type: disable, roles: [helpdesk], maxDays: 30 }
`;

/** RFC 4180 rows. */
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

const read = async (d: Download): Promise<string> => readFileSync(await d.path(), 'utf8');

describe('audit log in the browser: auditor filters and exports', () => {
  let browser: Browser;
  let c: TestConsole;

  before(async () => {
    browser = await launchBrowser();
    c = await startConsole({ employees, users: [{ username: 'audra', role: 'auditor', displayName: 'Audra Auditor' }], extra: FORMS });
    // An HR change and the next sync.
    c.personio.company.upsert(employee({ ...(employees[2] as EmployeeSpec), department: 'Finance' }));
    await fullSync(c.engine, { actor: 'scheduler' });
    // IT holds and releases person 3.
    await addHold(c.engine, { personId: '3', reason: 'Audit of access', actor: 'cli:root' });
    await removeHold(c.engine, { personId: '3', actor: 'cli:root', reason: 'done' });
    // The helpdesk: a title edit (an override), a temporary disable and the enable, for person 2.
    const hd = createHelpdesk(c.engine);
    const principal = { id: 'hanna', role: 'helpdesk' };
    await hd.edit({ principal, formId: 'title-edit', personId: '2', target: 'erp', attributes: { title: 'Key Account Manager' }, reason: 'promotion, HR follows' });
    await hd.disable({ principal, formId: 'lost-laptop', personId: '2', target: 'erp', reason: 'lost laptop' });
    await hd.enable({ principal, formId: 'lost-laptop', personId: '2', target: 'erp', reason: 'laptop found' });
  });
  after(async () => {
    await c?.close();
    await browser?.close();
  });

  test('filter by person and action; the rows shown and both downloads are exactly the matching entries', () => withPage(browser, `${FILE}/filter-and-export`, async (p) => {
    const { page } = p;
    const expected = (await c.engine.store.audit.query({ personId: '2', event: 'helpdesk' }, { limit: 1000, order: 'desc' })).map((r) => r.seq);
    const everything = await c.engine.store.audit.query({}, { limit: 1000, order: 'desc' });
    // The trail has what the filter must leave out: other people's helpdesk entries aside, person 2's operations.
    assert.ok(expected.length >= 3, `helpdesk entries for person 2: ${expected.length}`);
    assert.ok(everything.some((r) => r.personId === '2' && r.event.startsWith('op.')), 'person 2 has operations too');
    assert.ok(everything.some((r) => r.personId === '3' && r.event === 'hold.added'));

    await signInLocal(page, c, 'audra');
    await page.goto(`${c.url}/audit`);
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await p.shot('audit log unfiltered');
    assert.match(await page.locator('#verify').innerText(), /Chain intact: \d+ entries/);
    const unfiltered = await page.locator('tr[data-seq]').count();
    assert.ok(unfiltered > expected.length);

    await page.getByLabel('Person (id)').fill('2');
    await page.getByLabel('Action (event)').fill('helpdesk');
    await Promise.all([page.waitForURL(/\/audit\?/), page.getByRole('button', { name: 'Apply filters' }).click()]);
    await p.shot('filtered person 2 helpdesk');
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('person'), '2');
    assert.equal(url.searchParams.get('action'), 'helpdesk');

    const shown = await page.locator('tr[data-seq]').evaluateAll((trs) => trs.map((tr) => ({
      seq: Number(tr.getAttribute('data-seq')),
      event: tr.querySelector('td:nth-child(4)')?.textContent?.trim() ?? '',
      person: tr.querySelector('td:nth-child(5)')?.textContent?.trim() ?? '',
    })));
    assert.deepEqual(shown.map((r) => r.seq), expected, 'exactly the matching entries, newest first');
    for (const r of shown) {
      assert.match(r.event, /^helpdesk\./);
      assert.match(r.person, /Ömer Öztürk \(2\)/);
    }
    // The edit reads as before → after.
    assert.match(await page.locator('table.audit').innerText(), /title\s+Account Manager → Key Account Manager/);

    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    assert.match(csvDownload.suggestedFilename(), /^cadre-audit-\d{8}-\d{6}\.csv$/);
    const csv = parseCsv((await read(csvDownload)).replace(/^\ufeff/, ''));
    assert.deepEqual(csv[0]?.slice(0, 7), ['seq', 'at', 'actor', 'event', 'run_id', 'person_id', 'target']);
    const csvRows = csv.slice(1);
    assert.deepEqual(csvRows.map((r) => Number(r[0])), [...expected].reverse(), 'CSV: the same entries, oldest first');
    for (const r of csvRows) {
      assert.equal(r[5], '2');
      assert.match(r[3] ?? '', /^helpdesk\./);
    }

    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export JSON' }).click()]);
    assert.match(jsonDownload.suggestedFilename(), /^cadre-audit-\d{8}-\d{6}\.json$/);
    const json = JSON.parse(await read(jsonDownload)) as { seq: number; personId?: string; event: string; hash: string }[];
    assert.deepEqual(json.map((r) => r.seq), [...expected].reverse(), 'JSON: the same entries');
    assert.ok(json.every((r) => r.personId === '2' && r.event.startsWith('helpdesk.')));
    const stored = new Map(everything.map((r) => [r.seq, r.hash]));
    assert.ok(json.every((r) => stored.get(r.seq) === r.hash), 'exported as stored (hashes)');

    // Both exports were audited under the auditor's name, with the filter.
    const exported = await c.engine.store.audit.query({ event: 'web.audit.exported' }, { limit: 10, order: 'asc' });
    assert.deepEqual(exported.map((r) => [r.actor, (JSON.parse(r.payload) as { format: string }).format]), [['web:audra', 'csv'], ['web:audra', 'json']]);

    await checkA11y(page, 'filtered audit log');
    assert.deepEqual(p.errors, [], 'no console errors (CSP violations are reported there)');
    assert.deepEqual(p.external, [], 'no request leaves the console');
  }));

  test('an auditor cannot change anything: a hold POST with a valid CSRF token is refused with 403', () => withPage(browser, `${FILE}/read-only`, async (p) => {
    const { page } = p;
    await signInLocal(page, c, 'audra');
    await page.goto(`${c.url}/audit`);
    const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    assert.ok(token);
    const holdsBefore = (await c.engine.store.holds.all()).length;
    const res = await page.request.post(`${c.url}/holds`, { form: { _csrf: token, personId: '1', reason: 'auditor tries' } });
    assert.equal(res.status(), 403);
    assert.equal((await c.engine.store.holds.all()).length, holdsBefore, 'nothing was stored');
    // Only read-only pages in the navigation.
    const nav = await page.getByRole('navigation', { name: 'Main navigation' }).innerText();
    assert.doesNotMatch(nav, /Helpdesk/);
    await page.setContent(await res.text());
    await p.shot('403 for an auditor posting a hold');
  }));
});
