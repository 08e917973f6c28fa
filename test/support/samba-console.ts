/**
 * A console on the shared Samba AD DC for Chromium acceptance tests: the run's own OU tree (under a suite prefix,
 * so other suites' sweeps leave it alone), a Personio simulator with the given employees, the engine on SQLite
 * (with an optional clock), a first full sync into AD, local users, `buildApp` listening on 127.0.0.1, and Chromium.
 *
 * ```ts
 * const s = await startSambaConsole({ prefix: 'Cadre WebRequests', people, extra: catalog, users });
 * await withPage(s.browser, 'file/step', async (p) => { await signInLocal(p.page, s, 'mia', TEST_PASSWORD); … });
 * assert.ok((await s.groupsOf(2)).includes('GG-Engineering'));
 * ```
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Client } from 'ldapts';
import type { Browser } from 'playwright-core';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { createLogger } from '../../src/engine/log.js';
import { fullSync, type SyncResult } from '../../src/engine/sync.js';
import { addUser } from '../../src/engine/web-users.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { buildApp } from '../../src/web/app.js';
import { adE2eTree, createTree, E2E_OU_PREFIX, rawAdmin, removeTree, usersWithEmployeeId, writeAdE2eConfig, type AdE2eTree } from './ad-e2e-config.js';
import { launchBrowser } from './browser.js';
import { freePort, TEST_PASSWORD, type ConsoleUser } from './console.js';
import { removeTreesWithPrefix } from './helpdesk-pages.js';
import { employee, type EmployeeSpec } from './personio-fixture.js';
import { sambaCtl } from './samba.js';

/** Options of {@link startSambaConsole}. */
export interface SambaConsoleOptions {
  /** The suite's own top-level OU prefix (`Cadre WebRequests`); earlier runs' trees under it are removed first. */
  readonly prefix: string;
  readonly people: readonly EmployeeSpec[];
  /** Extra top-level YAML (catalog:, reviews:, notifications:); the web: block is added here. */
  readonly extra?: string;
  readonly users?: readonly ConsoleUser[];
  /** The engine's clock (default: the wall clock). */
  readonly now?: () => Date;
}

/** A running Samba console. */
export interface SambaConsole {
  readonly url: string;
  readonly engine: Engine;
  readonly app: FastifyInstance;
  readonly admin: Client;
  readonly tree: AdE2eTree;
  readonly dir: string;
  readonly browser: Browser;
  readonly personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  /** A full sync at the engine's clock; fails on plan errors. */
  sync(): Promise<SyncResult>;
  /** Group cns of the person's AD account, read raw from the directory (exactly one account expected). */
  groupsOf(personId: number | string): Promise<string[]>;
  close(): Promise<void>;
}

/** Start it; close it in `after`. */
export async function startSambaConsole(o: SambaConsoleOptions): Promise<SambaConsole> {
  const run = randomBytes(3).toString('hex');
  const tree = Object.fromEntries(Object.entries(adE2eTree('samba-console', run)).map(([k, v]) => [k, v.replace(`OU=${E2E_OU_PREFIX} samba-console `, `OU=${o.prefix} `)])) as unknown as AdE2eTree;
  const closers: (() => Promise<unknown>)[] = [];
  const close = async (): Promise<void> => { for (const c of closers.reverse()) await c().catch(() => undefined); };
  try {
    await sambaCtl('start');
    const admin = await rawAdmin();
    closers.push(() => admin.unbind());
    await removeTreesWithPrefix(admin, o.prefix);
    await createTree(admin, tree);
    closers.push(() => removeTree(admin, tree));
    const dir = mkdtempSync(join(tmpdir(), 'cadre-samba-console-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: o.people.map(employee) });
    closers.push(() => personio.close());
    const web = `web:
  host: 127.0.0.1
  sessionSecret: ${randomBytes(36).toString('base64url')}
  signInRateLimit: { max: 1000, window: 1m }
`;
    const file = writeAdE2eConfig({ dir, personioUrl: personio.url, tree, extra: `${o.extra ?? ''}\n${web}` });
    const opened = await openEngine(await loadConfigOrThrow(file), { log: createLogger('silent'), ...(o.now ? { now: o.now } : {}) });
    closers.push(() => opened.close());
    // Mails link to web.publicUrl: make it this console's real address (a free port, listened on below).
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const engine: Engine = { ...opened, config: { ...opened.config, web: { ...opened.config.web, port, publicUrl: url } } };
    const sync = async (): Promise<SyncResult> => {
      const r = await fullSync(engine, { actor: 'test' });
      assert.deepEqual(r.prepared.plan.errors, [], 'no plan errors');
      return r;
    };
    await sync();
    for (const u of o.users ?? []) {
      await addUser(engine, { username: u.username, role: u.role, password: u.password ?? TEST_PASSWORD, displayName: u.displayName ?? u.username, actor: 'test', ...(u.personId ? { personId: u.personId } : {}) });
    }
    const app = await buildApp(engine);
    closers.push(() => app.close());
    await app.listen({ host: '127.0.0.1', port });
    const browser = await launchBrowser();
    closers.push(() => browser.close());
    return {
      url, engine, app, admin, tree, dir, browser, personio, sync, close,
      async groupsOf(personId) {
        const found = await usersWithEmployeeId(admin, personId, tree.root);
        assert.equal(found.length, 1, `one AD account of person ${personId}`);
        return (found[0]?.groups ?? []).map((g) => /^CN=([^,]+)/i.exec(g)?.[1] ?? g).sort();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
