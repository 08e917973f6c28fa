/**
 * Walk every page of a running console in a browser: each registered GET route, its parameters filled from sample
 * values, opened as anonymous when public and else as the first role the authorisation table allows. Routes that
 * are not full HTML pages (assets, health, exports, redirects, htmx fragments) are returned with the reason, so a
 * test can report them instead of skipping them silently. Used by the accessibility and XSS browser tests.
 */
import type { Browser } from 'playwright-core';
import type { Role } from '../../src/core/roles.js';
import { accessFor } from '../../src/web/access.js';
import { openPage, type TestPage } from './browser.js';
import { signInLocal, type TestConsole } from './console.js';

/** Routes only redirecting to the IdP and back (web-browser-oidc tests them). */
const REDIRECT_ONLY = new Set(['/auth/oidc', '/auth/oidc/callback']);

/**
 * Query strings some routes need to show their content rather than a prompt or a 400 (the who-has report asks for
 * an entitlement; `role:staff` is granted to everyone by test/support/engine-config.ts). Pass as `queries`.
 */
export const ROUTE_QUERIES: Readonly<Record<string, string>> = {
  '/reports/who-has': 'entitlement=role%3Astaff',
  '/reports/who-has.csv': 'entitlement=role%3Astaff',
  '/reports/who-has.json': 'entitlement=role%3Astaff',
};

/** A page reached. */
export interface VisitedPage {
  route: string;
  path: string;
  who: Role | 'anonymous';
  status: number;
  page: TestPage;
}

/** What a walk found. */
export interface PageWalk {
  pages: string[];
  notPages: string[];
  /** Routes with a parameter that has no sample value (a test should fail on these). */
  unfillable: string[];
}

/** Fill `:name` and `*` from `params`; undefined when one has no value. */
export function fillRoute(route: string, params: Readonly<Record<string, string>>): string | undefined {
  let missing = false;
  const out = route.replace(/:([A-Za-z_]+)|\*/g, (m, name: string | undefined) => {
    const v = params[name ?? m];
    if (v === undefined) missing = true;
    return encodeURIComponent(v ?? '');
  });
  return missing ? undefined : out;
}

/**
 * Open every page; `visit` runs on each full HTML page (screenshot, axe, assertions). Users are the console's local
 * users named `<prefix><role>` (create one per role). Pages are closed at the end.
 */
export async function walkPages(
  browser: Browser,
  c: TestConsole,
  o: { name: string; params: Readonly<Record<string, string>>; userPrefix: string; locale?: string; queries?: Readonly<Record<string, string>> },
  visit: (v: VisitedPage) => Promise<void>,
): Promise<PageWalk> {
  const open = new Map<string, TestPage>();
  const as = async (who: Role | 'anonymous'): Promise<TestPage> => {
    let p = open.get(who);
    if (!p) {
      p = await openPage(browser, `${o.name}/${who}`, o.locale ? { locale: o.locale } : {});
      open.set(who, p);
      if (who !== 'anonymous') await signInLocal(p.page, c, `${o.userPrefix}${who}`);
    }
    return p;
  };
  const walk: PageWalk = { pages: [], notPages: [], unfillable: [] };
  try {
    const gets = [...new Set(c.routes.filter((r) => r.startsWith('GET ')).map((r) => r.slice(4)))].sort();
    for (const route of gets) {
      if (REDIRECT_ONLY.has(route)) {
        walk.notPages.push(`${route} (redirects to the IdP and back)`);
        continue;
      }
      const filled = fillRoute(route, o.params);
      if (filled === undefined) {
        walk.unfillable.push(route);
        continue;
      }
      const query = o.queries?.[route];
      const path = query ? `${filled}?${query}` : filled;
      const access = accessFor('GET', route);
      const who: Role | 'anonymous' = access === 'public' || access === undefined ? 'anonymous' : (access[0] as Role);
      const p = await as(who);
      let res: Awaited<ReturnType<typeof p.page.goto>>;
      try {
        res = await p.page.goto(`${c.url}${path}`);
      } catch (err) {
        // An attachment (the audit and report exports) makes Chromium download instead of navigating.
        if (!/Download is starting/.test((err as Error).message)) throw err;
        walk.notPages.push(`${route} (a download)`);
        continue;
      }
      const type = res?.headers()['content-type'] ?? '';
      const landed = new URL(p.page.url()).pathname;
      if (!type.startsWith('text/html')) {
        walk.notPages.push(`${route} (${type.split(';')[0] || 'no content type'})`);
        continue;
      }
      if (landed !== path.split('?')[0]) {
        walk.notPages.push(`${route} (redirects to ${landed})`);
        continue;
      }
      const full = await p.page.evaluate(() => Boolean((globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('html > body main')));
      if (!full) {
        walk.notPages.push(`${route} (an HTML fragment, not a page)`);
        continue;
      }
      const status = res?.status() ?? 0;
      await visit({ route, path, who, status, page: p });
      walk.pages.push(`${route} as ${who} (${status})`);
    }
  } finally {
    for (const p of open.values()) await p.close();
  }
  return walk;
}
