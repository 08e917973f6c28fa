/**
 * HTTP transport for the Personio v1 API: bearer token lifecycle, retries with backoff, timeouts and
 * error classification. The client secret and tokens never reach a log line or an error message.
 */
import type { PersonioSourceConfig } from '../../config/schema.js';
import { PersonioError } from './errors.js';
import { isRecord } from './raw.js';

type LogFn = (obj: Record<string, unknown>, msg?: string) => void;
/** Minimal logger (pino-compatible). */
export interface PersonioLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
}

/** Dependencies and tuning knobs of the client. Defaults are the production values. */
export interface PersonioClientDeps {
  readonly log: PersonioLogger;
  /** Base delay of the exponential backoff (429, 5xx, network). Default 1000 ms (Personio asks for ≥ 1 s). */
  readonly backoffBaseMs?: number;
  /** Longest single wait. Default 30 s. */
  readonly backoffMaxMs?: number;
  /** Total time spent waiting on 429 before giving up. Default 120 s. */
  readonly rateLimitBudgetMs?: number;
  /** Injected fetch (defaults to the global one). */
  readonly fetch?: typeof fetch;
}

/** Parsed response of one successful (2xx) or tolerated (404) call. */
export interface HttpResult {
  readonly status: number;
  readonly body: unknown;
}

interface CallOptions {
  readonly query?: URLSearchParams;
  readonly body?: unknown;
  /** Form-urlencoded body (v2 token request); wins over `body`. */
  readonly form?: URLSearchParams;
  /** Return 404 responses instead of throwing. */
  readonly allow404?: boolean;
}

/** Message of a Personio error body (`{success:false,error:{code,message}}`). */
export function errorMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const err = body.error;
  if (isRecord(err) && typeof err.message === 'string') return err.message;
  if (typeof err === 'string') return err;
  if (typeof body.message === 'string') return body.message;
  // v2 problem+json: `{errors:[{title,detail}]}` or the OAuth shape `{error, error_description}`.
  if (Array.isArray(body.errors)) {
    const parts = body.errors.filter(isRecord).map((e) => [e.title, e.detail].filter((x) => typeof x === 'string').join(': '));
    if (parts.length > 0) return parts.join('; ');
  }
  if (typeof body.error_description === 'string') return body.error_description;
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Seconds of a `Retry-After` header (delta seconds or HTTP date) in ms; undefined when absent or unreadable. */
export function retryAfterMs(v: string | null, nowMs: number = Date.now()): number | undefined {
  if (!v) return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - nowMs);
}

/**
 * Creates the transport; {@link PersonioTransport.call} is the only way requests leave.
 * `cfg.apiVersion: v2` authenticates at `/v2/auth/token` (client credentials, form body) instead of `/v1/auth`.
 */
export function createTransport(cfg: PersonioSourceConfig, deps: PersonioClientDeps) {
  const v2 = cfg.apiVersion === 'v2';
  const base = cfg.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  const doFetch = deps.fetch ?? globalThis.fetch;
  const backoffBase = deps.backoffBaseMs ?? 1000;
  const backoffMax = deps.backoffMaxMs ?? 30_000;
  const rateBudget = deps.rateLimitBudgetMs ?? 120_000;
  const log = deps.log;
  const secrets = [cfg.clientSecret].filter((s) => s.length >= 4);

  let token: string | undefined;
  let tokenExpiresAt = 0;
  let authInFlight: Promise<string> | undefined;
  const stats = { authCalls: 0, requests: 0 };

  /** Removes anything secret from text that is about to be logged or thrown. */
  const scrub = (s: string): string => {
    let out = s;
    for (const x of [...secrets, ...(token ? [token] : [])]) out = out.split(x).join('***');
    return out.replace(/papi-[A-Za-z0-9._-]+/g, 'papi-***').replace(/Bearer\s+\S+/gi, 'Bearer ***');
  };

  /** Exponential backoff with jitter: [d, 1.5·d], d = base·2^attempt, capped. */
  const backoff = (attempt: number): number => {
    const d = Math.min(backoffMax, backoffBase * 2 ** attempt);
    return Math.round(d + Math.random() * d * 0.5);
  };

  const commonHeaders = (): Record<string, string> => {
    const h: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'cadre-personio/1' };
    if (cfg.partnerId) h[v2 ? 'Personio-Partner-ID' : 'X-Personio-Partner-ID'] = cfg.partnerId;
    if (cfg.appId) h[v2 ? 'Personio-App-ID' : 'X-Personio-App-ID'] = cfg.appId;
    return h;
  };

  /**
   * Sends one logical request, retrying 429 (bounded total wait) and 5xx/network/timeouts
   * (bounded by `cfg.maxRetries`). Returns the raw response and its parsed body for the caller to judge.
   */
  async function send(method: string, path: string, headers: Record<string, string>, opts: CallOptions): Promise<{ res: Response; body: unknown; text: string }> {
    const url = `${base}${path}${opts.query && [...opts.query.keys()].length > 0 ? `?${opts.query.toString()}` : ''}`;
    let failures = 0;
    let rateAttempts = 0;
    let rateWaited = 0;
    for (;;) {
      let res: Response;
      let text: string;
      try {
        stats.requests++;
        res = await doFetch(url, {
          method,
          headers: opts.form ? { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }
            : opts.body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
          body: opts.form ? opts.form.toString() : opts.body === undefined ? undefined : JSON.stringify(opts.body),
          signal: AbortSignal.timeout(cfg.timeoutMs),
        });
        text = await res.text();
      } catch (e) {
        const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
        const why = timedOut ? `timed out after ${cfg.timeoutMs} ms` : scrub(e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e));
        if (failures >= cfg.maxRetries) {
          throw new PersonioError(timedOut ? 'PERSONIO_TIMEOUT' : 'PERSONIO_UNAVAILABLE',
            `Personio ${method} ${path} failed after ${failures + 1} attempt(s): ${why}`, { retryable: true });
        }
        const wait = backoff(failures++);
        log.warn({ method, path, attempt: failures, waitMs: wait }, `Personio request failed (${why}); retrying`);
        await sleep(wait);
        continue;
      }
      if (res.status === 429) {
        // Retry-After (when sent) is the server's word; otherwise exponential backoff.
        const hinted = retryAfterMs(res.headers.get('retry-after'));
        const wait = hinted !== undefined ? Math.min(backoffMax, Math.max(hinted, backoffBase)) : backoff(rateAttempts);
        rateAttempts++;
        if (rateWaited + wait > rateBudget) {
          throw new PersonioError('PERSONIO_RATE_LIMITED',
            `Personio rate limit still exceeded on ${method} ${path} after waiting ${Math.round(rateWaited / 1000)} s`, { status: 429, retryable: true });
        }
        rateWaited += wait;
        log.warn({ method, path, waitMs: wait }, 'Personio answered 429 Too Many Requests; backing off');
        await sleep(wait);
        continue;
      }
      if (res.status >= 500) {
        if (failures >= cfg.maxRetries) {
          throw new PersonioError('PERSONIO_UNAVAILABLE',
            `Personio ${method} ${path} answered HTTP ${res.status} ${failures + 1} time(s); giving up`, { status: res.status, retryable: true });
        }
        const wait = backoff(failures++);
        log.warn({ method, path, status: res.status, attempt: failures, waitMs: wait }, 'Personio server error; retrying');
        await sleep(wait);
        continue;
      }
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { res, body, text };
    }
  }

  async function authenticateV2(): Promise<string> {
    stats.authCalls++;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: cfg.clientId, client_secret: cfg.clientSecret });
    const { res, body } = await send('POST', '/v2/auth/token', commonHeaders(), { form });
    if (!res.ok) {
      const msg = scrub(errorMessage(body) ?? `HTTP ${res.status}`);
      throw new PersonioError('PERSONIO_AUTH_FAILED',
        `Personio rejected the API credentials (HTTP ${res.status}: ${msg}); check source.clientId / source.clientSecret`, { status: res.status });
    }
    if (!isRecord(body) || typeof body.access_token !== 'string' || body.access_token === '') {
      throw new PersonioError('PERSONIO_AUTH_FAILED', 'Personio /v2/auth/token answered without an access_token', { status: res.status });
    }
    const ttl = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 86_400;
    token = body.access_token;
    tokenExpiresAt = Date.now() + Math.max(1, ttl - Math.min(60, ttl / 10)) * 1000;
    log.debug({ expiresIn: ttl }, 'Personio v2 token obtained');
    return token;
  }

  async function authenticate(): Promise<string> {
    if (v2) return authenticateV2();
    stats.authCalls++;
    const { res, body } = await send('POST', '/v1/auth', commonHeaders(), {
      body: { client_id: cfg.clientId, client_secret: cfg.clientSecret },
    });
    if (!res.ok) {
      const msg = scrub(errorMessage(body) ?? `HTTP ${res.status}`);
      throw new PersonioError('PERSONIO_AUTH_FAILED',
        `Personio rejected the API credentials (HTTP ${res.status}: ${msg}); check source.clientId / source.clientSecret`, { status: res.status });
    }
    const data = isRecord(body) ? body.data : undefined;
    if (!isRecord(body) || body.success === false || !isRecord(data) || typeof data.token !== 'string' || data.token === '') {
      throw new PersonioError('PERSONIO_AUTH_FAILED', 'Personio /v1/auth answered without a token', { status: res.status });
    }
    const ttl = typeof data.expires_in === 'number' && data.expires_in > 0 ? data.expires_in : 86_400;
    token = data.token;
    // Renew a little early so a token never expires mid-request.
    tokenExpiresAt = Date.now() + Math.max(1, ttl - Math.min(60, ttl / 10)) * 1000;
    log.debug({ expiresIn: ttl }, 'Personio token obtained');
    return token;
  }

  async function currentToken(): Promise<string> {
    if (token && Date.now() < tokenExpiresAt) return token;
    // One authentication for concurrent callers.
    authInFlight ??= authenticate().finally(() => { authInFlight = undefined; });
    return authInFlight;
  }

  /** Authenticated call. 401 → re-authenticate once and retry; 4xx → coded error. */
  async function call(method: string, path: string, opts: CallOptions = {}): Promise<HttpResult> {
    let reauthenticated = false;
    for (;;) {
      const t = await currentToken();
      const { res, body, text } = await send(method, path, { ...commonHeaders(), Authorization: `Bearer ${t}` }, opts);
      if (res.status === 401) {
        if (reauthenticated) {
          throw new PersonioError('PERSONIO_AUTH_FAILED', `Personio refused a fresh token on ${method} ${path} (HTTP 401)`, { status: 401 });
        }
        log.info({ method, path }, 'Personio token rejected; re-authenticating');
        if (token === t) { token = undefined; tokenExpiresAt = 0; }
        reauthenticated = true;
        continue;
      }
      if (res.ok) {
        // Personio v1 echoes (formerly: rotated) the token in the Authorization header; keep the newest.
        const echoed = v2 ? undefined : res.headers.get('authorization')?.replace(/^Bearer\s+/i, '').trim();
        if (echoed && echoed !== token) token = echoed;
        if (body === undefined && text !== '') {
          throw new PersonioError('PERSONIO_BAD_RESPONSE', `Personio ${method} ${path} answered HTTP ${res.status} with a body that is not JSON`, { status: res.status });
        }
        return { status: res.status, body };
      }
      const msg = scrub(errorMessage(body) ?? `HTTP ${res.status}`);
      if (res.status === 404) {
        if (opts.allow404) return { status: 404, body };
        throw new PersonioError('PERSONIO_NOT_FOUND', `Personio ${method} ${path}: not found (${msg})`, { status: 404 });
      }
      if (res.status === 403) {
        throw new PersonioError('PERSONIO_FORBIDDEN', `Personio ${method} ${path} is not allowed for these credentials (missing scope?): ${msg}`, { status: 403 });
      }
      if (res.status === 422) throw new PersonioError('PERSONIO_VALIDATION', `Personio rejected ${method} ${path}: ${msg}`, { status: 422 });
      if (res.status === 400) throw new PersonioError('PERSONIO_BAD_REQUEST', `Personio rejected ${method} ${path} as a bad request: ${msg}`, { status: 400 });
      throw new PersonioError('PERSONIO_BAD_RESPONSE', `Personio ${method} ${path} answered HTTP ${res.status}: ${msg}`, { status: res.status });
    }
  }

  return { call, stats, scrub };
}

/** The transport returned by {@link createTransport}. */
export type PersonioTransport = ReturnType<typeof createTransport>;
