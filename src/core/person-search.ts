/**
 * Person search for the console: by name, id, user name or mail, over an index built once per snapshot. Pure.
 * Each query token must appear in the person's text (names, id, e-mail, reserved identifiers), case- and
 * accent-insensitively; an exact id or identifier match ranks first.
 */
import type { Person, Reservation } from './model.js';

/** One indexed person. */
export interface SearchEntry {
  readonly person: Person;
  /** Folded text of everything searchable, space-separated. */
  readonly text: string;
  /** Folded exact keys (id, e-mail, identifiers). */
  readonly keys: readonly string[];
  /** Sort key: last name, first name. */
  readonly sort: string;
}

/** Lower case without diacritics (`Müller` → `muller`), so `muller` finds `Müller`. */
export function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The display name of a person. */
export function displayName(p: Person): string {
  return `${p.preferredName ?? p.firstName} ${p.lastName}`;
}

/** Build the index: persons in name order, with their reservations as searchable identifiers. */
export function buildSearchIndex(persons: Iterable<Person>, reservations: readonly Reservation[]): SearchEntry[] {
  const ids = new Map<string, string[]>();
  for (const r of reservations) {
    const list = ids.get(r.personId);
    if (list) list.push(r.value);
    else ids.set(r.personId, [r.value]);
  }
  const out: SearchEntry[] = [];
  for (const p of persons) {
    const keys = [p.id, ...(p.email !== undefined ? [p.email] : []), ...(ids.get(p.id) ?? [])].map(fold);
    const names = [p.firstName, p.lastName, p.preferredName, p.birthName].filter((x): x is string => x !== undefined);
    out.push({ person: p, text: fold([...names, ...keys].join(' ')), keys, sort: fold(`${p.lastName} ${p.preferredName ?? p.firstName} ${p.id}`) });
  }
  return out.sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
}

/** Search options. */
export interface SearchOptions {
  /** Most results to return (default 50). */
  readonly limit?: number;
  /** Only these person ids (a manager's scope). */
  readonly scope?: ReadonlySet<string>;
}

/** Every entry's text in one string (name order, one line each) and where each line starts. */
interface Haystack {
  readonly text: string;
  readonly starts: Int32Array;
}

// Built once per index: searching one long string with indexOf (a native substring search) is many times faster
// than calling includes on ten thousand short ones.
const haystacks = new WeakMap<readonly SearchEntry[], Haystack>();

function haystackOf(index: readonly SearchEntry[]): Haystack {
  let h = haystacks.get(index);
  if (!h) {
    const starts = new Int32Array(index.length);
    let at = 0;
    const parts: string[] = [];
    for (let i = 0; i < index.length; i += 1) {
      starts[i] = at;
      const line = (index[i] as SearchEntry).text.replace(/\n/g, ' ');
      parts.push(line);
      at += line.length + 1;
    }
    h = { text: parts.join('\n'), starts };
    haystacks.set(index, h);
  }
  return h;
}

/** The entry whose line contains offset `at` (binary search over line starts). */
function entryAt(starts: Int32Array, at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Matches in rank order (exact key first, then name order), and how many matched in all. */
export function searchPersons(index: readonly SearchEntry[], query: string, opts: SearchOptions = {}): { readonly results: Person[]; readonly total: number } {
  const limit = opts.limit ?? 50;
  const scope = opts.scope;
  const q = fold(query.trim()).slice(0, 200);
  const tokens = q.split(/\s+/).filter((x) => x !== '');
  const exact: Person[] = [];
  const rest: Person[] = [];
  let total = 0;
  const take = (e: SearchEntry): void => {
    if (scope !== undefined && !scope.has(e.person.id)) return;
    for (let k = 1; k < tokens.length; k += 1) if (!e.text.includes(tokens[k] as string)) return;
    total += 1;
    if (tokens.length === 1 && e.keys.includes(q)) exact.push(e.person);
    else if (rest.length < limit) rest.push(e.person);
  };
  const first = tokens[0];
  if (first === undefined) {
    for (const e of index) take(e);
  } else {
    // Candidates: the lines the first token occurs in, each once, in name order; the other tokens are checked per line.
    const { text, starts } = haystackOf(index);
    let from = 0;
    for (;;) {
      const at = text.indexOf(first, from);
      if (at < 0) break;
      const i = entryAt(starts, at);
      take(index[i] as SearchEntry);
      from = i + 1 < starts.length ? (starts[i + 1] as number) : text.length;
    }
  }
  return { results: exact.length === 0 ? rest : [...exact, ...rest].slice(0, limit), total };
}
