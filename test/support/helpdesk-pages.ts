/**
 * Browser steps on the console's helpdesk pages (src/web/routes/forms.ts) for Chromium tests: find a person from
 * the helpdesk search, follow a form link, submit a form and get the POST's response, and check that a page did
 * nothing it should not (CSP violations, page errors, requests leaving the machine, dialogs).
 */
import assert from 'node:assert/strict';
import type { Client } from 'ldapts';
import type { Page } from 'playwright-core';
import { DOMAIN_DN, removeTree, type AdE2eTree } from './ad-e2e-config.js';
import { checkA11y, type TestPage } from './browser.js';

/** Search the person by last name on `/forms` and open their helpdesk page (`/persons/<id>/forms`). */
export async function openHelpdeskPerson(p: TestPage, url: string, person: { readonly id: number; readonly first?: string | null; readonly last?: string | null }): Promise<void> {
  await p.page.goto(`${url}/forms`);
  await p.page.locator('#q').fill(person.last ?? '');
  await Promise.all([p.page.waitForURL(/\/forms\?q=/), p.page.locator('form[role="search"] button[type="submit"]').click()]);
  await p.shot(`search ${person.first ?? person.id}`);
  await Promise.all([p.page.waitForURL(new RegExp(`/persons/${person.id}/forms$`)), p.page.getByRole('link', { name: `${person.first ?? ''} ${person.last ?? ''}` }).click()]);
  await p.shot(`helpdesk page of ${person.first ?? person.id}`);
}

/** Follow the person page's link to a form in `target`; the form page must pass axe. */
export async function openHelpdeskForm(p: TestPage, formId: string, target: string): Promise<void> {
  await Promise.all([p.page.waitForURL(new RegExp(`/forms/${formId}\\?target=${target}$`)), p.page.locator(`li[data-form="${formId}"] a`).click()]);
  await p.shot(`form ${formId}`);
  await checkA11y(p.page, `form ${formId}`);
}

/** Submit the page's helpdesk form; resolves with the POST's status and headers once the answer page has loaded. */
export async function submitHelpdeskForm(page: Page, selector = 'form.helpdesk-form'): Promise<{ status: number; headers: Record<string, string> }> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.includes('/forms/')),
    page.locator(`${selector} button[type="submit"]`).click(),
  ]);
  await page.waitForLoadState('load');
  return { status: res.status(), headers: res.headers() };
}

/**
 * What a test's pages must not have done: CSP violations, script errors, requests leaving the machine, dialogs.
 * Chromium logs each 4xx answer as a console error: `refusals` is how many the test provoked on purpose.
 */
export function assertCleanPage(p: TestPage, refusals = 0): void {
  const answered4xx = (e: string): boolean => /Failed to load resource: the server responded with a status of 4\d\d/.test(e);
  assert.equal(p.errors.filter(answered4xx).length, refusals, 'only the refusals the test provoked');
  assert.deepEqual(p.errors.filter((e) => !answered4xx(e)), [], 'no console errors (CSP violations) or page errors');
  assert.deepEqual(p.external, [], 'no request left the machine');
  assert.deepEqual(p.dialogs, []);
}

/** Remove the top-level OUs whose name starts with `prefix ` (a suite's own crashed runs hold domain-wide names). */
export async function removeTreesWithPrefix(admin: Client, prefix: string): Promise<void> {
  const r = await admin.search(DOMAIN_DN, { scope: 'one', filter: '(objectClass=organizationalUnit)', attributes: ['ou'] });
  for (const e of r.searchEntries) {
    if (String(e['ou']).startsWith(`${prefix} `)) await removeTree(admin, { root: e.dn } as AdE2eTree);
  }
}
