/**
 * The browser and OIDC test support works as the console's browser tests rely on: Chromium starts from
 * /usr/bin/chromium, screenshots land in test-artifacts/, axe runs under a strict CSP and reports serious
 * violations, dialogs and external requests are recorded; the oidc-provider process signs a browser in through its
 * own pages, puts the groups claim where asked, and refuses an authorization request without PKCE.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { checkA11y, injectedScript, launchBrowser, withPage } from '../support/browser.js';
import { OIDC_USERS, signInAtProvider, startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
const PAGES: Record<string, string> = {
  '/good': page('Good', '<form><label for="q">Search</label><input id="q" name="q"><button type="submit">Go</button></form>'),
  '/bad': page('Bad', '<img src="/pixel.png"><button type="button"></button>'),
  '/inline': page('Inline', '<script>alert(1)</script><p>text</p>'),
  '/outside': page('Outside', '<img alt="remote" src="http://example.invalid/x.png">'),
  '/handlers': page('Handlers', '<img alt="x" src="/pixel.png" onerror="alert(1)"><a href="javascript:alert(2)">link</a>'),
};

const serve = (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> =>
  new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
const close = (s?: Server) => new Promise<void>((resolve) => (s ? (s.closeAllConnections(), s.close(() => resolve())) : resolve()));

describe('browser test support (Chromium, screenshots, axe under a strict CSP)', () => {
  let browser: Browser;
  let site: { server: Server; url: string };
  before(async () => {
    browser = await launchBrowser();
    site = await serve((req, res) => {
      const body = PAGES[req.url ?? ''];
      if (req.url === '/pixel.png') return res.writeHead(204).end();
      if (!body) return res.writeHead(404).end();
      // /outside has no CSP, as a page relying on a CDN would not: the browser support must stop the request itself.
      const headers = { 'content-type': 'text/html; charset=utf-8', ...(req.url === '/outside' ? {} : { 'content-security-policy': CSP }) };
      res.writeHead(200, headers).end(body);
    });
  });
  after(async () => {
    await browser?.close();
    await close(site?.server);
  });

  test('Chromium is Debian\'s and screenshots are kept per step', async () => {
    assert.match(browser.version(), /^\d+\./);
    const file = await withPage(browser, 'web-browser-support/screenshots', async (p) => {
      await p.page.goto(`${site.url}/good`);
      return p.shot('good page');
    });
    assert.match(file, /test-artifacts\/web-browser-support\/screenshots\/01-good-page\.png$/);
    assert.ok(existsSync(file) && statSync(file).size > 0);
  });

  test('axe runs despite script-src \'self\' and passes an accessible page', async () => {
    await withPage(browser, 'web-browser-support/a11y-good', async (p) => {
      await p.page.goto(`${site.url}/good`);
      await checkA11y(p.page);
      assert.deepEqual(p.errors, [], 'injecting axe raised no CSP violation');
    });
  });

  test('axe fails on serious/critical violations with a readable list', async () => {
    await withPage(browser, 'web-browser-support/a11y-bad', async (p) => {
      await p.page.goto(`${site.url}/bad`);
      await assert.rejects(checkA11y(p.page, 'the bad page'), (e: Error) => {
        assert.match(e.message, /serious\/critical axe violation\(s\) on the bad page/);
        assert.match(e.message, /\[critical\] image-alt: .*\n\s+at img:/);
        assert.match(e.message, /\[critical\] button-name: /);
        return true;
      });
    });
  });

  test('dialogs, CSP reports and requests off the machine are recorded', async () => {
    await withPage(browser, 'web-browser-support/records', async (p) => {
      await p.page.goto(`${site.url}/inline`);
      assert.deepEqual(p.dialogs, [], 'the CSP blocked the inline script');
      assert.ok(p.errors.some((e) => /Content Security Policy/.test(e)), p.errors.join('\n'));
      await p.page.goto(`${site.url}/outside`);
      assert.deepEqual(p.external, ['http://example.invalid/x.png']);
      await p.page.evaluate(() => (globalThis as unknown as { alert(m: string): void }).alert('hi'));
      assert.deepEqual(p.dialogs, ['alert: hi']);
      assert.deepEqual(await injectedScript(p.page), [], 'the outside page has no script');
      await p.page.goto(`${site.url}/inline`);
      assert.deepEqual(await injectedScript(p.page), ['inline <script>']);
      await p.page.goto(`${site.url}/handlers`);
      assert.deepEqual(await injectedScript(p.page), ['<img onerror>', '<a href="javascript:…">']);
    });
  });
});

describe('OIDC test provider (oidc-provider) with openid-client and Chromium', () => {
  let browser: Browser;
  const stop: (() => Promise<void>)[] = [];
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    for (const s of stop.reverse()) await s();
    await browser?.close();
  });

  /** A minimal relying party: /login redirects to the provider, /cb exchanges the code and prints the claims. */
  const relyingParty = async (op: TestOidcProvider, pkce = true) => {
    const config = await oidc.discovery(new URL(op.issuer), op.clientId, op.clientSecret, oidc.ClientSecretBasic(op.clientSecret), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    let base = '';
    const rp = await serve((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', base);
        if (url.pathname === '/login') {
          const params: Record<string, string> = { redirect_uri: `${base}/cb`, scope: 'openid email profile', state, nonce };
          if (pkce) Object.assign(params, { code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
          return res.writeHead(302, { location: oidc.buildAuthorizationUrl(config, params).href }).end();
        }
        if (url.pathname === '/cb') {
          const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
          const claims = tokens.claims();
          const info = await oidc.fetchUserInfo(config, tokens.access_token, String(claims?.sub));
          return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ idToken: claims, userinfo: info }));
        }
        res.writeHead(404).end();
      })().catch((e: unknown) => res.writeHead(500).end(String(e)));
    });
    base = rp.url;
    op.allowRedirect(`${base}/cb`);
    stop.push(() => close(rp.server));
    return rp.url;
  };

  for (const claimsIn of ['id_token', 'userinfo'] as const) {
    test(`Chromium signs in through the provider's pages; groups arrive in the ${claimsIn}`, async () => {
      const op = await startOidcProvider({ claimsIn });
      stop.push(() => op.close());
      const rp = await relyingParty(op);
      await withPage(browser, `web-browser-support/oidc-${claimsIn}`, async (p) => {
        await p.page.goto(`${rp}/login`);
        assert.ok(p.page.url().startsWith(op.issuer), p.page.url());
        await signInAtProvider(p.page, 'olivia', p.shot);
        const got = JSON.parse((await p.page.locator('body').textContent()) ?? '{}') as { idToken: Record<string, unknown>; userinfo: Record<string, unknown> };
        const olivia = OIDC_USERS.find((u) => u.login === 'olivia');
        assert.deepEqual(got.userinfo.groups, olivia?.groups);
        assert.equal(got.userinfo.email, olivia?.email);
        assert.deepEqual(got.idToken.groups, claimsIn === 'id_token' ? olivia?.groups : undefined);
        assert.equal(op.authorizations[0]?.code_challenge_method, 'S256');
        assert.deepEqual(op.errors, []);
      });
    });
  }

  test('an authorization request without PKCE is refused by the provider', async () => {
    const op = await startOidcProvider();
    stop.push(() => op.close());
    const rp = await relyingParty(op, false);
    await withPage(browser, 'web-browser-support/oidc-no-pkce', async (p) => {
      await p.page.goto(`${rp}/login`);
      await p.shot('refused');
      assert.ok(op.errors.some((e) => /PKCE|code_challenge/i.test(e)), op.errors.join('\n'));
      assert.equal(await p.page.locator('input[name="login"]').count(), 0, 'no login form');
    });
  });
});
