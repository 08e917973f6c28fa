/**
 * Turns zod issues into readable config problems: one problem per unknown key (with a
 * "did you mean" hint), the closest branch of a failed union instead of "Invalid input",
 * and "missing" instead of "expected string, received undefined". Never echoes input values.
 */
import type { z } from 'zod';
import type { ConfigPath } from './locate.js';

/** A problem before it is located in the YAML source. */
export interface RawProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

type Issue = z.core.$ZodIssue;

/** Flatten zod issues into problems. `input` is the parsed YAML (to tell "missing" from "wrong type"); `schema` gives key suggestions. */
export function issuesToProblems(issues: readonly Issue[], input: unknown, schema: z.ZodType): RawProblem[] {
  const out: RawProblem[] = [];
  for (const issue of issues) flatten(issue, [], input, schema, out);
  return out;
}

function flatten(issue: Issue, base: (string | number)[], input: unknown, schema: z.ZodType, out: RawProblem[]): void {
  const path = [...base, ...issue.path.map(seg)];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(schema, path);
      for (const key of issue.keys) {
        const hint = suggest(key, known);
        out.push({ path: [...path, key], message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : known.length ? ` (allowed: ${known.join(', ')})` : ''}` });
      }
      return;
    }
    case 'invalid_union': {
      if (issue.errors.length === 0) {
        const opts = 'options' in issue && issue.options ? issue.options.map((o) => JSON.stringify(o)).join(', ') : '';
        const msg = issue.discriminator && opts ? `must be one of ${opts}` : issue.message;
        out.push({ path, message: valueAt(input, path) === undefined && issue.discriminator ? `missing (${msg})` : msg });
        return;
      }
      const deep = issue.errors.filter((branch) => !branch.every(isShallow));
      if (deep.length >= 1) {
        // The value had the right shape for this branch and failed inside it: report that branch.
        for (const i of deep[0] ?? []) flatten(i, path, input, schema, out);
        return;
      }
      const expected = [...new Set(issue.errors.flatMap((b) => b.flatMap(expectedOf)))];
      const actual = valueAt(input, path);
      out.push({ path, message: actual === undefined ? `missing (expected ${expected.join(' or ')})` : `expected ${expected.join(' or ')}, got ${kindOf(actual)}` });
      return;
    }
    case 'invalid_key': {
      const why = issue.issues.map((i) => i.message).join('; ');
      out.push({ path, message: `invalid key "${String(path[path.length - 1])}": ${why}` });
      return;
    }
    case 'invalid_type': {
      const actual = valueAt(input, path);
      if (actual === undefined) out.push({ path, message: `missing (expected ${issue.expected})` });
      else out.push({ path, message: `expected ${issue.expected}, got ${kindOf(actual)}` });
      return;
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v)).join(', ');
      out.push({ path, message: issue.values.length === 1 ? `must be ${values}` : `must be one of ${values}` });
      return;
    }
    default:
      out.push({ path, message: issue.message });
  }
}

function seg(s: PropertyKey): string | number {
  return typeof s === 'number' ? s : String(s);
}

/** A branch failed at its root type check: the value was not meant for it. */
function isShallow(i: Issue): boolean {
  if (i.code === 'invalid_type' && i.path.length === 0) return true;
  if (i.code === 'invalid_union' && i.path.length === 0 && i.errors.length > 0) return i.errors.every((b) => b.every(isShallow));
  return false;
}

function expectedOf(i: Issue): string[] {
  if (i.code === 'invalid_type') return [i.expected === 'object' ? 'a mapping' : i.expected === 'array' ? 'a list' : i.expected];
  if (i.code === 'invalid_union') return i.errors.flatMap((b) => b.flatMap(expectedOf));
  return [];
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

function valueAt(input: unknown, path: ConfigPath): unknown {
  let cur = input;
  for (const s of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(s)];
  }
  return cur;
}

/** Closest known key by edit distance (case-insensitive), if close enough to be a typo. */
export function suggest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

interface DefLike {
  type?: string;
  shape?: Record<string, unknown>;
  valueType?: unknown;
  element?: unknown;
  innerType?: unknown;
  in?: unknown;
  options?: unknown[];
  getter?: () => unknown;
}

function defOf(schema: unknown): DefLike | undefined {
  if (schema === null || typeof schema !== 'object' || !('_zod' in schema)) return undefined;
  const zod = (schema as { _zod: { def?: unknown } })._zod;
  return zod.def !== null && typeof zod.def === 'object' ? (zod.def as DefLike) : undefined;
}

/** Schemas reachable at `path` (unions fan out), unwrapping defaults, optionals and lazies. */
function schemasAt(schema: unknown, path: ConfigPath): unknown[] {
  let current: unknown[] = [schema];
  for (const s of path) {
    const next: unknown[] = [];
    for (const c of current.flatMap(unwrap)) {
      const def = defOf(c);
      if (def?.type === 'object' && def.shape && typeof s === 'string' && s in def.shape) next.push(def.shape[s]);
      else if (def?.type === 'record') next.push(def.valueType);
      else if (def?.type === 'array' && typeof s === 'number') next.push(def.element);
    }
    current = next;
  }
  return current.flatMap(unwrap);
}

function unwrap(schema: unknown, depth = 0): unknown[] {
  const def = defOf(schema);
  if (!def || depth > 20) return [];
  if (def.type === 'default' || def.type === 'optional' || def.type === 'nullable' || def.type === 'readonly' || def.type === 'prefault' || def.type === 'catch' || def.type === 'nonoptional') {
    return unwrap(def.innerType, depth + 1);
  }
  if (def.type === 'lazy' && def.getter) return unwrap(def.getter(), depth + 1);
  if (def.type === 'pipe') return unwrap(def.in, depth + 1);
  if (def.type === 'union' && def.options) return def.options.flatMap((o) => unwrap(o, depth + 1));
  return [schema];
}

/** Keys an object at `path` accepts, for "did you mean" hints. */
export function knownKeys(schema: unknown, path: ConfigPath): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(schema, path)) {
    const def = defOf(s);
    if (def?.type === 'object' && def.shape) for (const k of Object.keys(def.shape)) keys.add(k);
  }
  return [...keys];
}
