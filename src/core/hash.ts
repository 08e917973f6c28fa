/**
 * Canonical hashing for operation ids and the plan basis. `node:crypto` hashing is pure computation.
 */
import { createHash, type Hash } from 'node:crypto';

/** JSON with object keys sorted, `undefined` members dropped: equal data gives equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/** SHA-256 hex of a string. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Incremental hasher over canonical JSON items. */
export function canonicalHasher(): { add(v: unknown): void; raw(text: string): void; digest(): string } {
  const h: Hash = createHash('sha256');
  return {
    add(v) { h.update(canonicalJson(v)); h.update('\n'); },
    raw(text) { h.update(text); h.update('\n'); },
    digest: () => h.digest('hex'),
  };
}
