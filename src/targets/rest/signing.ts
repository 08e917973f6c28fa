/**
 * Request signing for the REST webhook target. Receivers verify
 * `X-Cadre-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with `X-Cadre-Timestamp`
 * (Unix seconds) and reject stale timestamps, so a captured request cannot be replayed later.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of the signature scheme. */
export const SIGNATURE_HEADER = 'x-cadre-signature';
export const TIMESTAMP_HEADER = 'x-cadre-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** `sha256=<hex>` over `${timestamp}.${body}`. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The signing headers for a body sent at `now` (ms). */
export function signingHeaders(secret: string, body: string, now: number = Date.now()): Record<string, string> {
  const ts = Math.floor(now / 1000);
  return { [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signature(secret, ts, body) };
}

/** Why a signature check failed, or `ok`. */
export type Verdict = 'ok' | 'missing' | 'stale' | 'mismatch';

/**
 * Receiver side: checks the headers against the raw body in constant time; a timestamp more than
 * `toleranceSeconds` (default 300) away from `now` is `stale`.
 */
export function verifySignature(secret: string, body: string, headers: { timestamp?: string; signature?: string }, now: number = Date.now(), toleranceSeconds = 300): Verdict {
  if (!headers.timestamp || !headers.signature || !/^\d+$/.test(headers.timestamp)) return 'missing';
  const ts = Number(headers.timestamp);
  if (Math.abs(now / 1000 - ts) > toleranceSeconds) return 'stale';
  const want = Buffer.from(signature(secret, ts, body));
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
