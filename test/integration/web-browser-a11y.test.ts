/**
 * Accessibility: axe-core in Chromium reports no serious or critical violations on the console's pages, in English
 * and German. The pages are not a hand-kept list: every registered GET route is opened (route parameters filled
 * from the fixture, see PARAMS), as anonymous for public pages and else as the first role allowed, and each full
 * HTML page is checked. What is not a page (assets, health, metrics, exports, redirects, htmx fragments) is reported
 * with the reason in the test's diagnostics, never skipped silently; a parameter without a sample value fails.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ROLES } from '../../src/core/roles.js';
import { axeViolations, formatViolations, launchBrowser } from '../support/browser.js';
import { startConsole, type TestConsole } from '../support/console.js';
import { ROUTE_QUERIES, walkPages } from '../support/console-pages.js';
import type { EmployeeSpec } from '../support/personio-fixture.js';

const FILE = 'web-browser-a11y';
const employees: EmployeeSpec[] = [
  { id: 1, first: 'Anna', last: 'Arendt', email: 'anna.arendt@example.com', department: 'Sales', office: 'Berlin' },
  { id: 2, first: 'Bernd', last: 'Brandt', supervisorId: 1, department: 'Sales', office: 'Berlin', phone: '+49 30 1234' },
  { id: 3, first: 'Clara', last: 'Conrad', department: 'Finance', office: 'Hamburg', hireDate: '2099-01-01' },
];
/** Sample values for route parameters (`/persons/:id` → `/persons/2`). A new parameter name needs a row here. */
/** A helpdesk form, so the form pages render a real form (the SQL target supports edits). */
const FORMS = 'forms:\n  - { id: edit-title, type: edit, roles: [admin, helpdesk], attributes: [title, telephoneNumber] }\n';
const PARAMS: Record<string, string> = { id: '2', personId: '2', target: 'erp', form: 'reset-password', formId: 'edit-title', report: 'orphans', '*': 'cadre.css' };

describe('accessibility (axe-core in Chromium)', () => {
  let browser: Browser;
  let c: TestConsole;
  before(async () => {
    browser = await launchBrowser();
    c = await startConsole({
      employees, extra: FORMS,
      users: ROLES.map((role) => ({ username: `a11y-${role}`, role, displayName: `A11y ${role}`, ...(role === 'manager' ? { personId: '1' } : {}) })),
    });
  });
  after(async () => {
    await c?.close();
    await browser?.close();
  });

  for (const lang of ['en', 'de'] as const) {
    test(`no serious or critical violations on any page (${lang})`, async (t) => {
      const problems: string[] = [];
      const walk = await walkPages(browser, c, { name: `${FILE}/${lang}`, params: PARAMS, userPrefix: 'a11y-', queries: ROUTE_QUERIES, locale: lang === 'de' ? 'de-DE' : 'en-GB' }, async (v) => {
        assert.ok(v.status < 500, `${v.path} answered ${v.status}`);
        await v.page.shot(`${v.who} ${v.path}`);
        const bad = (await axeViolations(v.page.page)).filter((x) => x.impact === 'serious' || x.impact === 'critical');
        if (bad.length > 0) problems.push(`${v.path} as ${v.who}:\n${formatViolations(bad)}`);
      });
      t.diagnostic(`checked ${walk.pages.length} pages: ${walk.pages.join(', ')}`);
      t.diagnostic(`not pages: ${walk.notPages.join(', ')}`);
      assert.deepEqual(walk.unfillable, [], `routes with a parameter that has no sample value in PARAMS: ${walk.unfillable.join(', ')}`);
      assert.ok(walk.pages.some((x) => x.startsWith('/sign-in ')), 'the sign-in page was checked');
      assert.ok(walk.pages.some((x) => x.startsWith('/ ')), 'the dashboard was checked');
      assert.deepEqual(problems, [], `serious/critical axe violations:\n${problems.join('\n')}`);
    });
  }
});
