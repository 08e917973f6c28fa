/**
 * Starts the scimmy-based SCIM server (test/support/scim-server-main.ts) as a child process for a test file,
 * and reads its store through the test-only `/_admin` endpoints (not through SCIM, not through the connector).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

type Json = Record<string, unknown>;

/** Server switches. */
export interface ScimServerOptions {
  /** ServiceProviderConfig patch.supported false, and PATCH answered 501. */
  readonly noPatch?: boolean;
  /** meta.version, ETag headers and If-Match checks (412). */
  readonly etag?: boolean;
  /** ServiceProviderConfig filter.supported false (for the live check). */
  readonly noFilter?: boolean;
  /** At most this many resources per ListResponse page, whatever `count` asks. */
  readonly maxPage?: number;
  /** HTTP basic credentials instead of a bearer token. */
  readonly basic?: { readonly username: string; readonly password: string };
}

/** A running SCIM server. */
export interface ScimServer {
  /** Base URL (the part before `/Users`). */
  readonly url: string;
  /** The bearer token it accepts. */
  readonly token: string;
  user(id: string): Promise<Json | undefined>;
  groups(): Promise<Json[]>;
  addGroup(displayName: string): Promise<string>;
  /** A user made behind Cadre's back (as by hand in the SaaS admin UI). */
  addUser(body: Json): Promise<string>;
  /** Answer the next `count` SCIM requests with `status` (429 or 503) and `Retry-After: 0`. */
  faults(count: number, status?: number): Promise<void>;
  /** Bump a user's version as an edit elsewhere would. */
  touch(id: string): Promise<void>;
  close(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./scim-server-main.ts', import.meta.url));

/** Start a fresh server with an empty store. */
export async function startScimServer(o: ScimServerOptions = {}): Promise<ScimServer> {
  const token = randomBytes(18).toString('base64url');
  const args = ['--import', 'tsx', MAIN, '--token', token];
  if (o.noPatch) args.push('--no-patch');
  if (o.etag) args.push('--etag');
  if (o.noFilter) args.push('--no-filter');
  if (o.maxPage !== undefined) args.push('--max-page', String(o.maxPage));
  if (o.basic) args.push('--basic', `${o.basic.username}:${o.basic.password}`);
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /SCIM_URL=(\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`scim server exited (${String(code)}): ${stderr}`)));
  });
  const admin = url.replace(/\/scim$/, '/_admin');
  const call = async (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(admin + path, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  return {
    url,
    token,
    async user(id) {
      const r = await call('GET', `/users/${encodeURIComponent(id)}`);
      return r.status === 404 ? undefined : ((await r.json()) as Json);
    },
    async groups() {
      return (await (await call('GET', '/groups')).json()) as Json[];
    },
    async addGroup(displayName) {
      return String(((await (await call('POST', '/groups', { displayName })).json()) as Json).id);
    },
    async addUser(body) {
      return String(((await (await call('POST', '/users', body)).json()) as Json).id);
    },
    async faults(count, status = 429) {
      await call('POST', '/faults', { count, status });
    },
    async touch(id) {
      await call('POST', `/users/${encodeURIComponent(id)}/touch`);
    },
    async close() {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
