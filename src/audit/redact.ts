/** Removes secrets from anything that goes into the audit log. */
import { redactSecrets } from '../config/secrets.js';

/** Keys whose values are never recorded. */
export const SECRET_KEY = /pass(word)?|secret|token|unicodepwd|passwordprofile|authorization|credential/i;

/** The replacement for a secret value. */
export const REDACTED = '[redacted]';

/**
 * Deep copy of `value` with the value of every key matching {@link SECRET_KEY} replaced by "[redacted]", and every
 * registered secret value (src/config/secrets.ts) cut out of any string.
 * Handles arrays, plain objects, Maps, Dates, Buffers and cycles; functions and symbols are dropped.
 */
export function redact(value: unknown): unknown {
  return walk(value, new Set());
}

function walk(value: unknown, ancestors: Set<object>): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    if (typeof value === 'bigint') return value.toString();
    // A known secret value under an innocent key (an error message quoting a URL or a request body).
    if (typeof value === 'string') return redactSecrets(value);
    return value;
  }
  if (value instanceof Date) return value.toISOString();
  // Binary (e.g. an LDAP unicodePwd buffer under an innocent key) is never useful in an audit entry.
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[binary ${value.byteLength} bytes]`;
  // Only a reference back to an ancestor is a cycle; the same object twice (before/after) is copied twice.
  if (ancestors.has(value)) return '[circular]';
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, ancestors) ?? null);
    const out: Record<string, unknown> = {};
    const entries: [string, unknown][] = value instanceof Map
      ? [...value.entries()].map(([k, v]) => [String(k), v])
      : Object.entries(value);
    for (const [key, v] of entries) {
      if (SECRET_KEY.test(key)) {
        out[key] = REDACTED;
        continue;
      }
      const w = walk(v, ancestors);
      if (w !== undefined) out[key] = w;
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}
