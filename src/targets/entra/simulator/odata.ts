/**
 * A small OData `$filter` parser for exactly the forms the simulator supports:
 * `prop eq|ne literal`, `startswith(prop,'x')`, `endswith(prop,'x')`, `prop/any(x:x eq 'v')`,
 * `not`, `and`, `or` and parentheses. Literals: 'string' (quotes doubled), null, true, false, numbers.
 */

/** Parsed literal. */
export type Literal = string | number | boolean | null;

/** Filter AST. */
export type FilterNode =
  | { kind: 'cmp'; op: 'eq' | 'ne'; prop: string; value: Literal }
  | { kind: 'fn'; fn: 'startswith' | 'endswith'; prop: string; value: string }
  | { kind: 'any'; prop: string; value: Literal }
  | { kind: 'not'; node: FilterNode }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode };

/** A syntax error in the filter text. */
export class FilterSyntaxError extends Error {}

type Tok = { t: 'id'; v: string } | { t: 'str'; v: string } | { t: 'num'; v: number } | { t: 'p'; v: '(' | ')' | ',' | ':' };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) { i += 1; continue; }
    if (c === '(' || c === ')' || c === ',' || c === ':') { out.push({ t: 'p', v: c }); i += 1; continue; }
    if (c === "'") {
      let v = '';
      i += 1;
      for (;;) {
        if (i >= src.length) throw new FilterSyntaxError('unterminated string literal');
        if (src[i] === "'") {
          if (src[i + 1] === "'") { v += "'"; i += 2; continue; }
          i += 1;
          break;
        }
        v += src[i];
        i += 1;
      }
      out.push({ t: 'str', v });
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num && (c === '-' || /\d/.test(c))) { out.push({ t: 'num', v: Number(num[0]) }); i += num[0].length; continue; }
    const id = /^[A-Za-z_$][A-Za-z0-9_./$@]*/.exec(src.slice(i));
    if (!id) throw new FilterSyntaxError(`unexpected character '${c}' at position ${i}`);
    out.push({ t: 'id', v: id[0] });
    i += id[0].length;
  }
  return out;
}

/** Parse a `$filter` expression. Throws {@link FilterSyntaxError}. */
export function parseFilter(src: string): FilterNode {
  const toks = tokenize(src);
  let pos = 0;
  const peek = (): Tok | undefined => toks[pos];
  const isWord = (w: string): boolean => { const t = peek(); return t?.t === 'id' && t.v.toLowerCase() === w; };
  const expectP = (v: string): void => {
    const t = toks[pos];
    if (!t || t.t !== 'p' || t.v !== v) throw new FilterSyntaxError(`expected '${v}'`);
    pos += 1;
  };
  const ident = (): string => {
    const t = toks[pos];
    if (!t || t.t !== 'id') throw new FilterSyntaxError('expected a property name');
    pos += 1;
    return t.v;
  };
  const literal = (): Literal => {
    const t = toks[pos];
    if (!t) throw new FilterSyntaxError('expected a literal');
    pos += 1;
    if (t.t === 'str' || t.t === 'num') return t.v;
    if (t.t === 'id') {
      const w = t.v.toLowerCase();
      if (w === 'null') return null;
      if (w === 'true') return true;
      if (w === 'false') return false;
    }
    throw new FilterSyntaxError('expected a literal');
  };

  const primary = (): FilterNode => {
    const t = peek();
    if (!t) throw new FilterSyntaxError('unexpected end of filter');
    if (t.t === 'p' && t.v === '(') {
      pos += 1;
      const n = orExpr();
      expectP(')');
      return n;
    }
    if (isWord('not')) { pos += 1; return { kind: 'not', node: primary() }; }
    const name = ident();
    const lower = name.toLowerCase();
    if ((lower === 'startswith' || lower === 'endswith') && peek()?.t === 'p') {
      expectP('(');
      const prop = ident();
      expectP(',');
      const v = literal();
      if (typeof v !== 'string') throw new FilterSyntaxError(`${lower} expects a string literal`);
      expectP(')');
      return { kind: 'fn', fn: lower, prop, value: v };
    }
    const anyMatch = /^(.+)\/any$/i.exec(name);
    if (anyMatch) {
      expectP('(');
      const v1 = ident();
      expectP(':');
      const v2 = ident();
      if (v1 !== v2) throw new FilterSyntaxError(`lambda variable '${v2}' is not defined`);
      const op = ident().toLowerCase();
      if (op !== 'eq') throw new FilterSyntaxError('only eq is supported inside any()');
      const value = literal();
      expectP(')');
      return { kind: 'any', prop: anyMatch[1] as string, value };
    }
    const opTok = ident().toLowerCase();
    if (opTok !== 'eq' && opTok !== 'ne') throw new FilterSyntaxError(`unsupported operator '${opTok}'`);
    return { kind: 'cmp', op: opTok, prop: name, value: literal() };
  };
  const andExpr = (): FilterNode => {
    let left = primary();
    while (isWord('and')) { pos += 1; left = { kind: 'and', left, right: primary() }; }
    return left;
  };
  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (isWord('or')) { pos += 1; left = { kind: 'or', left, right: andExpr() }; }
    return left;
  };
  const node = orExpr();
  if (pos !== toks.length) throw new FilterSyntaxError('unexpected text after the end of the expression');
  return node;
}

/** Every property a filter refers to, with the kind of clause (for capability checks). */
export function filterClauses(node: FilterNode): { prop: string; clause: 'eq' | 'ne' | 'startswith' | 'endswith' | 'any' | 'not' | 'eqnull' }[] {
  switch (node.kind) {
    case 'cmp': return [{ prop: node.prop, clause: node.value === null ? 'eqnull' : node.op }];
    case 'fn': return [{ prop: node.prop, clause: node.fn }];
    case 'any': return [{ prop: node.prop, clause: 'any' }];
    case 'not': return [...filterClauses(node.node).map((c) => ({ ...c })), { prop: '', clause: 'not' }];
    default: return [...filterClauses(node.left), ...filterClauses(node.right)];
  }
}

const norm = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

/** Evaluate against an object; `get` resolves a property path. Strings compare case-insensitively like Entra. */
export function evaluate(node: FilterNode, get: (prop: string) => unknown): boolean {
  switch (node.kind) {
    case 'cmp': {
      const v = get(node.prop);
      const eq = node.value === null ? (v === null || v === undefined) : norm(v) === norm(node.value);
      return node.op === 'eq' ? eq : !eq;
    }
    case 'fn': {
      const v = get(node.prop);
      if (typeof v !== 'string') return false;
      return node.fn === 'startswith' ? v.toLowerCase().startsWith(node.value.toLowerCase()) : v.toLowerCase().endsWith(node.value.toLowerCase());
    }
    case 'any': {
      const v = get(node.prop);
      return Array.isArray(v) && v.some((x) => norm(x) === norm(node.value));
    }
    case 'not': return !evaluate(node.node, get);
    case 'and': return evaluate(node.left, get) && evaluate(node.right, get);
    case 'or': return evaluate(node.left, get) || evaluate(node.right, get);
  }
}
