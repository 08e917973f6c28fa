/**
 * Micro-batching of Graph calls into JSON `$batch` requests (≤ 20 items). Calls arriving within a
 * few milliseconds are sent together; throttled items (per-item 429/503) pause the shared gate for
 * exactly their Retry-After and are re-queued, so every caller eventually gets its own answer.
 */
import { EntraError, retryAfterSeconds } from './errors.js';
import type { GraphResponse } from './errors.js';
import type { GraphHttp } from './http.js';

interface Pending {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
  readonly headers: Record<string, string>;
  throttles: number;
  failures: number;
  resolve(r: GraphResponse): void;
  reject(e: unknown): void;
}

/** Batcher settings. */
export interface BatchOptions {
  readonly batchSize: number;
  /** How long a partial batch waits for company (ms). */
  readonly lingerMs: number;
  readonly concurrency: number;
  readonly maxRetries: number;
  readonly maxThrottleRetries: number;
}

const lower = (h: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (typeof h === 'object' && h !== null) for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = String(v);
  return out;
};

/** Groups concurrent calls into `$batch` requests. Stateful queue, hence a class. */
export class Batcher {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inflight = 0;
  /** `$batch` requests sent and items carried (stats). */
  readonly stats = { batches: 0, items: 0, itemThrottles: 0 };

  constructor(private readonly http: GraphHttp, private readonly opts: BatchOptions) {}

  /** Queue one call (path relative to /v1.0, e.g. `/users/{id}`); resolves with its own response. */
  request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<GraphResponse> {
    return new Promise<GraphResponse>((resolve, reject) => {
      this.queue.push({ method, url, body, headers, throttles: 0, failures: 0, resolve, reject });
      this.schedule();
    });
  }

  private schedule(delay = this.opts.lingerMs): void {
    if (this.queue.length >= this.opts.batchSize && this.inflight < this.opts.concurrency && this.http.gate.remaining() === 0) {
      this.pump();
      return;
    }
    if (!this.timer) this.timer = setTimeout(() => this.pump(), Math.max(delay, this.http.gate.remaining()));
  }

  private pump(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    const wait = this.http.gate.remaining();
    if (wait > 0) {
      this.timer = setTimeout(() => this.pump(), wait);
      return;
    }
    while (this.queue.length > 0 && this.inflight < this.opts.concurrency) {
      const items = this.queue.splice(0, this.opts.batchSize);
      this.inflight += 1;
      void this.send(items).finally(() => {
        this.inflight -= 1;
        if (this.queue.length > 0) this.schedule(0);
      });
    }
  }

  private async send(items: Pending[]): Promise<void> {
    if (items.length === 1) {
      // A lone call goes out directly: same semantics, less overhead.
      const it = items[0] as Pending;
      try {
        it.resolve(await this.http.send(it.method, it.url, it.body, it.headers));
      } catch (err) {
        it.reject(err);
      }
      return;
    }
    this.stats.batches += 1;
    this.stats.items += items.length;
    const requests = items.map((it, i) => ({
      id: String(i + 1),
      method: it.method,
      url: it.url,
      ...(it.body !== undefined ? { body: it.body, headers: { 'content-type': 'application/json', ...it.headers } } : Object.keys(it.headers).length > 0 ? { headers: it.headers } : {}),
    }));
    let outer: GraphResponse;
    try {
      outer = await this.http.send('POST', '/$batch', { requests });
    } catch (err) {
      for (const it of items) it.reject(err);
      return;
    }
    const responses = (outer.body as { responses?: unknown } | undefined)?.responses;
    if (outer.status !== 200 || !Array.isArray(responses)) {
      for (const it of items) it.resolve(outer);
      return;
    }
    const seen = new Set<number>();
    const again: Pending[] = [];
    let maxPause = 0;
    for (const r of responses as { id?: unknown; status?: unknown; headers?: unknown; body?: unknown }[]) {
      const idx = Number(r.id) - 1;
      const it = items[idx];
      if (!it || seen.has(idx)) continue;
      seen.add(idx);
      const res: GraphResponse = { status: Number(r.status), headers: lower(r.headers), body: r.body };
      if (res.status === 429 || res.status === 503) {
        it.throttles += 1;
        if (res.status === 429) { this.stats.itemThrottles += 1; this.http.stats.throttled += 1; }
        const limit = res.status === 429 ? this.opts.maxThrottleRetries : this.opts.maxRetries;
        if (it.throttles > limit) { it.resolve(res); continue; }
        maxPause = Math.max(maxPause, retryAfterSeconds(res.headers) ?? 1);
        again.push(it);
      } else if (res.status >= 500 && res.status !== 501) {
        it.failures += 1;
        if (it.failures > this.opts.maxRetries) { it.resolve(res); continue; }
        again.push(it);
      } else {
        it.resolve(res);
      }
    }
    items.forEach((it, idx) => {
      if (!seen.has(idx)) {
        it.failures += 1;
        if (it.failures > this.opts.maxRetries) it.reject(new EntraError('ENTRA_UNAVAILABLE', `$batch response lacks item ${idx + 1}`, true));
        else again.push(it);
      }
    });
    if (again.length > 0) {
      if (maxPause > 0) this.http.gate.pause(maxPause);
      this.http.stats.retries += again.length;
      this.queue.unshift(...again);
    }
  }
}

/** One entry point for connector calls: batched when a batcher exists and the path is relative. */
export type GraphCall = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<GraphResponse>;

/** Build the call function. */
export function makeCaller(http: GraphHttp, batcher: Batcher | undefined): GraphCall {
  return (method, path, body, headers = {}) => (batcher && path.startsWith('/') ? batcher.request(method, path, body, headers) : http.send(method, path, body, headers));
}
