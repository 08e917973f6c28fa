/**
 * HTTP layer for Graph: bounded concurrency, a shared throttle gate (when any request gets 429/503
 * with Retry-After, every worker pauses until that moment: no retry storms), token refresh on 401,
 * and retries with exact Retry-After for 429/503 and backoff for other 5xx/network errors.
 */
import { EntraError, retryAfterSeconds } from './errors.js';
import type { GraphResponse } from './errors.js';
import type { TokenProvider } from './auth.js';
import { fetchTrusting } from './tls-fetch.js';
import type { FetchFn } from './tls-fetch.js';

/** Shared pause: nobody sends before `until`. */
export class ThrottleGate {
  private until = 0;
  /** Number of pauses caused by 429/503 (stats). */
  pauses = 0;

  /** Pause everyone for `seconds` from now (never shortens an existing pause). */
  pause(seconds: number): void {
    const until = Date.now() + Math.ceil(seconds * 1000);
    if (until > this.until) this.until = until;
    this.pauses += 1;
  }

  /** Milliseconds left of the current pause. */
  remaining(): number {
    return Math.max(0, this.until - Date.now());
  }

  /** Resolve once the gate is open (re-checks, as the pause may be extended meanwhile). */
  async wait(): Promise<void> {
    for (let ms = this.remaining(); ms > 0; ms = this.remaining()) await new Promise((r) => setTimeout(r, ms));
  }
}

/** FIFO counting semaphore. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.size) { this.active += 1; return; }
    await new Promise<void>((r) => this.waiting.push(r));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next(); // hand the slot over directly
    else this.active -= 1;
  }

  get free(): number {
    return this.size - this.active;
  }
}

/** Settings of the HTTP layer. */
export interface HttpOptions {
  /** Graph root, e.g. https://graph.microsoft.com (the client appends /v1.0). */
  readonly graphUrl: string;
  readonly concurrency: number;
  readonly maxRetries: number;
  readonly maxThrottleRetries: number;
  readonly timeoutMs: number;
  /** Extra CA certificate (PEM) to trust besides the public roots. */
  readonly ca?: string;
}

/** Counters for benchmarks and tests. */
export interface HttpStats { requests: number; throttled: number; retries: number }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The Graph HTTP client. Stateful (token, gate, semaphore), hence a class. */
export class GraphHttp {
  readonly gate = new ThrottleGate();
  readonly slots: Semaphore;
  readonly stats: HttpStats = { requests: 0, throttled: 0, retries: 0 };
  readonly base: string;
  private readonly fetch: FetchFn;

  constructor(private readonly opts: HttpOptions, private readonly tokens: TokenProvider) {
    this.slots = new Semaphore(opts.concurrency);
    this.fetch = fetchTrusting(opts.ca);
    this.base = `${opts.graphUrl.replace(/\/+$/, '')}/v1.0`;
  }

  /** Absolute URL for a path (`/users…`) or a nextLink; refuses links to other hosts (the token must not leak). */
  url(pathOrUrl: string): string {
    if (!/^https?:\/\//i.test(pathOrUrl)) return `${this.base}${pathOrUrl}`;
    if (new URL(pathOrUrl).origin !== new URL(this.base).origin) throw new EntraError('ENTRA_INVALID', `refusing to follow a link to another host: ${new URL(pathOrUrl).origin}`);
    return pathOrUrl;
  }

  /** One HTTP exchange, no retries (the caller holds a slot and has waited for the gate). */
  async once(method: string, pathOrUrl: string, body?: unknown, headers: Record<string, string> = {}): Promise<GraphResponse & { token: string }> {
    const token = await this.tokens.get();
    this.stats.requests += 1;
    const res = await this.fetch(this.url(pathOrUrl), {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    const text = await res.text();
    const h: Record<string, string> = {};
    res.headers.forEach((v, k) => { h[k.toLowerCase()] = v; });
    let parsed: unknown = undefined;
    if (text !== '') {
      try { parsed = JSON.parse(text) as unknown; } catch { parsed = text; }
    }
    return { status: res.status, headers: h, body: parsed, token };
  }

  /**
   * Send with retries: 429/503 pause the shared gate for exactly Retry-After; other 5xx and network
   * errors back off exponentially; a 401 refreshes the token once. Returns the final response.
   */
  async send(method: string, pathOrUrl: string, body?: unknown, headers: Record<string, string> = {}): Promise<GraphResponse> {
    let failures = 0;
    let throttles = 0;
    let refreshed = false;
    for (;;) {
      await this.gate.wait();
      await this.slots.acquire();
      let res: (GraphResponse & { token: string }) | undefined;
      let netErr: unknown;
      try {
        // The gate may have closed while we queued for a slot.
        if (this.gate.remaining() > 0) continue;
        res = await this.once(method, pathOrUrl, body, headers);
      } catch (err) {
        if (err instanceof EntraError) throw err;
        netErr = err;
      } finally {
        this.slots.release();
      }
      if (!res) {
        failures += 1;
        if (failures > this.opts.maxRetries) throw new EntraError('ENTRA_UNAVAILABLE', `${method} ${new URL(this.url(pathOrUrl)).pathname} failed: ${netErr instanceof Error ? netErr.message : String(netErr)}`, true);
        this.stats.retries += 1;
        await sleep(Math.min(30_000, 250 * 2 ** failures));
        continue;
      }
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        this.tokens.invalidate(res.token);
        continue;
      }
      const ra = retryAfterSeconds(res.headers);
      if (res.status === 429) {
        this.stats.throttled += 1;
        throttles += 1;
        if (throttles > this.opts.maxThrottleRetries) return res;
        this.gate.pause(ra ?? 1);
        this.stats.retries += 1;
        continue;
      }
      if (res.status >= 500 && res.status !== 501) {
        failures += 1;
        if (failures > this.opts.maxRetries) return res;
        this.stats.retries += 1;
        if (ra !== undefined) this.gate.pause(ra);
        else await sleep(Math.min(30_000, 250 * 2 ** failures));
        continue;
      }
      return res;
    }
  }
}
