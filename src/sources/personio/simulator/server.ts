/**
 * A faithful Personio v1 API simulator (fastify): auth, paged employees with `updated_since`,
 * `email` and `attributes[]`, single reads, PATCH/POST writes, rate limits, and switchable faults.
 * Control endpoints under `/_sim/*` let CLI tests flip faults and mutate the company over HTTP.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mutateCompany } from '../mutator.js';
import type { ChangeCounts, CompanyChange } from '../mutator.js';
import { createRng } from '../prng.js';
import { isRecord, shortEmployee } from '../raw.js';
import type { RawEmployee } from '../raw.js';
import { createSimCompany, fixtureEmployees } from './company.js';
import type { SimCompany } from './company.js';
import { createRateLimiter } from './rate-limit.js';
import { registerV2 } from './v2.js';
import type { SimWebhook } from './webhooks.js';
import { createDelivery, watchCompany } from './delivery.js';
import type { DeliveryAttempt } from './delivery.js';
import { applyEmployeeFields, createEmployee, WriteRejected } from './writes.js';

/** Faults that can be switched at runtime (directly or via `POST /_sim/faults`). */
export interface SimFaults {
  /** The next N API requests answer 500/503 alternately. */
  serverErrors: number;
  /** The next N API requests answer 429. */
  rateLimitNext: number;
  /** Delay before every API answer. */
  slowMs: number;
  /** Paging lies: metadata counts every employee, but the last page is delivered empty. */
  truncatePages: boolean;
  /** POST /v1/auth rejects every credential. */
  failAuth: boolean;
  /** Historic Personio behaviour: every successful call invalidates its token and returns a new one in `Authorization`. */
  rotateTokens: boolean;
  /** Webhooks: every delivery is sent twice. */
  webhookDuplicates: boolean;
  /** Webhooks: extra delay before each delivery (late events). */
  webhookDelayMs: number;
  /** Webhooks: events are held back in pairs and sent newest first. */
  webhookReorder: boolean;
}

/** One API request as the simulator saw it (for tests and `GET /_sim/requests`). */
export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, unknown>>;
  status?: number;
  readonly partnerId?: string;
  readonly appId?: string;
  /** Short fingerprint of the bearer token used (never the token itself). */
  readonly tokenTag?: string;
  readonly at: string;
}

/** Options of {@link startPersonioSimulator}. */
export interface PersonioSimulatorOptions {
  /** Port; 0 (default) picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** Raw API `data` items, or a full response object with `data`. */
  readonly employees?: unknown;
  /** Accepted credentials; without them any non-empty id/secret is accepted. */
  readonly credentials?: { readonly clientId: string; readonly clientSecret: string };
  /** GET employees limits (Personio: 300/min, bursts of 15/s). /v1/auth is then limited to 60/min. */
  readonly rateLimit?: { readonly perMinute?: number; readonly burstPerSecond?: number };
  readonly tokenTtlSeconds?: number;
  /** Simulator clock (default: real time). */
  readonly now?: () => Date;
  /** Seed of the mutation PRNG. */
  readonly seed?: number;
  /** Factor on Personio's webhook retry schedule (e.g. 0.0001 in tests; default 1). */
  readonly webhookTimeScale?: number;
}

/** A running simulator. */
export interface PersonioSimulator {
  /** Base URL; the client appends `/v1/...`. */
  readonly url: string;
  readonly company: SimCompany;
  readonly faults: SimFaults;
  readonly stats: { authCalls: number; readonly requests: SimRequest[] };
  /** Webhooks registered through `POST /v2/webhooks`, by id. */
  readonly webhooks: ReadonlyMap<string, SimWebhook>;
  /** Webhook delivery attempts, and a wait for every delivery in flight. */
  readonly deliveries: { readonly attempts: readonly DeliveryAttempt[]; settle(): Promise<void> };
  /** Invalidates every issued token (clients must re-authenticate). */
  revokeTokens(): void;
  /** Applies realistic HR changes (hires, moves, renames, office moves, leavers). */
  mutate(counts?: ChangeCounts): CompanyChange[];
  close(): Promise<void>;
}

/** Personio's limit on GET /company/employees since 2025-01-31. */
const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 50;
const MAX_LOG = 10_000;

function errorBody(code: number, message: string): { success: false; error: { code: number; message: string } } {
  return { success: false, error: { code, message } };
}

/** Parses `a=1&employee[first_name]=x&employee[custom_attributes][dynamic_1]=y` into nested objects. */
export function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[').filter((p) => p !== '');
    let node: Record<string, unknown> = out;
    path.forEach((p, i) => {
      if (i === path.length - 1) node[p] = value;
      else {
        if (!isRecord(node[p])) node[p] = {};
        node = node[p] as Record<string, unknown>;
      }
    });
  }
  return out;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseSince(v: string): number | undefined {
  const s = v.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return Date.parse(`${s}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s)) return undefined;
  // Without an offset the instant is read as UTC.
  const t = Date.parse(/([zZ]|[+-]\d{2}:?\d{2})$/.test(s) ? s : `${s}Z`);
  return Number.isNaN(t) ? undefined : t;
}

function tagOf(authorization: string | undefined): string | undefined {
  const t = authorization?.replace(/^Bearer\s+/i, '').trim();
  return t ? createHash('sha256').update(t).digest('hex').slice(0, 12) : undefined;
}

function intParam(v: unknown): number | undefined | 'invalid' {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) return 'invalid';
  return Number(v);
}

/** Starts the simulator and resolves once it listens. */
export async function startPersonioSimulator(opts: PersonioSimulatorOptions = {}): Promise<PersonioSimulator> {
  const now = opts.now ?? (() => new Date());
  const company = createSimCompany(opts.employees === undefined ? [] : fixtureEmployees(opts.employees), now);
  const faults: SimFaults = { serverErrors: 0, rateLimitNext: 0, slowMs: 0, truncatePages: false, failAuth: false, rotateTokens: false,
    webhookDuplicates: false, webhookDelayMs: 0, webhookReorder: false };
  const stats = { authCalls: 0, requests: [] as SimRequest[] };
  const tokens = new Map<string, number>();
  const ttl = opts.tokenTtlSeconds ?? 86_400;
  const clock = (): number => now().getTime();
  const employeesLimiter = opts.rateLimit ? createRateLimiter(opts.rateLimit, clock) : undefined;
  const authLimiter = opts.rateLimit ? createRateLimiter({ perMinute: 60 }, clock) : undefined;
  const rng = createRng(opts.seed ?? 42);
  let errorToggle = 0;
  const entries = new WeakMap<FastifyRequest, SimRequest>();
  const issueToken = (): string => {
    const token = `papi-${randomBytes(24).toString('base64url')}`;
    tokens.set(token, clock() + ttl * 1000);
    return token;
  };

  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseForm(String(body)));
  });

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/v1/') && !req.url.startsWith('/v2/')) return;
    const path = req.url.split('?')[0] ?? req.url;
    const header = (n: string): string | undefined => {
      const v = req.headers[n];
      return Array.isArray(v) ? v[0] : v;
    };
    const entry: SimRequest = {
      method: req.method, path, query: { ...(req.query as Record<string, unknown>) }, at: now().toISOString(),
      partnerId: header('x-personio-partner-id'), appId: header('x-personio-app-id'),
      tokenTag: tagOf(header('authorization')),
    };
    entries.set(req, entry);
    stats.requests.push(entry);
    if (stats.requests.length > MAX_LOG) stats.requests.splice(0, stats.requests.length - MAX_LOG);
    if (faults.slowMs > 0) await new Promise((r) => setTimeout(r, faults.slowMs));
    if (faults.serverErrors > 0) {
      faults.serverErrors--;
      const code = errorToggle++ % 2 === 0 ? 500 : 503;
      return reply.code(code).send(errorBody(code, code === 500 ? 'Internal Server Error' : 'Service Unavailable'));
    }
    const isEmployeesGet = req.method === 'GET' && (path.startsWith('/v1/company/employees') || path.startsWith('/v2/persons'));
    const limited = faults.rateLimitNext > 0
      || (isEmployeesGet && employeesLimiter !== undefined && !employeesLimiter.take())
      || ((path === '/v1/auth' || path === '/v2/auth/token') && authLimiter !== undefined && !authLimiter.take());
    if (limited) {
      if (faults.rateLimitNext > 0) faults.rateLimitNext--;
      return reply.code(429).send(errorBody(429, 'Too Many Requests'));
    }
    return undefined;
  });
  app.addHook('onResponse', async (req, reply) => {
    const e = entries.get(req);
    if (e) e.status = reply.statusCode;
  });

  /** Validates the bearer token; answers 401 itself and returns undefined when it is not valid. */
  function authorize(req: FastifyRequest, reply: FastifyReply): string | undefined {
    const h = req.headers.authorization;
    const token = typeof h === 'string' ? h.replace(/^Bearer\s+/i, '').trim() : '';
    const exp = token ? tokens.get(token) : undefined;
    if (exp === undefined || exp <= clock()) {
      if (exp !== undefined) tokens.delete(token);
      void reply.code(401).send(errorBody(401, token ? 'The access token is invalid or has expired' : 'Missing access token'));
      return undefined;
    }
    if (faults.rotateTokens) {
      // Old single-use tokens: this one is spent, the next one comes back in the header.
      tokens.delete(token);
      const next = issueToken();
      void reply.header('Authorization', `Bearer ${next}`);
      return token;
    }
    // Personio echoes the (stable) token on every successful personnel data call.
    void reply.header('Authorization', `Bearer ${token}`);
    return token;
  }

  /** Refreshes the supervisor's ShortEmployee from the store and applies the `attributes[]` projection. */
  function render(e: RawEmployee, projection?: ReadonlySet<string>): RawEmployee {
    const attributes: RawEmployee['attributes'] = {};
    for (const [k, a] of Object.entries(e.attributes)) {
      if (projection && k !== 'id' && !projection.has(k)) continue;
      if (k === 'supervisor' && isRecord(a.value) && isRecord(a.value.attributes)) {
        const sid = a.value.attributes.id;
        const supId = isRecord(sid) ? sid.value : sid;
        const sup = supId === undefined || supId === null ? undefined : company.get(String(supId));
        attributes[k] = sup ? { ...a, value: shortEmployee(sup) } : a;
      } else attributes[k] = a;
    }
    return { type: 'Employee', attributes };
  }

  function projectionOf(q: Record<string, unknown>): Set<string> | undefined {
    const raw = q['attributes[]'] ?? q.attributes;
    if (raw === undefined) return undefined;
    const list = (Array.isArray(raw) ? raw : [raw]).flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter((x) => x !== '');
    return list.length > 0 ? new Set(list) : undefined;
  }

  app.post('/v1/auth', async (req, reply) => {
    stats.authCalls++;
    const body = isRecord(req.body) ? req.body : {};
    const q = req.query as Record<string, unknown>;
    const id = String(body.client_id ?? q.client_id ?? '');
    const secret = String(body.client_secret ?? q.client_secret ?? '');
    if (id === '' || secret === '') return reply.code(400).send(errorBody(400, 'client_id and client_secret are required'));
    const ok = !faults.failAuth && (!opts.credentials
      || (sameSecret(id, opts.credentials.clientId) && sameSecret(secret, opts.credentials.clientSecret)));
    if (!ok) return reply.code(401).send(errorBody(401, 'Wrong credentials'));
    const token = issueToken();
    return { success: true, data: { token, expires_in: ttl, scope: 'employees:read employees:write' } };
  });

  app.get('/v1/company/employees', async (req, reply) => {
    const token = authorize(req, reply);
    if (!token) return reply;
    const q = req.query as Record<string, unknown>;
    const projection = projectionOf(q);
    const all = company.list();
    if (typeof q.updated_since === 'string' && q.updated_since !== '') {
      // Documented: with updated_since, email/limit/offset are ignored and everything changed is returned.
      const since = parseSince(q.updated_since);
      if (since === undefined) return reply.code(400).send(errorBody(400, `updated_since '${q.updated_since}' is not a valid date`));
      const keys = projection ? [...projection] : undefined;
      const changed = all.filter((e) => company.changedAt(String(e.attributes.id?.value ?? ''), keys) >= since);
      return {
        success: true, metadata: { total_elements: changed.length, current_page: 0, total_pages: 1 },
        offset: 0, limit: changed.length, data: changed.map((e) => render(e, projection)),
      };
    }
    const limit = intParam(q.limit);
    const offset = intParam(q.offset);
    // Over-limit requests fail rather than being clamped: Personio documents a hard maximum of 100
    // (community reports show over-max limits failing), and a silent clamp would hide client bugs.
    if (limit === 'invalid' || (limit !== undefined && (limit < 1 || limit > MAX_LIMIT))) {
      return reply.code(400).send(errorBody(400, `The limit must be an integer between 1 and ${MAX_LIMIT}`));
    }
    if (offset === 'invalid') return reply.code(400).send(errorBody(400, 'The offset must be a non-negative integer'));
    const lim = limit ?? DEFAULT_LIMIT;
    const off = offset ?? 0;
    let items = all;
    if (typeof q.email === 'string' && q.email !== '') {
      const wanted = q.email.trim().toLowerCase();
      items = items.filter((e) => String(e.attributes.email?.value ?? '').toLowerCase() === wanted);
    }
    const total = items.length;
    const totalPages = Math.ceil(total / lim);
    const currentPage = Math.floor(off / lim);
    let page = items.slice(off, off + lim);
    if (faults.truncatePages && currentPage >= totalPages - 1) page = [];
    return {
      success: true, metadata: { total_elements: total, current_page: currentPage, total_pages: totalPages },
      offset: off, limit: lim, data: page.map((e) => render(e, projection)),
    };
  });

  const attributeList = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!authorize(req, reply)) return reply;
    return {
      success: true,
      data: company.customAttributes().map((a) => ({ key: a.key, label: a.label, type: a.type, universal_id: null, options: [] })),
    };
  };
  app.get('/v1/company/employees/attributes', attributeList);
  app.get('/v1/company/employees/custom-attributes', attributeList);

  app.get<{ Params: { id: string } }>('/v1/company/employees/:id', async (req, reply) => {
    if (!authorize(req, reply)) return reply;
    const e = company.get(req.params.id);
    if (!e) return reply.code(404).send(errorBody(0, 'Es ist ein Problem aufgetreten'));
    return { success: true, data: render(e, projectionOf(req.query as Record<string, unknown>)) };
  });

  app.patch<{ Params: { id: string } }>('/v1/company/employees/:id', async (req, reply) => {
    if (!authorize(req, reply)) return reply;
    const current = company.get(req.params.id);
    if (!current) return reply.code(404).send(errorBody(0, 'Es ist ein Problem aufgetreten'));
    const body = isRecord(req.body) ? req.body : {};
    if (!isRecord(body.employee)) return reply.code(400).send(errorBody(400, 'The request body must contain an "employee" object'));
    const next = structuredClone(current);
    try {
      const meta = applyEmployeeFields(company, next, body.employee, req.params.id);
      company.upsert(next);
      return { success: true, data: { id: Number(req.params.id) }, meta };
    } catch (e) {
      if (e instanceof WriteRejected) return reply.code(422).send(errorBody(422, e.message));
      throw e;
    }
  });

  app.post('/v1/company/employees', async (req, reply) => {
    if (!authorize(req, reply)) return reply;
    const body = isRecord(req.body) ? req.body : {};
    if (!isRecord(body.employee)) return reply.code(400).send(errorBody(400, 'The request body must contain an "employee" object'));
    try {
      const { employee, meta } = createEmployee(company, body.employee, now().toISOString().slice(0, 10));
      const saved = company.upsert(employee);
      return { success: true, data: { id: saved.attributes.id?.value, message: 'success' }, ...(meta.length > 0 ? { meta } : {}) };
    } catch (e) {
      if (e instanceof WriteRejected) return reply.code(422).send(errorBody(422, e.message));
      throw e;
    }
  });

  let baseUrl = '';
  const webhooks = registerV2(app, {
    company, ttl, issueToken,
    tokenValid: (t) => {
      const exp = tokens.get(t);
      return exp !== undefined && exp > clock();
    },
    credentialsOk: (id, secret) => id !== '' && secret !== '' && !faults.failAuth
      && (!opts.credentials || (sameSecret(id, opts.credentials.clientId) && sameSecret(secret, opts.credentials.clientSecret))),
    countAuth: () => { stats.authCalls++; },
  }, () => baseUrl);
  const delivery = createDelivery(webhooks, faults, { companyId: '1', timeScale: opts.webhookTimeScale ?? 1, now });
  watchCompany(company, delivery.emit);


  // ---- control endpoints (not part of Personio) ----
  app.get('/_sim/state', async () => ({
    employees: company.size, faults, authCalls: stats.authCalls, requests: stats.requests.length, activeTokens: tokens.size,
  }));
  app.get('/_sim/requests', async () => ({ requests: stats.requests }));
  app.post('/_sim/faults', async (req, reply) => {
    const body = isRecord(req.body) ? req.body : {};
    for (const [k, v] of Object.entries(body)) {
      if (!(k in faults)) return reply.code(400).send({ error: `unknown fault '${k}'` });
      const cur = faults[k as keyof SimFaults];
      if (typeof cur !== typeof v) return reply.code(400).send({ error: `fault '${k}' must be a ${typeof cur}` });
      (faults as unknown as Record<string, unknown>)[k] = v;
    }
    return faults;
  });
  app.post('/_sim/mutate', async (req) => {
    const body = isRecord(req.body) ? req.body : {};
    return { changes: sim.mutate(isRecord(body.counts) ? (body.counts as ChangeCounts) : undefined) };
  });
  app.post('/_sim/employees', async (req, reply) => {
    try {
      return { employee: company.upsert(req.body) };
    } catch (e) {
      return reply.code(400).send({ error: e instanceof Error ? e.message : String(e) });
    }
  });
  app.delete<{ Params: { id: string } }>('/_sim/employees/:id', async (req, reply) => {
    if (!company.remove(req.params.id)) return reply.code(404).send({ error: 'no such employee' });
    return { removed: req.params.id };
  });
  app.post('/_sim/tokens/revoke', async () => {
    sim.revokeTokens();
    return { revoked: true };
  });

  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port ?? 0;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  baseUrl = `http://${urlHost}:${port}`;
  const sim: PersonioSimulator = {
    url: `http://${urlHost}:${port}`,
    company,
    faults,
    stats,
    webhooks,
    deliveries: { attempts: delivery.attempts, settle: () => delivery.settle() },
    revokeTokens: () => tokens.clear(),
    mutate: (counts) => mutateCompany(company, rng, now().toISOString().slice(0, 10), counts),
    close: async () => { await app.close(); },
  };
  return sim;
}
