/**
 * The Microsoft Graph simulator: an HTTP server (fastify) with the Entra token endpoint
 * (`/{tenant}/oauth2/v2.0/token`) and Graph v1.0 under `/v1.0`, plus `/_sim/*` control endpoints.
 * Authority and Graph share one base URL: authority = `url`, graph = `url + '/v1.0'`.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { aadError, keySet, openIdConfiguration } from './authority.js';
import { errorResponse, MSG } from './errors.js';
import type { SimResponse } from './errors.js';
import { dispatch, makeRequest } from './dispatch.js';
import type { RouteEnv } from './common.js';
import { DIRECTORY_ROLES } from './common.js';
import { CursorStore } from './query.js';
import { Tenant, USER_PROPS } from './tenant.js';
import type { SimSku, TenantSnapshot } from './tenant.js';
import { checkPolicy } from './tenant-tap.js';
import type { TapPolicy } from './tenant-tap.js';
import { renderUser } from './routes-users.js';

/** Options for {@link startGraphSimulator}. */
export interface GraphSimulatorOptions {
  port?: number;
  host?: string;
  tenantId?: string;
  /**
   * Accepted app registrations; absent → any client id/secret is accepted. `roles`: the token's application
   * permissions (default: all Cadre needs); `directoryRoles`: role template ids assigned to the app (token `wids`;
   * default User Administrator, which password resets need).
   */
  clients?: { clientId: string; clientSecret: string; roles?: string[]; directoryRoles?: string[] }[];
  verifiedDomains?: string[];
  skus?: { skuId: string; skuPartNumber: string; prepaidUnits: number; servicePlans?: { servicePlanName: string; servicePlanId: string }[] }[];
  /** At most `limit` Graph requests (batch items count individually) per fixed window of `windowSeconds`. */
  throttle?: { limit: number; windowSeconds: number };
  /** JSON file the tenant is loaded from (if present) and saved to by `save()` / on close. */
  stateFile?: string;
  tokenTtlSeconds?: number;
  /**
   * Serve HTTPS with this PEM key and certificate (real Graph is HTTPS-only; the Graph JS SDK treats only
   * https nextLink/deltaLink values as absolute). See `selfSignedCertificate()` in tls.ts.
   */
  tls?: { key: string; cert: string };
  /** The Temporary Access Pass policy (default Entra's: lifetimes 60..480, default 60, length 8, multi-use allowed). */
  tapPolicy?: Partial<TapPolicy>;
}

/** One answered Graph request (top-level or batch item), for tests and benchmarks. */
export interface SimLogEntry {
  /** Wall-clock ms when the request arrived. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly batchItem: boolean;
  /** For 429s: the Retry-After sent, in seconds. */
  readonly retryAfter?: number;
}

/** A running simulator. */
export interface GraphSimulator {
  /** Base URL: authority = url, graph = url + '/v1.0'. */
  readonly url: string;
  readonly tenantId: string;
  /** The in-memory tenant (users, groups, deleted items, memberships, licences, manager links). */
  readonly state: Tenant;
  /** Fault switches: the next `serverErrors` Graph requests get 503; every Graph request is delayed by `slowMs`. */
  readonly faults: { serverErrors: number; slowMs: number };
  /** Counters: HTTP requests, batch items, 429s sent. */
  readonly stats: { requests: number; items: number; throttled: number };
  /** Request log (bounded). */
  readonly log: SimLogEntry[];
  /** Change (or remove) throttling at run time. */
  setThrottle(t: { limit: number; windowSeconds: number } | undefined): void;
  save(): void;
  close(): Promise<void>;
}

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const LOG_MAX = 200_000;
const DEFAULT_SKUS: SimSku[] = [
  { skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3', prepaidUnits: 25, servicePlans: [{ servicePlanName: 'EXCHANGE_S_ENTERPRISE', servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0' }] },
  { skuId: '66b55226-6b4f-492c-910c-a3b7a3c9d993', skuPartNumber: 'SPE_F1', prepaidUnits: 25, servicePlans: [{ servicePlanName: 'EXCHANGE_S_DESKLESS', servicePlanId: '4a82b400-a79f-41a4-b4e2-e94f5787b113' }] },
];

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const safeEq = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Application permissions of a token when the client names none. */
const DEFAULT_ROLES = ['User.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All', 'User-LifeCycleInfo.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All'];

/** Start the simulator. Use `port: 0` for an ephemeral port. */
export async function startGraphSimulator(opts: GraphSimulatorOptions = {}): Promise<GraphSimulator> {
  const tenantId = opts.tenantId ?? '8e2c4a10-6f3b-4c55-9d0e-2b7f1a9c3d41';
  const skus: SimSku[] = opts.skus ? opts.skus.map((s) => ({ ...s, servicePlans: s.servicePlans ?? [] })) : DEFAULT_SKUS;
  const tenant = new Tenant(opts.verifiedDomains ?? ['example.onmicrosoft.com', 'example.com'], skus);
  if (opts.stateFile && existsSync(opts.stateFile)) tenant.load(JSON.parse(readFileSync(opts.stateFile, 'utf8')) as TenantSnapshot);
  // After the state file: the option given now wins over the policy saved with the tenant.
  if (opts.tapPolicy) {
    tenant.tapPolicy = { ...tenant.tapPolicy, ...opts.tapPolicy };
    checkPolicy(tenant.tapPolicy);
  }
  const ttl = opts.tokenTtlSeconds ?? 3599;
  const key = randomBytes(32);
  const faults = { serverErrors: 0, slowMs: 0 };
  const stats = { requests: 0, items: 0, throttled: 0 };
  const log: SimLogEntry[] = [];
  let throttle = opts.throttle;
  let windowStart = 0;
  let windowCount = 0;
  let base = '';
  const env: RouteEnv = { tenant, tenantId, cursors: new CursorStore(), get base() { return `${base}/v1.0`; } };

  const record = (e: SimLogEntry): void => {
    log.push(e);
    if (log.length > LOG_MAX) log.splice(0, log.length - LOG_MAX);
  };

  /** Fixed-window admission; Retry-After is the rest of the window, rounded up to whole seconds. */
  const admit = (): SimResponse | undefined => {
    if (!throttle) return undefined;
    const now = Date.now();
    const windowMs = throttle.windowSeconds * 1000;
    if (now >= windowStart + windowMs) { windowStart = now; windowCount = 0; }
    if (windowCount < throttle.limit) {
      windowCount += 1;
      return undefined;
    }
    const retryAfter = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
    stats.throttled += 1;
    return errorResponse(429, 'TooManyRequests', MSG.throttled('ea2a5c6f-app'), undefined, undefined, {
      'retry-after': String(retryAfter), 'x-ms-throttle-scope': 'Tenant_Application/ReadWrite/Application', 'x-ms-throttle-information': 'ResourceUnitLimitExceeded',
    });
  };

  const issueToken = (clientId: string): string => {
    const now = Math.floor(tenant.now().getTime() / 1000);
    const header = b64({ typ: 'JWT', alg: 'HS256', kid: 'sim' });
    const payload = b64({
      aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${tenantId}/`, iat: now, nbf: now, exp: now + ttl,
      appid: clientId, tid: tenantId, roles: opts.clients?.find((c) => c.clientId === clientId)?.roles ?? DEFAULT_ROLES,
      wids: opts.clients?.find((c) => c.clientId === clientId)?.directoryRoles ?? [DIRECTORY_ROLES.userAdministrator],
    });
    const sig = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${sig}`;
  };

  const checkToken = (auth: string | undefined): SimResponse | undefined => {
    const unauthorized = (message: string): SimResponse => errorResponse(401, 'InvalidAuthenticationToken', message, undefined, undefined, { 'www-authenticate': `Bearer realm="", authorization_uri="${base}/${tenantId}/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"` });
    const m = /^Bearer\s+(\S*)$/i.exec(auth ?? '');
    if (!m || !m[1]) return unauthorized(MSG.emptyToken);
    const parts = m[1].split('.');
    if (parts.length !== 3) return unauthorized('IDX14100: JWT is not well formed, there are no dots (.).');
    const [h, p, s] = parts as [string, string, string];
    if (!safeEq(createHmac('sha256', key).update(`${h}.${p}`).digest('base64url'), s)) return unauthorized('Access token validation failure. Invalid signature.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { exp: number; tid: string };
    if (claims.tid !== tenantId) return unauthorized('Access token validation failure. Invalid audience.');
    if (claims.exp * 1000 <= tenant.now().getTime()) return unauthorized('Lifetime validation failed, the token is expired.');
    return undefined;
  };

  const tokenEndpoint = (tenantSeg: string, headers: Record<string, string | string[] | undefined>, raw: string, contentType: string): SimResponse => {
    const seg = tenantSeg.toLowerCase();
    // Entra names the directory by id or by any verified domain. The multi-tenant aliases name no
    // directory, so an app-only (client credentials) token cannot be issued for them.
    if (seg === 'common' || seg === 'consumers') {
      return aadError(400, 'invalid_request', 9001023, 'The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.');
    }
    if (seg === 'organizations') {
      return aadError(400, 'invalid_request', 50059, 'No tenant-identifying information found in either the request or implied by any provided credentials.');
    }
    if (seg !== tenantId.toLowerCase() && !tenant.verifiedDomains.some((d) => d.toLowerCase() === seg)) {
      return aadError(400, 'invalid_request', 90002, `Tenant '${tenantSeg}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    if (!contentType.includes('application/x-www-form-urlencoded')) {
      return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    }
    const form = new URLSearchParams(raw);
    let clientId = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(.+)$/i.exec(String(headers.authorization ?? ''));
    if (basic?.[1]) {
      const [id, sec] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      secret = decodeURIComponent(sec ?? '');
    }
    const grant = form.get('grant_type');
    if (!grant) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    if (grant !== 'client_credentials') return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`);
    if (!clientId) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    const client = opts.clients?.find((c) => c.clientId === clientId);
    if (opts.clients && !client) return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenantSeg}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
    if (!secret) return aadError(401, 'invalid_client', 7000216, "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
    if (client && !safeEq(client.clientSecret, secret)) return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
    const scope = form.get('scope');
    if (!scope) return aadError(400, 'invalid_scope', 70011, "The provided request must include a 'scope' input parameter.");
    if (scope !== GRAPH_SCOPE) return aadError(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`);
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { token_type: 'Bearer', expires_in: ttl, ext_expires_in: ttl, access_token: issueToken(clientId) } };
  };

  const save = (): void => {
    if (!opts.stateFile) return;
    const tmp = `${opts.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(tenant.snapshot()));
    renameSync(tmp, opts.stateFile);
  };

  const control = (method: string, path: string, body: unknown): SimResponse => {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const ok = (x: unknown): SimResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: x });
    if (path === '/_sim/state' && method === 'GET') {
      const all = Object.keys(USER_PROPS);
      return ok({
        users: tenant.liveUsers().map((u) => ({ ...renderUser(tenant, u, all), managerId: u.managerId, memberOf: tenant.memberOf(u.id).map((g) => g.props.displayName) })),
        deletedItems: tenant.deletedUsers().map((u) => ({ ...renderUser(tenant, u, all), originalUserPrincipalName: u.deleted?.upn })),
        groups: [...tenant.groups.values()].map((g) => ({ ...g.props, members: g.members })),
        skus: tenant.skus.map((s) => ({ skuId: s.skuId, skuPartNumber: s.skuPartNumber, prepaidUnits: s.prepaidUnits, consumedUnits: tenant.consumed(s.skuId) })),
        now: tenant.now().toISOString(),
      });
    }
    if (path === '/_sim/faults') {
      if (method === 'POST') {
        if (typeof b.serverErrors === 'number') faults.serverErrors = b.serverErrors;
        if (typeof b.slowMs === 'number') faults.slowMs = b.slowMs;
        if (b.throttle === null) throttle = undefined;
        else if (typeof b.throttle === 'object' && b.throttle !== null) throttle = b.throttle as { limit: number; windowSeconds: number };
      }
      return ok({ ...faults, throttle: throttle ?? null });
    }
    if (path === '/_sim/stats' && method === 'GET') return ok(stats);
    if (path === '/_sim/clock' && method === 'POST') {
      const ms = (typeof b.advanceMs === 'number' ? b.advanceMs : 0) + (typeof b.advanceDays === 'number' ? b.advanceDays * 86_400_000 : 0);
      tenant.advance(ms);
      return ok({ now: tenant.now().toISOString() });
    }
    if (path === '/_sim/save' && method === 'POST') { save(); return ok({ saved: opts.stateFile ?? null }); }
    return { status: 404, headers: { 'content-type': 'application/json' }, body: { error: 'unknown control endpoint' } };
  };

  // One instance type for both: the https server is an http.Server subclass as far as routes care.
  const app = opts.tls
    ? Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024, https: { key: opts.tls.key, cert: opts.tls.cert } }) as unknown as FastifyInstance
    : Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const send = (reply: FastifyReply, res: SimResponse): FastifyReply => {
    reply.code(res.status).headers(res.headers);
    if (res.body === undefined) return reply.send();
    return reply.send(typeof res.body === 'string' ? res.body : JSON.stringify(res.body));
  };

  app.all('/*', async (request, reply) => {
    const url = new URL(request.url, 'http://sim.invalid');
    const path = url.pathname;
    const raw = typeof request.body === 'string' ? request.body : '';
    const contentType = String(request.headers['content-type'] ?? '');
    const parseJson = (): unknown => {
      if (raw.trim() === '') return undefined;
      try { return JSON.parse(raw) as unknown; } catch { return Symbol.for('invalid-json'); }
    };
    if (path.startsWith('/_sim/')) return send(reply, control(request.method, path, parseJson()));
    const tokenMatch = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (tokenMatch && request.method === 'POST') return send(reply, tokenEndpoint(decodeURIComponent(tokenMatch[1] as string), request.headers, raw, contentType));
    if (request.method === 'GET') {
      const oidc = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
      if (oidc) return send(reply, openIdConfiguration(base, decodeURIComponent(oidc[1] as string), tenantId, tenant.verifiedDomains));
      const keys = /^\/([^/]+)\/discovery\/v2\.0\/keys$/.exec(path);
      if (keys) return send(reply, keySet(decodeURIComponent(keys[1] as string), tenantId, tenant.verifiedDomains));
    }
    if (!/^\/v1\.0(\/|$)/.test(path)) return send(reply, errorResponse(404, 'NotFound', `Unknown path ${path}`));

    stats.requests += 1;
    const at = Date.now();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) if (typeof v === 'string') headers[k] = v;
    const crid = headers['client-request-id'];
    const finish = (res: SimResponse): FastifyReply => {
      const ra = res.headers['retry-after'];
      record({ at, method: request.method, path, status: res.status, batchItem: false, ...(res.status === 429 && ra ? { retryAfter: Number(ra) } : {}) });
      return send(reply, res);
    };
    if (faults.slowMs > 0) await new Promise((r) => setTimeout(r, faults.slowMs));
    const denied = checkToken(headers.authorization);
    if (denied) return finish(denied);
    if (faults.serverErrors > 0) {
      faults.serverErrors -= 1;
      return finish(errorResponse(503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.', crid, undefined, { 'retry-after': '1' }));
    }
    const body = parseJson();
    if (body === Symbol.for('invalid-json')) return finish(errorResponse(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.', crid));
    const req = makeRequest(request.method, `${path}${url.search}`, headers, body);
    const isBatch = req.segments[0] === '$batch';
    if (!isBatch) {
      const throttled = admit();
      if (throttled) return finish(throttled);
    }
    const res = dispatch(env, req, {
      admit,
      itemDone: (item, r) => {
        stats.items += 1;
        const ra = r.headers['retry-after'];
        record({ at: Date.now(), method: item.method, path: `/v1.0${item.path}`, status: r.status, batchItem: true, ...(r.status === 429 && ra ? { retryAfter: Number(ra) } : {}) });
      },
    });
    return finish(res);
  });

  const address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const u = new URL(address);
  if (u.hostname === '[::1]' || u.hostname === '::1') u.hostname = 'localhost';
  base = u.origin;
  return {
    url: base, tenantId, state: tenant, faults, stats, log,
    setThrottle: (t) => { throttle = t; windowStart = 0; windowCount = 0; },
    save,
    close: async () => {
      save();
      await app.close();
    },
  };
}
