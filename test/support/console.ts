/**
 * Start the console for a test: a Personio simulator with the given employees, a temp SQLite store, one SQL-table
 * target (test/support/engine-config.ts), an optional first full sync, local users, and `buildApp` listening on
 * 127.0.0.1 at a free port. `web.publicUrl` is that real address, so OIDC redirects come back to this console.
 *
 * ```ts
 * const c = await startConsole({ employees, users: [{ username: 'ada', role: 'admin' }], oidc: provider });
 * await signInLocal(page, c, 'ada');
 * ```
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { loadConfigOrThrow } from '../../src/config/load.js';
import type { Role } from '../../src/core/roles.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { createLogger } from '../../src/engine/log.js';
import { fullSync } from '../../src/engine/sync.js';
import { addUser } from '../../src/engine/web-users.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { buildApp } from '../../src/web/app.js';
import { writeEngineConfig } from './engine-config.js';
import type { TestOidcProvider } from './oidc-provider.js';
import { OIDC_ROLE_MAP } from './oidc-users.js';
import { employee, type EmployeeSpec } from './personio-fixture.js';

/** The password every test user gets unless it says otherwise (long enough for the console's policy). */
export const TEST_PASSWORD = 'correct horse battery staple';

/** A local console user to create. */
export interface ConsoleUser {
  username: string;
  role: Role;
  password?: string;
  displayName?: string;
  personId?: string;
}

/** Options for {@link startConsole}. */
export interface ConsoleOptions {
  employees?: readonly EmployeeSpec[];
  users?: readonly ConsoleUser[];
  /** Sign-in through this provider (`web.oidc`), with {@link OIDC_ROLE_MAP} unless `roleMap` is given. */
  oidc?: TestOidcProvider;
  roleMap?: Partial<Record<Role, readonly string[]>>;
  /** OIDC display name (`web.oidc.name`). */
  oidcName?: string;
  /** Run a full sync before the console starts (default true when there are employees). */
  sync?: boolean;
  /** The instant of that sync (default now). */
  at?: string;
  /** Sign-in rate limit (default generous: browser tests sign in often from one address). */
  signInRateLimit?: { max: number; window: string };
  /** Extra top-level YAML for cadre.yaml (forms:, protection:, …). */
  extra?: string;
}

/** A running console. */
export interface TestConsole {
  url: string;
  engine: Engine;
  app: FastifyInstance;
  dir: string;
  personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  /** Every registered route as `METHOD /url` (from buildApp's onRoute). */
  routes: string[];
  close(): Promise<void>;
}

/** A free port on 127.0.0.1 (closed again: the caller listens on it soon after). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });

const yamlList = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;

/** Start a console. Close it in `after`. */
export async function startConsole(o: ConsoleOptions = {}): Promise<TestConsole> {
  const dir = mkdtempSync(join(tmpdir(), 'cadre-console-'));
  const personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: (o.employees ?? []).map(employee) });
  let engine: Engine | undefined;
  try {
    const limit = o.signInRateLimit ?? { max: 1000, window: '1m' };
    const roleMap = o.roleMap ?? OIDC_ROLE_MAP;
    const oidc = o.oidc
      ? `
  oidc:
    issuer: ${JSON.stringify(o.oidc.issuer)}
    clientId: ${JSON.stringify(o.oidc.clientId)}
    clientSecret: ${JSON.stringify(o.oidc.clientSecret)}${o.oidcName ? `\n    name: ${JSON.stringify(o.oidcName)}` : ''}
    rolesClaim: groups
    personClaim: email
    roleMap: { ${Object.entries(roleMap).map(([r, gs]) => `${r}: ${yamlList(gs ?? [])}`).join(', ')} }`
      : '';
    // port and publicUrl are set per listen attempt below.
    const web = `web:
  host: 127.0.0.1
  sessionSecret: ${randomBytes(36).toString('base64url')}
  signInRateLimit: { max: ${limit.max}, window: ${limit.window} }${oidc}
`;
    const file = writeEngineConfig({ dir, personioUrl: personio.url, extra: `${web}\n${o.extra ?? ''}` });
    engine = await openEngine(await loadConfigOrThrow(file), { log: createLogger('error') });
    if (o.sync ?? (o.employees?.length ?? 0) > 0) await fullSync(engine, { actor: 'test', ...(o.at ? { at: o.at } : {}) });
    for (const u of o.users ?? []) {
      await addUser(engine, { username: u.username, role: u.role, password: u.password ?? TEST_PASSWORD, actor: 'test', ...(u.displayName ? { displayName: u.displayName } : {}), ...(u.personId ? { personId: u.personId } : {}) });
    }
    // publicUrl (the OIDC redirect base) must be the real address before the app is built: take a free port. Another
    // process could grab it between close and listen; listen fails loudly then, and we try another.
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const e: Engine = { ...engine, config: { ...engine.config, web: { ...engine.config.web, port, publicUrl: url } } };
      o.oidc?.allowRedirect(`${url}/auth/oidc/callback`);
      const routes: string[] = [];
      const app = await buildApp(e, { onRoute: (method, path) => void routes.push(`${method} ${path}`) });
      try {
        await app.listen({ host: '127.0.0.1', port });
      } catch (err) {
        await app.close();
        if ((err as { code?: string }).code === 'EADDRINUSE' && attempt < 5) continue;
        throw err;
      }
      return {
        url, engine: e, app, dir, personio, routes,
        async close() {
          await app.close();
          await e.close();
          await personio.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (err) {
    await engine?.close();
    await personio.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Sign in on the console's local sign-in form; resolves on the page the console redirects to. */
export async function signInLocal(page: Page, c: Pick<TestConsole, 'url'>, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto(`${c.url}/sign-in`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/sign-in'), page.locator('form[action="/sign-in"] button[type="submit"]').click()]);
}
