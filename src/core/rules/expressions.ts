/**
 * A small, safe template and expression language for cadre.yaml (attributes, write-back, conditions).
 *
 * Templates are literal text with `{{ expr }}` blocks. A template that is exactly one block yields the
 * expression's raw value (string, number, boolean, array or null); otherwise the result is a string.
 *
 * Expressions: paths (`firstName`, `custom.phone`, `id.username`), string and number literals,
 * `true` / `false` / `null`, `??` (coalesces null, undefined and ''), `==`, `!=`, `&&`, `||`, `!`,
 * `a ? b : c`, parentheses, `+` (string concatenation; numeric addition when both sides are numbers)
 * and calls of whitelisted functions only. There is no `eval`/`Function`: a hand-written tokenizer
 * and recursive-descent parser compile the source into closures, once.
 */
import { accountExpiresFiletime } from './filetime.js';
import type { AttrValue } from '../model.js';
import { toIdentifierAscii, transliterate } from './transliterate.js';

/** A syntax error, unknown function or wrong arity, with the 0-based offset in the source. */
export class ExpressionError extends Error {
  readonly code = 'EXPRESSION_INVALID';
  constructor(readonly reason: string, readonly source: string, readonly position: number) {
    super(`${reason} at column ${position + 1} in "${source}"`);
    this.name = 'ExpressionError';
  }
}

/** Evaluation context: a plain object (person fields, `custom`, `id`, …). */
export type Context = Readonly<Record<string, unknown>>;

/** A compiled expression. */
export interface CompiledExpression {
  readonly source: string;
  /** Root-relative paths the expression reads (`custom.phone`), for validation. */
  readonly paths: readonly string[];
  evaluate(ctx: Context): unknown;
}

/** A compiled template. */
export interface CompiledTemplate {
  readonly source: string;
  /** True when the template is exactly one `{{ expr }}` block (raw value, not a string). */
  readonly isExpression: boolean;
  readonly paths: readonly string[];
  render(ctx: Context): AttrValue;
}

type Evaluator = (ctx: Context) => unknown;

// ---------------------------------------------------------------- tokenizer

type TokenType = 'str' | 'num' | 'path' | 'op' | 'eof';
interface Token { readonly type: TokenType; readonly value: string; readonly pos: number; readonly segs?: readonly string[] }

const OPERATORS = ['??', '==', '!=', '&&', '||', '!', '?', ':', '(', ')', ',', '+'] as const;
const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$]/;

function tokenize(src: string, base: number, whole: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const err = (msg: string, at: number): never => { throw new ExpressionError(msg, whole, base + at); };
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === "'" || ch === '"') {
      const start = i;
      let out = '';
      i++;
      for (;;) {
        if (i >= src.length) err('unterminated string', start);
        const c = src[i] as string;
        if (c === ch) { i++; break; }
        if (c === '\\') {
          const n = src[i + 1];
          if (n === undefined) err('unterminated string', start);
          out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          i += 2;
          continue;
        }
        out += c;
        i++;
      }
      tokens.push({ type: 'str', value: out, pos: base + start });
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
      const text = m?.[0] ?? ch;
      tokens.push({ type: 'num', value: text, pos: base + i });
      i += text.length;
      continue;
    }
    if (IDENT_START.test(ch)) {
      const start = i;
      const segs: string[] = [];
      let seg = '';
      while (i < src.length && IDENT_PART.test(src[i] as string)) seg += src[i++];
      segs.push(seg);
      // `a.b.0`: dotted segments (digits allowed after the first) form one path token.
      while (src[i] === '.' && i + 1 < src.length && IDENT_PART.test(src[i + 1] as string)) {
        i++;
        seg = '';
        while (i < src.length && IDENT_PART.test(src[i] as string)) seg += src[i++];
        segs.push(seg);
      }
      if (src[i] === '.') err('expected a name after "."', i);
      tokens.push({ type: 'path', value: segs.join('.'), pos: base + start, segs });
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) err(`unexpected character "${ch}"`, i);
    tokens.push({ type: 'op', value: op as string, pos: base + i });
    i += (op as string).length;
  }
  tokens.push({ type: 'eof', value: '', pos: base + src.length });
  return tokens;
}

// ---------------------------------------------------------------- values

/** Null, undefined and the empty string count as "no value" (for `??`, coalesce, default). */
export function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '';
}

/** Truthiness: empty values, false, 0 and empty arrays are false. */
export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return !isEmpty(v) && v !== false && v !== 0;
}

/** Text form of a value inside a string template. */
export function asText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(asText).filter((s) => s !== '').join(',');
  if (typeof v === 'object') return '';
  return String(v);
}

function str(v: unknown): string | null {
  return isEmpty(v) ? null : asText(v);
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (isEmpty(a) || isEmpty(b)) return isEmpty(a) && isEmpty(b);
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  return asText(a) === asText(b);
}

/** Resolve a dotted path in a plain object; own properties only (no prototype access). Unknown → undefined. */
export function resolvePath(ctx: unknown, segs: readonly string[]): unknown {
  let cur: unknown = ctx;
  for (const s of segs) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, s)) return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

// ---------------------------------------------------------------- functions

interface FnDef { readonly min: number; readonly max: number; readonly fn: (...args: unknown[]) => unknown }

const mapStr = (f: (s: string) => string) => (v: unknown): unknown => {
  const s = str(v);
  return s === null ? null : f(s);
};
const toInt = (v: unknown): number => {
  const n = typeof v === 'number' ? v : Number(asText(v));
  return Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0;
};
const toList = (v: unknown): unknown[] => (Array.isArray(v) ? v : isEmpty(v) ? [] : [v]);

/** Whitelisted template functions. */
export const FUNCTIONS: Readonly<Record<string, FnDef>> = {
  lower: { min: 1, max: 1, fn: mapStr((s) => s.toLowerCase()) },
  upper: { min: 1, max: 1, fn: mapStr((s) => s.toUpperCase()) },
  trim: { min: 1, max: 1, fn: mapStr((s) => s.trim()) },
  ascii: { min: 1, max: 1, fn: mapStr(transliterate) },
  ident: { min: 1, max: 1, fn: mapStr(toIdentifierAscii) },
  left: { min: 2, max: 2, fn: (s, n) => { const v = str(s); return v === null ? null : [...v].slice(0, toInt(n)).join(''); } },
  right: { min: 2, max: 2, fn: (s, n) => { const v = str(s); const k = toInt(n); return v === null ? null : k === 0 ? '' : [...v].slice(-k).join(''); } },
  replace: { min: 3, max: 3, fn: (s, a, b) => { const v = str(s); const f = asText(a); return v === null ? null : f === '' ? v : v.split(f).join(asText(b)); } },
  join: { min: 1, max: 2, fn: (arr, sep) => toList(arr).map(asText).filter((x) => x !== '').join(sep === undefined ? ',' : asText(sep)) },
  split: { min: 2, max: 2, fn: (s, sep) => { const v = str(s); return v === null ? [] : v.split(asText(sep)).map((x) => x.trim()).filter((x) => x !== ''); } },
  first: { min: 1, max: 1, fn: (arr) => (Array.isArray(arr) ? (arr[0] ?? null) : isEmpty(arr) ? null : arr) },
  last: { min: 1, max: 1, fn: (arr) => (Array.isArray(arr) ? (arr[arr.length - 1] ?? null) : isEmpty(arr) ? null : arr) },
  initials: { min: 1, max: 1, fn: mapStr((s) => s.split(/[\s-]+/u).filter((w) => w !== '').map((w) => [...w][0]?.toUpperCase() ?? '').join('')) },
  date: {
    min: 1, max: 1, fn: (s) => {
      const v = str(s);
      const m = v === null ? null : /^(\d{4}-\d{2}-\d{2})/.exec(v);
      return m ? m[1] : null;
    },
  },
  coalesce: { min: 1, max: Infinity, fn: (...args) => args.find((a) => !isEmpty(a)) ?? null },
  concat: { min: 0, max: Infinity, fn: (...args) => args.map(asText).join('') },
  default: { min: 2, max: 2, fn: (x, d) => (isEmpty(x) ? d : x) },
  contains: {
    min: 2, max: 2, fn: (h, n) => {
      if (Array.isArray(h)) return h.some((x) => looseEquals(x, n));
      const s = str(h);
      return s !== null && s.toLowerCase().includes(asText(n).toLowerCase());
    },
  },
  /** Reference to another person's account in the same target, resolved by the planner/executor. */
  ref: { min: 1, max: 1, fn: (id) => { const v = str(id); return v === null ? null : `ref:${v}`; } },
  /** AD `accountExpires` for the end of a date in a time zone, e.g. `filetime(endDate, 'Europe/Berlin')`; no date → `0` (never). */
  filetime: {
    min: 1, max: 2, fn: (d, zone) => {
      // Rendering never throws: a bad date or zone renders as null (attribute left unset), like an unknown path.
      try { return accountExpiresFiletime(str(d), zone === undefined ? 'UTC' : asText(zone)); } catch { return null; }
    },
  },
};

// ---------------------------------------------------------------- parser

class Parser {
  private i = 0;
  readonly paths = new Set<string>();
  constructor(private readonly tokens: Token[], private readonly whole: string) {}

  private peek(): Token { return this.tokens[this.i] as Token; }
  private next(): Token { return this.tokens[this.i++] as Token; }
  private isOp(v: string): boolean { const t = this.peek(); return t.type === 'op' && t.value === v; }
  private expect(v: string): void {
    const t = this.next();
    if (t.type !== 'op' || t.value !== v) this.fail(`expected "${v}" but found ${describe(t)}`, t);
  }
  fail(msg: string, t: Token): never { throw new ExpressionError(msg, this.whole, t.pos); }

  parseAll(): Evaluator {
    const e = this.ternary();
    const t = this.peek();
    if (t.type !== 'eof') this.fail(`unexpected ${describe(t)}`, t);
    return e;
  }

  private ternary(): Evaluator {
    const c = this.coalesce();
    if (!this.isOp('?')) return c;
    this.next();
    const a = this.ternary();
    this.expect(':');
    const b = this.ternary();
    return (ctx) => (truthy(c(ctx)) ? a(ctx) : b(ctx));
  }

  private coalesce(): Evaluator {
    let l = this.or();
    while (this.isOp('??')) {
      this.next();
      const left = l;
      const r = this.or();
      l = (ctx) => { const v = left(ctx); return isEmpty(v) ? r(ctx) : v; };
    }
    return l;
  }

  private or(): Evaluator {
    let l = this.and();
    while (this.isOp('||')) {
      this.next();
      const left = l;
      const r = this.and();
      l = (ctx) => truthy(left(ctx)) || truthy(r(ctx));
    }
    return l;
  }

  private and(): Evaluator {
    let l = this.equality();
    while (this.isOp('&&')) {
      this.next();
      const left = l;
      const r = this.equality();
      l = (ctx) => truthy(left(ctx)) && truthy(r(ctx));
    }
    return l;
  }

  private equality(): Evaluator {
    let l = this.additive();
    while (this.isOp('==') || this.isOp('!=')) {
      const neg = this.next().value === '!=';
      const left = l;
      const r = this.additive();
      l = (ctx) => looseEquals(left(ctx), r(ctx)) !== neg;
    }
    return l;
  }

  private additive(): Evaluator {
    let l = this.unary();
    while (this.isOp('+')) {
      this.next();
      const left = l;
      const r = this.unary();
      l = (ctx) => {
        const a = left(ctx);
        const b = r(ctx);
        return typeof a === 'number' && typeof b === 'number' ? a + b : asText(a) + asText(b);
      };
    }
    return l;
  }

  private unary(): Evaluator {
    if (this.isOp('!')) {
      this.next();
      const e = this.unary();
      return (ctx) => !truthy(e(ctx));
    }
    return this.primary();
  }

  private primary(): Evaluator {
    const t = this.next();
    if (t.type === 'str') { const v = t.value; return () => v; }
    if (t.type === 'num') { const v = Number(t.value); return () => v; }
    if (t.type === 'op' && t.value === '(') {
      const e = this.ternary();
      this.expect(')');
      return e;
    }
    if (t.type === 'path') {
      const segs = t.segs ?? [t.value];
      if (segs.length === 1) {
        if (t.value === 'true') return () => true;
        if (t.value === 'false') return () => false;
        if (t.value === 'null') return () => null;
      }
      if (this.isOp('(')) return this.call(t);
      this.paths.add(t.value);
      return (ctx) => resolvePath(ctx, segs);
    }
    return this.fail(`unexpected ${describe(t)}`, t);
  }

  private call(name: Token): Evaluator {
    const def = Object.prototype.hasOwnProperty.call(FUNCTIONS, name.value) ? FUNCTIONS[name.value] : undefined;
    if (!def) this.fail(`unknown function "${name.value}" (known: ${Object.keys(FUNCTIONS).join(', ')})`, name);
    this.expect('(');
    const args: Evaluator[] = [];
    if (!this.isOp(')')) {
      for (;;) {
        args.push(this.ternary());
        if (this.isOp(',')) { this.next(); continue; }
        break;
      }
    }
    this.expect(')');
    const d = def as FnDef;
    if (args.length < d.min || args.length > d.max) {
      const want = d.max === Infinity ? `at least ${d.min}` : d.min === d.max ? `${d.min}` : `${d.min} to ${d.max}`;
      this.fail(`function "${name.value}" takes ${want} argument(s), got ${args.length}`, name);
    }
    return (ctx) => d.fn(...args.map((a) => a(ctx)));
  }
}

function describe(t: Token): string {
  if (t.type === 'eof') return 'end of expression';
  if (t.type === 'str') return `string '${t.value}'`;
  return `"${t.value}"`;
}

function parseExpression(src: string, base: number, whole: string): { evaluate: Evaluator; paths: string[] } {
  const tokens = tokenize(src, base, whole);
  if (tokens.length === 1) throw new ExpressionError('empty expression', whole, base);
  const p = new Parser(tokens, whole);
  const evaluate = p.parseAll();
  return { evaluate, paths: [...p.paths] };
}

// ---------------------------------------------------------------- public API

const exprCache = new Map<string, CompiledExpression>();
const templateCache = new Map<string, CompiledTemplate>();

/** Compile a bare expression (no `{{ }}`), e.g. a condition's `expr` or placement `by`. Cached. */
export function compileExpression(src: string): CompiledExpression {
  const hit = exprCache.get(src);
  if (hit) return hit;
  const { evaluate, paths } = parseExpression(src, 0, src);
  const compiled: CompiledExpression = { source: src, paths, evaluate };
  exprCache.set(src, compiled);
  return compiled;
}

/** Convert an evaluated value into an attribute value. */
export function toAttrValue(v: unknown): AttrValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return v.map(asText).filter((s) => s !== '');
  return null;
}

/** Index of the `}}` closing the block that starts at `from`, skipping quoted strings; -1 if none. */
export function findClose(src: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '}' && src[i + 1] === '}') return i;
  }
  return -1;
}

/**
 * Compile a template once (cached by source). Throws {@link ExpressionError} with the position of the
 * problem for syntax errors, unknown functions and wrong arity.
 */
export function compileTemplate(src: string): CompiledTemplate {
  const hit = templateCache.get(src);
  if (hit) return hit;
  const parts: (string | Evaluator)[] = [];
  const paths = new Set<string>();
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open === -1) { parts.push(src.slice(i)); break; }
    if (open > i) parts.push(src.slice(i, open));
    const close = findClose(src, open + 2);
    if (close === -1) throw new ExpressionError('unclosed "{{"', src, open);
    const { evaluate, paths: p } = parseExpression(src.slice(open + 2, close), open + 2, src);
    p.forEach((x) => paths.add(x));
    parts.push(evaluate);
    i = close + 2;
  }
  const only = parts.length === 1 && typeof parts[0] === 'function' ? (parts[0] as Evaluator) : null;
  const compiled: CompiledTemplate = only
    ? { source: src, isExpression: true, paths: [...paths], render: (ctx) => toAttrValue(only(ctx)) }
    : {
      source: src,
      isExpression: false,
      paths: [...paths],
      render: (ctx) => {
        let out = '';
        for (const p of parts) out += typeof p === 'string' ? p : asText(p(ctx));
        return out;
      },
    };
  templateCache.set(src, compiled);
  return compiled;
}

/** Convenience: compile (cached) and render. */
export function renderTemplate(src: string, ctx: Context): AttrValue {
  return compileTemplate(src).render(ctx);
}
