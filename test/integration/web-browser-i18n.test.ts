/**
 * The UI language in Chromium: a German browser (Accept-Language) gets the German sign-in page; an English one
 * signs in locally, switches to German with the language switch, and every page is German from then on (text and
 * the `lang` attribute), including after signing out; switching back gives English. Screenshots per step.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, withPage } from '../support/browser.js';
import { signInLocal, startConsole, type TestConsole } from '../support/console.js';

const FILE = 'web-browser-i18n';
const lang = (page: Page) => page.locator('html').getAttribute('lang');
const text = async (page: Page) => (await page.locator('body').innerText()).replace(/\s+/g, ' ');
const switchTo = async (page: Page, value: 'de' | 'en', button: string) => {
  await page.locator('#lang-select').selectOption(value);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button }).click()]);
};

describe('UI language in the browser', () => {
  let browser: Browser;
  let c: TestConsole;
  before(async () => {
    browser = await launchBrowser();
    c = await startConsole({ users: [{ username: 'ada', role: 'admin', displayName: 'Ada Admin' }] });
  });
  after(async () => {
    await c?.close();
    await browser?.close();
  });

  test('a German browser gets the German sign-in page (Accept-Language)', async () => {
    await withPage(browser, `${FILE}/accept-language`, async (p) => {
      await p.page.goto(`${c.url}/sign-in`);
      await p.shot('sign-in de');
      assert.equal(await lang(p.page), 'de');
      assert.equal(await p.page.locator('h1').textContent(), 'Anmelden');
      assert.match(await text(p.page), /Benutzername|Passwort/);
    }, { locale: 'de-DE' });
  });

  test('signed in in English, the switch turns the console German, and it stays German', async () => {
    await withPage(browser, `${FILE}/switch`, async (p) => {
      await signInLocal(p.page, c, 'ada');
      await p.shot('dashboard en');
      assert.equal(await lang(p.page), 'en');
      assert.match(await text(p.page), /Signed in as Ada Admin \(Administrator\)/);

      await switchTo(p.page, 'de', 'Switch');
      await p.shot('dashboard de');
      assert.equal(new URL(p.page.url()).pathname, '/', 'back on the page it was switched on');
      assert.equal(await lang(p.page), 'de');
      const de = await text(p.page);
      assert.match(de, /Angemeldet als Ada Admin \(Administration\)/);
      assert.match(de, /Abmelden/);
      assert.doesNotMatch(de, /Signed in as|Sign out/);

      await p.page.goto(`${c.url}/`);
      assert.equal(await lang(p.page), 'de', 'the choice is kept (cookie)');
      await Promise.all([p.page.waitForNavigation(), p.page.getByRole('button', { name: 'Abmelden' }).click()]);
      await p.shot('signed out de');
      assert.equal(await lang(p.page), 'de', 'still German after signing out');
      assert.equal(await p.page.locator('h1').textContent(), 'Anmelden');

      await switchTo(p.page, 'en', 'Wechseln');
      await p.shot('sign-in en');
      assert.equal(await lang(p.page), 'en');
      assert.equal(await p.page.locator('h1').textContent(), 'Sign in');
      assert.deepEqual(p.errors, [], 'no CSP violation or script error');
    });
  });
});
