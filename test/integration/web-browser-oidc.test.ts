/**
 * OIDC sign-in in Chromium against a real oidc-provider: the sign-in page offers the IdP, Chromium clicks through
 * the provider's login and consent pages and lands on the console with the role the groups claim maps to, under a
 * new session id; a user whose groups map to no role, and a manager whose e-mail names no Personio person, are
 * refused with a page that says why; both outcomes are audited. A second provider sends the groups only from
 * userinfo. Screenshots per step in test-artifacts/web-browser-oidc/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, withPage, type TestPage } from '../support/browser.js';
import { startConsole, type TestConsole } from '../support/console.js';
import { signInAtProvider, startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';
import type { EmployeeSpec } from '../support/personio-fixture.js';

const employees: EmployeeSpec[] = [
  { id: 1, first: 'Mia', last: 'Manager', email: 'mia.manager@example.com', department: 'Sales', office: 'Berlin' },
  { id: 2, first: 'Rudi', last: 'Report', supervisorId: 1, department: 'Sales', office: 'Berlin' },
  { id: 3, first: 'Olga', last: 'Other', department: 'Finance', office: 'Hamburg' },
];
const FILE = 'web-browser-oidc';

const sessionCookie = async (p: TestPage, c: TestConsole) => (await p.context.cookies(c.url)).find((k) => k.name === 'cadre_sid')?.value;
/** Audit entries with exactly this event, payload parsed. */
const auditOf = async (c: TestConsole, event: string) => {
  const rows: { actor: string; payload: Record<string, unknown> }[] = [];
  for await (const page of c.engine.store.audit.iterate()) {
    for (const r of page) if (r.event === event) rows.push({ actor: r.actor, payload: JSON.parse(r.payload) as Record<string, unknown> });
  }
  return rows;
};
const startAtConsole = async (p: TestPage, c: TestConsole, provider: string) => {
  await p.page.goto(`${c.url}/sign-in`);
  const button = p.page.getByRole('link', { name: `Sign in with ${provider}` });
  await button.waitFor();
  await p.shot('console sign-in page');
  await button.click();
  await p.page.waitForURL((u) => u.origin !== new URL(c.url).origin);
};
const landed = async (page: Page, c: TestConsole) => {
  await page.waitForURL((u) => u.origin === new URL(c.url).origin);
  return new URL(page.url());
};

describe('OIDC sign-in in the browser (groups in the ID token)', () => {
  let browser: Browser;
  let op: TestOidcProvider;
  let c: TestConsole;
  before(async () => {
    browser = await launchBrowser();
    op = await startOidcProvider();
    c = await startConsole({ employees, oidc: op, oidcName: 'Test IdP' });
  });
  after(async () => {
    await c?.close();
    await op?.close();
    await browser?.close();
  });

  test('an admin signs in through the provider and lands on the dashboard as Administrator, under a new session id', async () => {
    await withPage(browser, `${FILE}/admin`, async (p) => {
      await p.page.goto(`${c.url}/sign-in`);
      const before = await sessionCookie(p, c);
      await startAtConsole(p, c, 'Test IdP');
      assert.ok(p.page.url().startsWith(op.issuer), `at the IdP: ${p.page.url()}`);
      await signInAtProvider(p.page, 'olivia', p.shot);
      const at = await landed(p.page, c);
      assert.equal(at.pathname, '/');
      await p.shot('dashboard');
      assert.match((await p.page.locator('.who').textContent()) ?? '', /Olivia Admin.*Administrator/s);
      const after = await sessionCookie(p, c);
      assert.ok(after && after !== before, 'the session id changed at sign-in');
      const signIns = await auditOf(c, 'web.signIn');
      assert.equal(signIns.at(-1)?.actor, 'web:olivia.admin@example.com');
      assert.equal(signIns.at(-1)?.payload.via, 'oidc');
      assert.equal(signIns.at(-1)?.payload.role, 'admin');
      assert.deepEqual(p.external.filter((u) => u.startsWith(c.url)), []);
      assert.deepEqual(op.errors, []);
    });
  });

  test('a user whose groups map to no role is refused, told why, and audited', async () => {
    await withPage(browser, `${FILE}/no-role`, async (p) => {
      await startAtConsole(p, c, 'Test IdP');
      await signInAtProvider(p.page, 'nobody', p.shot);
      await landed(p.page, c);
      await p.page.locator('main').waitFor();
      await p.shot('refused');
      const text = (await p.page.locator('main').textContent()) ?? '';
      assert.match(text, /no\.body@example\.com/);
      assert.match(text, /Kitchen/, 'the groups the IdP sent are shown');
      assert.equal(await p.page.locator('.who').count(), 0, 'not signed in');
      await p.page.goto(`${c.url}/`);
      assert.equal(new URL(p.page.url()).pathname, '/sign-in', 'the dashboard still asks for sign-in');
      const refused = (await auditOf(c, 'web.signIn.refused')).at(-1);
      assert.equal(refused?.actor, 'web:no.body@example.com');
      assert.equal(refused?.payload.reason, 'noRole');
    });
  });

  test('a manager is linked to their Personio person by e-mail; one without a person is refused', async () => {
    await withPage(browser, `${FILE}/manager`, async (p) => {
      await startAtConsole(p, c, 'Test IdP');
      await signInAtProvider(p.page, 'mia', p.shot);
      await landed(p.page, c);
      await p.shot('manager dashboard');
      assert.match((await p.page.locator('.who').textContent()) ?? '', /Mia Manager.*Manager/s);
      const signIn = (await auditOf(c, 'web.signIn')).at(-1);
      assert.equal(signIn?.actor, 'web:mia.manager@example.com');
      assert.equal(signIn?.payload.personId, '1');
    });
    await withPage(browser, `${FILE}/manager-unlinked`, async (p) => {
      await startAtConsole(p, c, 'Test IdP');
      await signInAtProvider(p.page, 'max', p.shot);
      await landed(p.page, c);
      await p.shot('refused');
      assert.match((await p.page.locator('main').textContent()) ?? '', /max\.unlinked@example\.com/);
      assert.equal(await p.page.locator('.who').count(), 0);
      const refused = (await auditOf(c, 'web.signIn.refused')).at(-1);
      assert.equal(refused?.payload.reason, 'noPerson');
    });
  });
});

describe('OIDC sign-in in the browser (groups only from userinfo)', () => {
  let browser: Browser;
  let op: TestOidcProvider;
  let c: TestConsole;
  before(async () => {
    browser = await launchBrowser();
    op = await startOidcProvider({ claimsIn: 'userinfo' });
    c = await startConsole({ employees, oidc: op });
  });
  after(async () => {
    await c?.close();
    await op?.close();
    await browser?.close();
  });

  test('the helpdesk role comes from the userinfo groups; the button names the issuer host', async () => {
    await withPage(browser, `${FILE}/userinfo`, async (p) => {
      await startAtConsole(p, c, new URL(op.issuer).host);
      await signInAtProvider(p.page, 'hank', p.shot);
      await landed(p.page, c);
      await p.shot('dashboard');
      assert.match((await p.page.locator('.who').textContent()) ?? '', /Hank Help.*Helpdesk/s);
    });
  });
});
