/**
 * Web console test support: an engine on a temp SQLite store with a small seeded company, one local user per role,
 * the console built with a movable clock, and an `inject` client with a cookie jar and CSRF handling.
 * Other console tests (forms, audit, reports, OIDC) reuse it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Response } from 'light-my-request';
import { loadConfigOrThrow } from '../../src/config/load.js';
import type { Person } from '../../src/core/model.js';
import { ROLES, type Role } from '../../src/core/roles.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { addUser } from '../../src/engine/web-users.js';
import { buildApp } from '../../src/web/app.js';
import type { WebOptions } from '../../src/web/context.js';
import { createPersonIndex, type PersonIndex } from '../../src/web/person-index.js';
import { writeEngineConfig } from './engine-config.js';

/** The session secret of test consoles. */
export const TEST_SESSION_SECRET = 'test-session-secret-0123456789-abcdefghijklmnop';

/** Id and name of the seeded person whose name is a script tag. */
export const XSS_PERSON = { id: '666', name: '<script>alert(1)</script>' } as const;

const person = (id: string, firstName: string, lastName: string, over: Partial<Person> = {}): Person => ({
  id, firstName, lastName, status: 'active', costCenters: [], custom: {}, hireDate: '2020-01-01', email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@example.com`,
  department: 'Sales', office: 'Berlin', ...over,
});

/**
 * The seeded company: 1 (CEO) ← 2 (the manager user's person) ← 3 ← 4; 5 reports to 1 (outside the manager's scope);
 * 666 has a script tag as first name and reports to 5.
 */
export const SEED_PERSONS: readonly Person[] = [
  person('1', 'Clara', 'Chef'),
  person('2', 'Manfred', 'Manager', { supervisorId: '1' }),
  person('3', 'Rita', 'Report', { supervisorId: '2' }),
  person('4', 'Theo', 'Tiefer', { supervisorId: '3' }),
  person('5', 'Otto', 'Other', { supervisorId: '1', department: 'Finance' }),
  person(XSS_PERSON.id, XSS_PERSON.name, 'Test', { supervisorId: '5', email: 'xss@example.com' }),
];

/** The manager user's person. */
export const MANAGER_PERSON = '2';

/** A movable clock. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

/** Credentials of a seeded local user. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** An inject client with cookies. */
export interface WebClient {
  readonly cookies: Map<string, string>;
  request(method: string, url: string, opts?: { form?: Record<string, string>; headers?: Record<string, string> }): Promise<Response>;
  get(url: string, headers?: Record<string, string>): Promise<Response>;
  /** POST a form; the CSRF token of this client's session is added unless `csrf: false` (or a given token). */
  post(url: string, form?: Record<string, string>, opts?: { csrf?: false | string }): Promise<Response>;
  /** The CSRF token of this client's session (from a page's meta tag). */
  csrfToken(): Promise<string>;
  /** The session cookie value. */
  sid(): string | undefined;
}

/** The harness. */
export interface WebHarness {
  readonly dir: string;
  readonly engine: Engine;
  readonly app: FastifyInstance;
  readonly clock: TestClock;
  readonly users: Readonly<Record<Role, Credentials>>;
  /** The console's person index (on the harness clock). */
  readonly persons: PersonIndex;
  client(): WebClient;
  /** A client signed in as the user of `role`. */
  signIn(role: Role): Promise<WebClient>;
  close(): Promise<void>;
}

/** Harness options. */
export interface WebHarnessOptions extends Omit<WebOptions, 'now' | 'sessionSecret'> {
  /** Extra cadre.yaml text (`forms:` …; not `web:`, use `web`). */
  readonly extra?: string;
  /** The `web:` section (default: a generous sign-in rate limit, so tests can sign in often). */
  readonly web?: Record<string, unknown>;
  /** Persons written to the store (default {@link SEED_PERSONS}; none when `personioUrl` is given and `seed` is not). */
  readonly seed?: readonly Person[];
  /** A real Personio (simulator) to sync from (default: an unreachable URL; the store is seeded instead). */
  readonly personioUrl?: string;
  /** The `thresholds:` line of the config. */
  readonly thresholds?: string;
  /** Start of the clock (default 2026-06-15T10:00:00Z). */
  readonly start?: string;
}

/** Parse `set-cookie` headers into a jar. */
function keepCookies(jar: Map<string, string>, res: Response): void {
  const header = res.headers['set-cookie'];
  const list = header === undefined ? [] : Array.isArray(header) ? header : [String(header)];
  for (const line of list) {
    const [pair = '', ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now());
    if (expired || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

/** The CSRF token in a page. */
export function csrfOf(body: string): string | undefined {
  return /<meta name="csrf-token" content="([^"]*)">/.exec(body)?.[1];
}

/** A client over an app. */
export function webClient(app: FastifyInstance): WebClient {
  const cookies = new Map<string, string>();
  const request: WebClient['request'] = async (method, url, opts = {}) => {
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await app.inject({
      method: method as 'GET', url,
      headers: { ...(cookie !== '' ? { cookie } : {}), ...(opts.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...opts.headers },
      ...(opts.form ? { payload: new URLSearchParams(opts.form).toString() } : {}),
    });
    keepCookies(cookies, res);
    return res;
  };
  const csrfToken = async (): Promise<string> => {
    // Every page has the token; a 404 page needs no route, role or data.
    const res = await request('GET', '/__csrf-probe');
    const token = csrfOf(res.body);
    if (token === undefined || token === '') throw new Error(`no CSRF token on the page (status ${res.statusCode})`);
    return token;
  };
  return {
    cookies, request, csrfToken,
    get: (url, headers) => request('GET', url, headers ? { headers } : {}),
    async post(url, form = {}, opts = {}) {
      const token = opts.csrf === false ? undefined : opts.csrf ?? await csrfToken();
      return request('POST', url, { form: token === undefined ? form : { ...form, _csrf: token } });
    },
    sid: () => cookies.get('cadre_sid'),
  };
}

/** Start a harness. */
export async function startWebHarness(opts: WebHarnessOptions = {}): Promise<WebHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'cadre-web-'));
  let at = Date.parse(opts.start ?? '2026-06-15T10:00:00Z');
  const clock: TestClock = { now: () => new Date(at), advance: (ms) => { at += ms; } };
  const webSection = { signInRateLimit: { max: 10_000, window: '1m' }, ...opts.web };
  const file = writeEngineConfig({
    dir, personioUrl: opts.personioUrl ?? 'http://127.0.0.1:9/', extra: `${opts.extra ?? ''}\nweb: ${JSON.stringify(webSection)}\n`,
    ...(opts.thresholds !== undefined ? { thresholds: opts.thresholds } : {}),
  });
  const engine = await openEngine(await loadConfigOrThrow(file), { now: clock.now });
  try {
    const seed = opts.seed ?? (opts.personioUrl === undefined ? SEED_PERSONS : []);
    if (seed.length > 0) await engine.store.persons.replaceAll(seed);
    const users = {} as Record<Role, Credentials>;
    for (const role of ROLES) {
      const username = `test-${role}`;
      const password = `pw-${role}-${'x'.repeat(12)}`;
      const linked = role === 'manager' && (await engine.store.persons.get(MANAGER_PERSON)) !== undefined;
      await addUser(engine, { username, role, password, displayName: `Test ${role}`, actor: 'test', ...(linked ? { personId: MANAGER_PERSON } : {}) });
      users[role] = { username, password };
    }
    const { extra: _extra, seed: _seed, start: _start, web: _web, personioUrl: _url, thresholds: _th, ...web } = opts;
    const persons = web.persons ?? createPersonIndex(engine.store, { now: () => clock.now().getTime() });
    const app = await buildApp(engine, { ...web, now: clock.now, sessionSecret: TEST_SESSION_SECRET, persons });
    return {
      dir, engine, app, clock, users, persons,
      client: () => webClient(app),
      async signIn(role) {
        const c = webClient(app);
        const res = await c.post('/sign-in', { username: users[role].username, password: users[role].password });
        if (res.statusCode !== 303) throw new Error(`sign-in as ${role} failed: ${res.statusCode}`);
        return c;
      },
      async close() {
        await app.close();
        await engine.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
