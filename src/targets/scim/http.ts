/**
 * HTTP client of the SCIM target: authentication, `application/scim+json`, bounded retries on 429 / 5xx /
 * network errors (honouring Retry-After), and the SCIM error schema (RFC 7644 §3.12) mapped to coded errors.
 * Messages never contain the credentials; the token is only ever in the Authorization header.
 */
import type { ScimTargetOptions } from './guard.js';

/** Error codes the SCIM target produces. */
export const SCIM_ERROR_CODES = [
  'CONFIG_INVALID', 'SCIM_IDENTIFIER_TAKEN', 'SCIM_CONFLICT', 'NOT_FOUND', 'ACCESS_DENIED', 'SCIM_THROTTLED',
  'SCIM_UNAVAILABLE', 'SCIM_PRECONDITION_FAILED', 'SCIM_INVALID_REQUEST', 'SCIM_MUTABILITY', 'SCIM_NOT_IMPLEMENTED', 'SCIM_INVALID_ID',
  'SCIM_BAD_RESPONSE', 'SCIM_ERROR', 'REF_UNRESOLVED', 'CORRELATION_AMBIGUOUS', 'ENTITLEMENT_UNKNOWN', 'NOT_SUPPORTED',
] as const;
/** One of {@link SCIM_ERROR_CODES}. */
export type ScimErrorCode = (typeof SCIM_ERROR_CODES)[number];

/** A coded SCIM failure; `status` and `scimType` as the server sent them. */
export class ScimTargetError extends Error {
  override readonly name = 'ScimTargetError';
  constructor(
    readonly code: ScimErrorCode,
    message: string,
    readonly transient = false,
    readonly status?: number,
    readonly scimType?: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** The coded error for a SCIM error response. */
export function errorFor(status: number, body: unknown, method: string, path: string, retryAfter?: number): ScimTargetError {
  const b = (body !== null && typeof body === 'object' ? body : {}) as { scimType?: unknown; detail?: unknown };
  const scimType = typeof b.scimType === 'string' ? b.scimType : undefined;
  const detail = typeof b.detail === 'string' ? b.detail.slice(0, 300) : '';
  const what = `${method} ${path}: ${status}${scimType ? ` ${scimType}` : ''}${detail ? ` (${detail})` : ''}`;
  if (status === 409 && scimType === 'uniqueness') return new ScimTargetError('SCIM_IDENTIFIER_TAKEN', what, false, status, scimType);
  if (status === 409) return new ScimTargetError('SCIM_CONFLICT', what, false, status, scimType);
  if (status === 401 || status === 403) return new ScimTargetError('ACCESS_DENIED', what, false, status, scimType);
  if (status === 404) return new ScimTargetError('NOT_FOUND', what, false, status, scimType);
  if (status === 412) return new ScimTargetError('SCIM_PRECONDITION_FAILED', what, false, status, scimType);
  if (status === 429) return new ScimTargetError('SCIM_THROTTLED', what, true, status, scimType, retryAfter);
  if (status === 501) return new ScimTargetError('SCIM_NOT_IMPLEMENTED', what, false, status, scimType);
  if (status >= 500) return new ScimTargetError('SCIM_UNAVAILABLE', what, true, status, scimType, retryAfter);
  if (status === 400 && scimType === 'mutability') return new ScimTargetError('SCIM_MUTABILITY', what, false, status, scimType);
  if (status === 400) return new ScimTargetError('SCIM_INVALID_REQUEST', what, false, status, scimType);
  return new ScimTargetError('SCIM_ERROR', what, false, status, scimType);
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date). */
export function parseRetryAfter(v: string | null, now = Date.now()): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.ceil((t - now) / 1000));
}

/** One SCIM response. */
export interface ScimResponse {
  readonly status: number;
  readonly body: unknown;
  readonly etag?: string;
}

/** Request options. */
export interface ScimRequest {
  readonly query?: Readonly<Record<string, string | number>>;
  readonly body?: unknown;
  readonly ifMatch?: string;
  /** Statuses that are answers, not errors (e.g. 404 on a delete). */
  readonly accept?: readonly number[];
}

/** The SCIM HTTP client. */
export interface ScimHttp {
  request(method: string, path: string, req?: ScimRequest): Promise<ScimResponse>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Create the client for validated options. */
export function createScimHttp(opts: ScimTargetOptions): ScimHttp {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const authorization = opts.auth.type === 'bearer'
    ? `Bearer ${opts.auth.token}`
    : `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`;

  const once = async (method: string, path: string, req: ScimRequest): Promise<ScimResponse> => {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { authorization, accept: 'application/scim+json, application/json' };
    if (req.body !== undefined) headers['content-type'] = 'application/scim+json';
    if (req.ifMatch !== undefined) headers['if-match'] = req.ifMatch;
    let res: Response;
    try {
      res = await fetch(url, {
        method, headers, signal: AbortSignal.timeout(opts.timeoutMs),
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
      });
    } catch (e) {
      const why = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
      throw new ScimTargetError('SCIM_UNAVAILABLE', `${method} ${path}: ${why}`, true);
    }
    const text = await res.text();
    let body: unknown;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        if (res.ok) throw new ScimTargetError('SCIM_BAD_RESPONSE', `${method} ${path}: ${res.status} with a body that is not JSON`);
      }
    }
    const etag = res.headers.get('etag') ?? undefined;
    if (res.ok || req.accept?.includes(res.status)) return { status: res.status, body, ...(etag ? { etag } : {}) };
    throw errorFor(res.status, body, method, path, parseRetryAfter(res.headers.get('retry-after')));
  };

  return {
    async request(method, path, req = {}) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await once(method, path, req);
        } catch (e) {
          if (!(e instanceof ScimTargetError) || !e.transient || attempt >= opts.maxRetries) throw e;
          const wait = e.retryAfter ?? Math.min(30, 0.2 * 2 ** attempt);
          if (wait > opts.maxRetryAfter) throw e;
          await sleep(wait * 1000);
        }
      }
    },
  };
}
