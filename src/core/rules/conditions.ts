/**
 * `when:` conditions of entitlement and placement rules.
 *
 * Keys are person attribute paths (`department`, `custom.phone`, `lifecycle`, `costCenters`), values:
 * - a scalar: equality, case-insensitive for strings; against a list attribute, any element matches;
 * - `null`: the attribute is empty;
 * - a list: matches if it equals one of the values;
 * - an object `{ in, notIn, matches, exists, not }`: every given test must hold (`matches` is a
 *   case-insensitive regular expression);
 * - special keys: `any: [cond…]` (OR), `all: [cond…]` (AND), `expr: "<expression>"` (truthy).
 * All keys of one condition are ANDed; `{}` always holds.
 */
import type { Condition } from '../../config/schema.js';
import { asText, compileExpression, isEmpty, resolvePath, truthy } from './expressions.js';

/** Thrown for an invalid condition (bad regex, bad expression, bad shape). */
export class ConditionError extends Error {
  readonly code = 'CONDITION_INVALID';
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'ConditionError';
  }
}

/** Result of evaluating a condition: whether it held and, if so, a readable why. */
export interface ConditionResult {
  readonly matched: boolean;
  /** e.g. `department = "Sales" and office in [Berlin, Hamburg]`; `always` for an empty condition. */
  readonly because: string;
}

type Test = (ctx: Readonly<Record<string, unknown>>) => ConditionResult;

const cache = new WeakMap<object, Test>();

const norm = (v: unknown): string => asText(v).toLowerCase();

/** Values of an attribute as a flat list (list attributes match when any element matches). */
function valuesOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v.map((x) => (x !== null && typeof x === 'object' && 'name' in x ? (x as { name: unknown }).name : x));
  return [v];
}

function eq(actual: unknown, expected: unknown): boolean {
  if (expected === null) return valuesOf(actual).every(isEmpty) || (Array.isArray(actual) && actual.length === 0);
  if (typeof expected === 'boolean') return valuesOf(actual).some((a) => a === expected || norm(a) === String(expected));
  const e = norm(expected);
  return valuesOf(actual).some((a) => !isEmpty(a) && norm(a) === e);
}

const fmt = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(fmt).join(', ')}]` : String(v));

function compileLeaf(key: string, expected: unknown, path: string): Test {
  const segs = key.split('.');
  const get = (ctx: Readonly<Record<string, unknown>>): unknown => resolvePath(ctx, segs);
  if (expected === null || typeof expected === 'string' || typeof expected === 'number' || typeof expected === 'boolean') {
    return (ctx) => {
      const a = get(ctx);
      return eq(a, expected) ? { matched: true, because: expected === null ? `${key} is empty` : `${key} = ${fmt(expected)}` } : { matched: false, because: '' };
    };
  }
  if (Array.isArray(expected)) {
    return (ctx) => {
      const a = get(ctx);
      const hit = expected.find((e) => eq(a, e));
      return hit !== undefined ? { matched: true, because: `${key} = ${fmt(hit)} (one of ${fmt(expected)})` } : { matched: false, because: '' };
    };
  }
  if (typeof expected !== 'object') throw new ConditionError(path, `unsupported condition value for "${key}"`);
  const o = expected as { in?: unknown[]; notIn?: unknown[]; matches?: string; exists?: boolean; not?: unknown };
  const known = new Set(['in', 'notIn', 'matches', 'exists', 'not']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new ConditionError(`${path}.${k}`, `unknown operator "${k}" (use in, notIn, matches, exists, not)`);
  let re: RegExp | undefined;
  if (o.matches !== undefined) {
    try {
      re = new RegExp(o.matches, 'iu');
    } catch (e) {
      throw new ConditionError(`${path}.matches`, `invalid regular expression: ${(e as Error).message}`);
    }
  }
  return (ctx) => {
    const a = get(ctx);
    const parts: string[] = [];
    if (o.in !== undefined) {
      const hit = o.in.find((e) => eq(a, e));
      if (hit === undefined) return { matched: false, because: '' };
      parts.push(`${key} = ${fmt(hit)} (in ${fmt(o.in)})`);
    }
    if (o.notIn !== undefined) {
      if (o.notIn.some((e) => eq(a, e))) return { matched: false, because: '' };
      parts.push(`${key} not in ${fmt(o.notIn)}`);
    }
    if (re !== undefined) {
      const r = re;
      const hit = valuesOf(a).find((v) => !isEmpty(v) && r.test(asText(v)));
      if (hit === undefined) return { matched: false, because: '' };
      parts.push(`${key} ${fmt(hit)} matches /${o.matches}/`);
    }
    if (o.exists !== undefined) {
      const has = !valuesOf(a).every(isEmpty) && !(Array.isArray(a) && a.length === 0);
      if (has !== o.exists) return { matched: false, because: '' };
      parts.push(o.exists ? `${key} is set` : `${key} is empty`);
    }
    if (o.not !== undefined) {
      if (eq(a, o.not)) return { matched: false, because: '' };
      parts.push(`${key} ≠ ${fmt(o.not)}`);
    }
    return { matched: true, because: parts.join(' and ') };
  };
}

function compileList(list: unknown, path: string, mode: 'any' | 'all'): Test {
  if (!Array.isArray(list)) throw new ConditionError(path, `"${mode}" expects a list of conditions`);
  const tests = list.map((c, i) => compileCondition(c as Condition, `${path}[${i}]`));
  if (mode === 'any') {
    return (ctx) => {
      for (const t of tests) {
        const r = t(ctx);
        if (r.matched) return { matched: true, because: `any(${r.because})` };
      }
      return { matched: false, because: '' };
    };
  }
  return (ctx) => {
    const why: string[] = [];
    for (const t of tests) {
      const r = t(ctx);
      if (!r.matched) return { matched: false, because: '' };
      why.push(r.because);
    }
    return { matched: true, because: `all(${why.join('; ')})` };
  };
}

/**
 * Compile a condition once (cached per condition object). Throws {@link ConditionError} naming the
 * config path for invalid regexes, expressions and shapes.
 */
export function compileCondition(cond: Condition | undefined, path = 'when'): Test {
  if (cond === undefined || cond === null) return () => ({ matched: true, because: 'always' });
  if (typeof cond !== 'object' || Array.isArray(cond)) throw new ConditionError(path, 'a condition must be a mapping');
  const hit = cache.get(cond);
  if (hit) return hit;
  const tests: Test[] = [];
  for (const [key, value] of Object.entries(cond)) {
    if (value === undefined) continue;
    if (key === 'any' || key === 'all') tests.push(compileList(value, `${path}.${key}`, key));
    else if (key === 'expr') {
      if (typeof value !== 'string') throw new ConditionError(`${path}.expr`, 'expr must be a string expression');
      let ev: ReturnType<typeof compileExpression>;
      try {
        ev = compileExpression(value);
      } catch (e) {
        throw new ConditionError(`${path}.expr`, (e as Error).message);
      }
      tests.push((ctx) => (truthy(ev.evaluate(ctx)) ? { matched: true, because: `expr ${value}` } : { matched: false, because: '' }));
    } else tests.push(compileLeaf(key, value, `${path}.${key}`));
  }
  const all: Test = (ctx) => {
    const why: string[] = [];
    for (const t of tests) {
      const r = t(ctx);
      if (!r.matched) return { matched: false, because: '' };
      why.push(r.because);
    }
    return { matched: true, because: why.join(' and ') };
  };
  const test: Test = tests.length === 0 ? () => ({ matched: true, because: 'always' }) : all;
  cache.set(cond, test);
  return test;
}

/** Evaluate a condition against a context (see `personContext`). */
export function evaluateCondition(cond: Condition | undefined, ctx: Readonly<Record<string, unknown>>, path = 'when'): ConditionResult {
  return compileCondition(cond, path)(ctx);
}

/** Attribute paths a condition references (for validation). */
export function conditionPaths(cond: Condition | undefined): string[] {
  if (!cond || typeof cond !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(cond)) {
    if (k === 'any' || k === 'all') { if (Array.isArray(v)) for (const c of v) out.push(...conditionPaths(c as Condition)); } else if (k !== 'expr') out.push(k);
  }
  return out;
}
