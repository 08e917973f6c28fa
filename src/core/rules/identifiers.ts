/**
 * Identifier generation and reservation (usernames, mail addresses, UPNs).
 *
 * Patterns are tried in order; placeholders: `{first}` `{last}` `{preferred}` (preferred name, else
 * first) `{f}` `{l}` (first letters) `{first:N}` `{last:N}` `{preferred:N}` (first N letters), `{n}`
 * (2..maxNumber, one candidate per number) and `{<kind>}` for another identifier kind (resolved first).
 * Name parts are transliterated (German rules first) and reduced to `[a-z0-9._-]`; the local part
 * (before `@`) is truncated so the whole value fits the effective limit. Allocation is in `allocation.ts`.
 */
import type { CadreConfig, IdentifierConfig } from '../../config/schema.js';
import type { Person } from '../model.js';
import { toIdentifierAscii } from './transliterate.js';

/** A configuration error in identifier patterns (unknown placeholder, cycle). */
export class IdentifierConfigError extends Error {
  readonly code = 'IDENTIFIER_CONFIG';
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'IdentifierConfigError';
  }
}

type Piece =
  | { readonly t: 'lit'; readonly v: string }
  | { readonly t: 'name'; readonly part: 'first' | 'last' | 'preferred'; readonly len?: number }
  | { readonly t: 'n' }
  | { readonly t: 'kind'; readonly kind: string };

interface ParsedPattern { readonly source: string; readonly pieces: readonly Piece[]; readonly hasN: boolean; readonly kinds: readonly string[] }

const NAME_PARTS = new Set(['first', 'last', 'preferred']);
const patternCache = new Map<string, ParsedPattern>();

/** Parse a pattern; `kinds` are the identifier kinds configured (to recognise `{username}`). */
export function parsePattern(src: string, kinds: ReadonlySet<string>, path = 'pattern'): ParsedPattern {
  const key = `${[...kinds].sort().join(',')}|${src}`;
  const hit = patternCache.get(key);
  if (hit) return hit;
  const pieces: Piece[] = [];
  const refKinds: string[] = [];
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  let hasN = false;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    if (m.index > last) pieces.push({ t: 'lit', v: src.slice(last, m.index) });
    last = m.index + m[0].length;
    const body = (m[1] ?? '').trim();
    const mm = /^([a-zA-Z_][\w-]*)(?::(\d+))?$/.exec(body);
    if (!mm) throw new IdentifierConfigError(path, `invalid placeholder "{${body}}" in "${src}"`);
    const name = mm[1] as string;
    const len = mm[2] !== undefined ? Number(mm[2]) : undefined;
    if (len !== undefined && (len < 1 || !NAME_PARTS.has(name))) throw new IdentifierConfigError(path, `"{${body}}": a length is only allowed on first, last, preferred and must be ≥ 1`);
    if (name === 'f') pieces.push({ t: 'name', part: 'first', len: 1 });
    else if (name === 'l') pieces.push({ t: 'name', part: 'last', len: 1 });
    else if (NAME_PARTS.has(name)) pieces.push(len !== undefined ? { t: 'name', part: name as 'first', len } : { t: 'name', part: name as 'first' });
    else if (name === 'n') {
      if (hasN) throw new IdentifierConfigError(path, `"{n}" may appear only once in "${src}"`);
      hasN = true;
      pieces.push({ t: 'n' });
    } else if (kinds.has(name)) {
      pieces.push({ t: 'kind', kind: name });
      refKinds.push(name);
    } else {
      throw new IdentifierConfigError(path, `unknown placeholder "{${name}}" in "${src}" (use first, last, preferred, f, l, first:N, last:N, n or an identifier kind: ${[...kinds].join(', ')})`);
    }
  }
  if (last < src.length) pieces.push({ t: 'lit', v: src.slice(last) });
  const parsed: ParsedPattern = { source: src, pieces, hasN, kinds: refKinds };
  patternCache.set(key, parsed);
  return parsed;
}

/**
 * Order identifier kinds so that kinds referenced by others come first. Throws
 * {@link IdentifierConfigError} on a cycle or an invalid pattern.
 */
export function identifierOrder(identifiers: Readonly<Record<string, IdentifierConfig>>): string[] {
  const kinds = new Set(Object.keys(identifiers));
  const deps = new Map<string, Set<string>>();
  for (const k of [...kinds].sort()) {
    const set = new Set<string>();
    (identifiers[k] as IdentifierConfig).patterns.forEach((p, i) => {
      for (const d of parsePattern(p, kinds, `identifiers.${k}.patterns[${i}]`).kinds) set.add(d);
    });
    deps.set(k, set);
  }
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (k: string, trail: string[]): void => {
    const s = state.get(k);
    if (s === 'done') return;
    if (s === 'visiting') throw new IdentifierConfigError(`identifiers.${k}`, `identifier kinds reference each other in a cycle: ${[...trail, k].join(' → ')}`);
    state.set(k, 'visiting');
    for (const d of [...(deps.get(k) ?? [])].sort()) visit(d, [...trail, k]);
    state.set(k, 'done');
    out.push(k);
  };
  for (const k of [...kinds].sort()) visit(k, []);
  return out;
}

/** Collapse repeated separators and strip them from both ends. */
function tidy(s: string): string {
  return s.replace(/([._-])[._-]+/g, '$1').replace(/^[._-]+|[._-]+$/g, '');
}

function stripEnds(s: string): string {
  return s.replace(/^[._-]+|[._-]+$/g, '');
}

interface NameParts { readonly first: string; readonly last: string; readonly preferred: string }

function nameParts(person: Person): NameParts {
  const first = toIdentifierAscii(person.firstName);
  const pref = person.preferredName ? toIdentifierAscii(person.preferredName) : '';
  return { first, last: toIdentifierAscii(person.lastName), preferred: pref !== '' ? pref : first };
}

/** Letters of a name part, ignoring separators for `{f}` / `{first:N}` ("Jean-Luc" → {f} = "j", {first:3} = "jea"). */
function take(part: string, len: number | undefined): string {
  if (len === undefined) return part;
  return part.replace(/[._-]/g, '').slice(0, len);
}

/** Render one pattern for one number (or none); undefined when not applicable (empty name part, missing kind). */
function renderPattern(p: ParsedPattern, names: NameParts, resolved: Readonly<Record<string, string>>, n: number | undefined, limit: number): string | undefined {
  // The value is split into: prefix (before {n}), the number, and suffix (after {n}).
  let pre = '';
  let post = '';
  let seenN = false;
  for (const piece of p.pieces) {
    let text: string;
    if (piece.t === 'lit') text = piece.v.toLowerCase();
    else if (piece.t === 'name') {
      text = take(names[piece.part], piece.len);
      if (text === '' || !/[a-z0-9]/.test(text)) return undefined;
    } else if (piece.t === 'kind') {
      const v = resolved[piece.kind];
      if (v === undefined || v === '') return undefined;
      text = v.toLowerCase();
    } else { seenN = true; continue; }
    if (seenN) post += text; else pre += text;
  }
  const num = n === undefined ? '' : String(n);
  // Only the local part (before the last '@') is truncated; the domain is kept whole.
  let domain = '';
  let localPre = pre;
  let localPost = post;
  if (!p.hasN) {
    const at = pre.lastIndexOf('@');
    if (at >= 0) { domain = pre.slice(at); localPre = pre.slice(0, at); }
  } else {
    if (pre.includes('@')) return undefined; // a number inside the domain makes no sense
    const at = post.lastIndexOf('@');
    if (at >= 0) { domain = post.slice(at); localPost = post.slice(0, at); }
  }
  const budget = limit - domain.length - num.length;
  if (budget < 1) return undefined;
  if (localPre.length + localPost.length > budget) {
    const keepPre = Math.max(1, budget - localPost.length);
    localPre = stripEnds(localPre.slice(0, keepPre));
    const left = budget - localPre.length;
    if (localPost.length > left) localPost = stripEnds(localPost.slice(0, Math.max(0, left)));
  }
  const local = tidy(localPre + num + localPost);
  if (local === '' || !/[a-z0-9]/.test(local)) return undefined;
  const value = local + domain;
  return value.length <= limit ? value : undefined;
}

/** Effective maximum length: the smaller of the configured `maxLength` and the target limit. */
export function effectiveLimit(cfg: IdentifierConfig, limit: number | undefined): number {
  return limit === undefined || !Number.isFinite(limit) ? cfg.maxLength : Math.min(cfg.maxLength, limit);
}

/**
 * Candidate values for one identifier kind of one person, in preference order, deduplicated
 * (case-insensitive). `resolved` holds the person's values of kinds this kind references.
 */
export function* candidates(person: Person, kind: string, config: CadreConfig, resolved: Readonly<Record<string, string>>, limit: number): Generator<string> {
  const cfg = config.identifiers[kind];
  if (!cfg) return;
  const kinds = new Set(Object.keys(config.identifiers));
  const max = effectiveLimit(cfg, limit);
  const names = nameParts(person);
  const seen = new Set<string>();
  for (const [i, src] of cfg.patterns.entries()) {
    const p = parsePattern(src, kinds, `identifiers.${kind}.patterns[${i}]`);
    if (!p.hasN) {
      const v = renderPattern(p, names, resolved, undefined, max);
      if (v !== undefined && !seen.has(v)) { seen.add(v); yield v; }
      continue;
    }
    for (let n = 2; n <= cfg.maxNumber; n++) {
      const v = renderPattern(p, names, resolved, n, max);
      if (v !== undefined && !seen.has(v)) { seen.add(v); yield v; }
    }
  }
}

/** Whether `value` is one of this person's candidates for their current name (detects name changes). */
export function matchesPerson(value: string, person: Person, kind: string, config: CadreConfig, resolved: Readonly<Record<string, string>>, limit: number): boolean {
  const want = value.toLowerCase();
  for (const c of candidates(person, kind, config, resolved, limit)) if (c === want) return true;
  return false;
}

/** Deterministic person-id order: numeric ids numerically, then lexicographic. */
export function comparePersonIds(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
