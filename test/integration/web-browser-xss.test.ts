/**
 * XSS in the browser: a person named `<script>alert(1)</script>` (last name `<img src=x onerror=alert(2)>`) comes
 * from Personio like anyone else. Every console page is opened in Chromium (as the first role allowed) and no
 * JavaScript dialog may fire, no inline script or event handler may appear in the DOM, and wherever the name is
 * shown it is the literal text. Reflected input is tried too: the search query and the sign-in page's `next`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ROLES } from '../../src/core/roles.js';
import { injectedScript, launchBrowser, withPage } from '../support/browser.js';
import { signInLocal, startConsole, type TestConsole } from '../support/console.js';
import { ROUTE_QUERIES, walkPages } from '../support/console-pages.js';
import type { EmployeeSpec } from '../support/personio-fixture.js';

const FILE = 'web-browser-xss';
const FIRST = '<script>alert(1)</script>';
const LAST = '<img src=x onerror=alert(2)>';
const employees: EmployeeSpec[] = [
  { id: 1, first: 'Mara', last: 'Manager', department: 'Sales', office: 'Berlin' },
  { id: 66, first: FIRST, last: LAST, supervisorId: 1, department: 'Sales', office: 'Berlin', position: '"><svg onload=alert(3)>' },
];
/** A helpdesk form, so the form pages render a real form (the SQL target supports edits). */
const FORMS = 'forms:\n  - { id: edit-title, type: edit, roles: [admin, helpdesk], attributes: [title, telephoneNumber] }\n';
const PARAMS: Record<string, string> = { id: '66', personId: '66', target: 'erp', form: 'reset-password', formId: 'edit-title', report: 'orphans', '*': 'cadre.css' };

const injected = injectedScript;

describe('XSS in the browser', () => {
  let browser: Browser;
  let c: TestConsole;
  before(async () => {
    browser = await launchBrowser();
    c = await startConsole({ employees, extra: FORMS, users: ROLES.map((role) => ({ username: `xss-${role}`, role, ...(role === 'manager' ? { personId: '1' } : {}) })) });
  });
  after(async () => {
    await c?.close();
    await browser?.close();
  });

  test('the script person renders as text on every page; no dialog fires', async (t) => {
    const shownOn: string[] = [];
    const problems: string[] = [];
    const walk = await walkPages(browser, c, { name: FILE, params: PARAMS, userPrefix: 'xss-', queries: ROUTE_QUERIES }, async (v) => {
      await v.page.shot(`${v.who} ${v.path}`);
      const text = await v.page.page.locator('body').innerText();
      if (text.includes(FIRST) || text.includes(LAST)) shownOn.push(v.path);
      const bad = await injected(v.page.page);
      if (bad.length > 0) problems.push(`${v.path}: ${bad.join(', ')}`);
      if (v.page.dialogs.length > 0) problems.push(`${v.path}: dialog ${v.page.dialogs.join(', ')}`);
    });
    t.diagnostic(`pages: ${walk.pages.join(', ')}; the name is shown on: ${shownOn.join(', ') || 'none'}`);
    assert.deepEqual(walk.unfillable, [], `routes with a parameter that has no sample value: ${walk.unfillable.join(', ')}`);
    assert.deepEqual(problems, []);
    for (const path of ['/persons', '/persons/66']) assert.ok(shownOn.includes(path), `${path} shows the name as text`);
  });

  test('reflected input: the search query and the sign-in page\'s next parameter stay text', async () => {
    const payload = '"><script>alert(4)</script><img src=x onerror=alert(5)>';
    await withPage(browser, `${FILE}/reflected`, async (p) => {
      await p.page.goto(`${c.url}/sign-in?next=${encodeURIComponent(`/${payload}`)}`);
      await p.shot('sign-in with next');
      assert.deepEqual(await injected(p.page), []);
      await signInLocal(p.page, c, 'xss-admin');
      await p.page.goto(`${c.url}/persons?q=${encodeURIComponent(payload)}`);
      await p.shot('search');
      assert.deepEqual(await injected(p.page), []);
      assert.equal(await p.page.locator('input[name="q"]').inputValue(), payload, 'the query is shown back as text');
      assert.deepEqual(p.dialogs, []);
    });
  });
});
