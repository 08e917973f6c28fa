/**
 * Browser test support: Debian's Chromium (`/usr/bin/chromium`, installed by scripts/setup.sh) driven by
 * playwright-core, which downloads no browser of its own.
 *
 * - {@link launchBrowser} once per test file (starting Chromium takes a second), {@link openPage} per test: a fresh
 *   context (own cookies), a screenshot helper writing `test-artifacts/<file>/<test>/<nn>-<step>.png`, and
 *   records of what the page did that a test may want to fail on: JavaScript dialogs (an XSS payload that ran),
 *   console errors (CSP violations are reported there), uncaught page errors, and requests to anything but the
 *   loopback interface (the console must serve every asset itself; such requests are aborted, never sent).
 * - {@link withPage} runs a test body on a new page and keeps a `failure.png` when it throws.
 * - {@link checkA11y} runs axe-core in the page and fails on serious or critical violations with a readable list.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian puts Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Screenshots and other artefacts (git-ignored; CI keeps the folder). */
export const ARTIFACTS_DIR = resolve(process.cwd(), 'test-artifacts');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Start Chromium (headless). Close it in the file's `after`. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** A page in its own browser context, with the records a test asserts on. */
export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** Save a screenshot of the current page as the next step (`01-<step>.png`, …); returns the file. */
  shot(step: string): Promise<string>;
  /** Messages of JavaScript dialogs (alert, confirm, prompt) the page opened; each was dismissed. */
  dialogs: string[];
  /** Console errors (including CSP violation reports) and uncaught page errors. */
  errors: string[];
  /** Requests to hosts other than 127.0.0.1/localhost/[::1] (aborted). */
  external: string[];
  /** The artefact folder of this test. */
  dir: string;
  close(): Promise<void>;
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'test';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Open a page for one test. `name` is usually `<file>/<test>` (slugged per segment) and names the artefact folder.
 */
export async function openPage(browser: Browser, name: string, opts: { locale?: string } = {}): Promise<TestPage> {
  const dir = join(ARTIFACTS_DIR, ...name.split('/').map(slug));
  rmSync(dir, { recursive: true, force: true }); // the folder shows the last run only
  mkdirSync(dir, { recursive: true });
  const context = await browser.newContext({ locale: opts.locale ?? 'en-GB', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(30_000);
  const external: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || LOOPBACK.has(url.hostname)) return route.continue();
    external.push(url.href);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  let n = 0;
  return {
    page,
    context,
    dialogs,
    errors,
    external,
    dir,
    async shot(step) {
      n += 1;
      const file = join(dir, `${String(n).padStart(2, '0')}-${slug(step)}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close: () => context.close(),
  };
}

/** Run `fn` on a fresh page; on failure keep `failure.png` (and the URL in the error), then rethrow. */
export async function withPage<T>(browser: Browser, name: string, fn: (p: TestPage) => Promise<T>, opts: { locale?: string } = {}): Promise<T> {
  const p = await openPage(browser, name, opts);
  try {
    return await fn(p);
  } catch (err) {
    const file = join(p.dir, 'failure.png');
    await p.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    if (err instanceof Error) err.message += `\n  (at ${p.page.url()}; screenshot ${file})`;
    throw err;
  } finally {
    await p.close();
  }
}

/** One axe violation, flattened for reporting. */
export interface A11yViolation {
  id: string;
  impact: string;
  help: string;
  helpUrl: string;
  nodes: { target: string; summary: string }[];
}

let axeSource: string | undefined;
const axe = (): string => (axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));

/**
 * Run axe-core on the current page and return every violation (all impacts). axe is injected with
 * `page.evaluate(source)`: the console's CSP (`script-src 'self'`) blocks `addScriptTag({ content })` (an inline
 * script), and `bypassCSP` would turn the page's CSP off and could hide what it blocks (a stylesheet the CSP refuses
 * changes contrast). Script evaluated through the DevTools protocol is not subject to the page's CSP, so the page is
 * checked exactly as users get it.
 */
export async function axeViolations(page: Page): Promise<A11yViolation[]> {
  const loaded = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(axe());
  return page.evaluate(async () => {
    type Node = { target: unknown[]; failureSummary?: string };
    type Result = { id: string; impact?: string | null; help: string; helpUrl: string; nodes: Node[] };
    const api = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Result[] }> } }).axe;
    const res = await api.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return res.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim() })),
    }));
  });
}

/** Render violations as a list a person can act on. */
export function formatViolations(violations: readonly A11yViolation[]): string {
  return violations
    .map((v) => `- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes.map((n) => `    at ${n.target}: ${n.summary}`).join('\n')}`)
    .join('\n');
}

/** Fail when axe reports a serious or critical violation on the current page; returns the minor ones. */
export async function checkA11y(page: Page, label = page.url()): Promise<A11yViolation[]> {
  const all = await axeViolations(page);
  const bad = all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) throw new Error(`accessibility: ${bad.length} serious/critical axe violation(s) on ${label}:\n${formatViolations(bad)}`);
  return all.filter((v) => !bad.includes(v));
}

/**
 * Script that data could have injected into the live DOM: inline `<script>` elements, event-handler attributes
 * (`onerror`, `onload`, …) and `javascript:` URLs. The console has none of its own (strict CSP, no inline script),
 * so any hit means unescaped output.
 */
export function injectedScript(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type El = { tagName: string; getAttributeNames(): string[]; getAttribute(n: string): string | null };
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<El> } }).document;
    const found: string[] = [];
    for (const el of doc.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      if (tag === 'script' && !el.getAttribute('src')) found.push('inline <script>');
      for (const a of el.getAttributeNames()) {
        if (a.toLowerCase().startsWith('on')) found.push(`<${tag} ${a}>`);
        if (/^\s*javascript:/i.test(el.getAttribute(a) ?? '')) found.push(`<${tag} ${a}="javascript:…">`);
      }
    }
    return found;
  });
}
