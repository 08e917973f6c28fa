/**
 * Request signing for the REST webhook target. Receivers verify
 * `X-Cadre-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>\n<METHOD>\n<path?query>\n<body>")>` with
 * `X-Cadre-Timestamp` (Unix seconds) and reject stale timestamps, so a captured request cannot be replayed later.
 * Method and request target are signed too: every GET and DELETE has the same empty body, so a signature over the
 * body alone would let one captured `DELETE /users/a` (or any read) delete `/users/b` within the tolerance.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of the signature scheme. */
export const SIGNATURE_HEADER = 'x-cadre-signature';
export const TIMESTAMP_HEADER = 'x-cadre-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** What is signed of a request: its method, its request target (path and query as sent) and its raw body. */
export interface SignedRequest {
  readonly method: string;
  /** Path and query, as on the request line (`/users/42?x=1`). */
  readonly target: string;
  readonly body: string;
}

/** `sha256=<hex>` over `${timestamp}\n${METHOD}\n${target}\n${body}` (a request target holds no raw newline). */
export function signature(secret: string, timestamp: number, req: SignedRequest): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}\n${req.method.toUpperCase()}\n${req.target}\n${req.body}`).digest('hex')}`;
}

/** The request target of an absolute URL as `fetch` sends it (path and query). */
export function requestTarget(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/** The signing headers for a request sent at `now` (ms). */
export function signingHeaders(secret: string, req: SignedRequest, now: number = Date.now()): Record<string, string> {
  const ts = Math.floor(now / 1000);
  return { [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signature(secret, ts, req) };
}

/** Why a signature check failed, or `ok`. */
export type Verdict = 'ok' | 'missing' | 'stale' | 'mismatch';

/**
 * Receiver side: checks the headers against the method, request target and raw body in constant time; a timestamp more than
 * `toleranceSeconds` (default 300) away from `now` is `stale`.
 */
export function verifySignature(secret: string, req: SignedRequest, headers: { timestamp?: string; signature?: string }, now: number = Date.now(), toleranceSeconds = 300): Verdict {
  if (!headers.timestamp || !headers.signature || !/^\d+$/.test(headers.timestamp)) return 'missing';
  const ts = Number(headers.timestamp);
  if (Math.abs(now / 1000 - ts) > toleranceSeconds) return 'stale';
  const want = Buffer.from(signature(secret, ts, req));
  const got = Buffer.from(headers.signature);
  return want.length === got.length && timingSafeEqual(want, got) ? 'ok' : 'mismatch';
}

/**
 * The idempotency key of an operation: derived from the operation id alone, so every retry and every
 * replay after a crash (the same plan's operation) carries the same key and the receiver can de-duplicate.
 */
export function idempotencyKey(target: string, operationId: string): string {
  return createHash('sha256').update(`cadre:${target}:${operationId}`).digest('hex').slice(0, 32);
}
