/**
 * Canonical hashing for operation ids and the plan basis. `node:crypto` hashing is pure computation.
 */
import { createHash, type Hash } from 'node:crypto';

/** JSON with object keys sorted, `undefined` members dropped: equal data gives equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return value === undefined ? 'null' : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** SHA-256 hex of a string. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Incremental hasher over canonical JSON items. */
export function canonicalHasher(): { add(v: unknown): void; digest(): string } {
  const h: Hash = createHash('sha256');
  return {
    add(v) { h.update(canonicalJson(v)); h.update('\n'); },
    digest: () => h.digest('hex'),
  };
}
