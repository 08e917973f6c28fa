/**
 * One signed webhook call of the REST target: signs the body, sends the operation's idempotency key,
 * retries 408/425/429/5xx and network errors with back-off (Retry-After honoured, bounded attempts; the
 * same key and body every time, re-signed with a fresh timestamp), and checks the response.
 */
import { IDEMPOTENCY_HEADER, requestTarget, signingHeaders } from './signing.js';
import { parseRetryAfter, retryableStatus, retryDelay } from './retry.js';
import type { RetryPolicy } from './retry.js';

/** What a successful response must look like. */
export interface ResponseCheck {
  /** Accepted status codes (default: every 2xx). */
  readonly status?: readonly number[];
  /** Dotted path into the JSON response that must equal `equals` (e.g. `result.ok`). */
  readonly path?: string;
  readonly equals?: string | number | boolean | null;
}

/** One request. */
export interface WebhookRequest {
  readonly method: string;
  readonly url: string;
  /** JSON text (already rendered); absent for a body-less request. */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly idempotencyKey: string;
}

/** Settings shared by every request of a target. */
export interface SenderOptions {
  /** HMAC secret (resolved from env:/file:); never logged or put into errors. */
  readonly secret: string;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  readonly check?: ResponseCheck;
  /** Injected for tests: sleeping and the clock. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The outcome: the final response, or a coded failure. */
export type WebhookResult =
  | { readonly ok: true; readonly status: number; readonly json: unknown; readonly attempts: number }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly transient: boolean; readonly status?: number; readonly attempts: number; readonly retryAfter?: number };

/** Value at a dotted path of a parsed JSON value. */
export function valueAt(json: unknown, path: string): unknown {
  let cur: unknown = json;
  for (const part of path.split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const parse = (text: string): unknown => {
  if (text.trim() === '') return undefined;
  try { return JSON.parse(text) as unknown; } catch { return undefined; }
};

/** Sends with signing, idempotency key, bounded retries and the response check. */
export async function sendWebhook(req: WebhookRequest, o: SenderOptions): Promise<WebhookResult> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const where = `${req.method} ${new URL(req.url).pathname}`;
  for (let attempt = 1; ; attempt += 1) {
    const body = req.body ?? '';
    const headers: Record<string, string> = {
      accept: 'application/json', ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...req.headers, ...signingHeaders(o.secret, { method: req.method, target: requestTarget(req.url), body }), [IDEMPOTENCY_HEADER]: req.idempotencyKey,
    };
    let res: Response | undefined;
    let netErr: unknown;
    try {
      res = await fetch(req.url, { method: req.method, headers, ...(req.body !== undefined ? { body } : {}), signal: AbortSignal.timeout(o.timeoutMs) });
    } catch (e) {
      netErr = e;
    }
    const last = attempt >= o.retry.maxAttempts;
    if (!res) {
      if (last) return { ok: false, code: 'REST_UNAVAILABLE', message: `${where} failed after ${attempt} attempt(s): ${netErr instanceof Error ? netErr.message : String(netErr)}`, transient: true, attempts: attempt };
      await sleep(retryDelay(o.retry, attempt));
      continue;
    }
    const text = await res.text();
    if (retryableStatus(res.status)) {
      const ra = parseRetryAfter(res.headers.get('retry-after'));
      if (last) {
        return { ok: false, code: res.status === 429 ? 'REST_THROTTLED' : 'REST_UNAVAILABLE', message: `${where} answered ${res.status} after ${attempt} attempt(s)`, transient: true, status: res.status, attempts: attempt, ...(ra !== undefined ? { retryAfter: ra } : {}) };
      }
      await sleep(retryDelay(o.retry, attempt, ra));
      continue;
    }
    const json = parse(text);
    const okStatus = o.check?.status ? o.check.status.includes(res.status) : res.status >= 200 && res.status < 300;
    if (!okStatus) {
      // 401/403 mostly mean a wrong secret or signature: retrying cannot help.
      const code = res.status === 401 || res.status === 403 ? 'REST_AUTH' : res.status === 404 ? 'REST_NOT_FOUND' : res.status === 409 ? 'REST_CONFLICT' : 'REST_REJECTED';
      return { ok: false, code, message: `${where} answered ${res.status}`, transient: false, status: res.status, attempts: attempt };
    }
    if (o.check?.path !== undefined && valueAt(json, o.check.path) !== o.check.equals) {
      return { ok: false, code: 'REST_RESPONSE_CHECK', message: `${where}: response ${o.check.path} is ${JSON.stringify(valueAt(json, o.check.path)) ?? 'missing'}, expected ${JSON.stringify(o.check.equals)}`, transient: false, status: res.status, attempts: attempt };
    }
    return { ok: true, status: res.status, json, attempts: attempt };
  }
}
