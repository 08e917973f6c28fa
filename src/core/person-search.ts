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

/** Matches in rank order (exact key first, then name order), and how many matched in all. */
export function searchPersons(index: readonly SearchEntry[], query: string, opts: SearchOptions = {}): { readonly results: Person[]; readonly total: number } {
  const limit = opts.limit ?? 50;
  const q = fold(query.trim()).slice(0, 200);
  const tokens = q.split(/\s+/).filter((x) => x !== '');
  const exact: Person[] = [];
  const rest: Person[] = [];
  let total = 0;
  for (const e of index) {
    if (opts.scope && !opts.scope.has(e.person.id)) continue;
    if (!tokens.every((tok) => e.text.includes(tok))) continue;
    total += 1;
    if (e.keys.includes(q)) exact.push(e.person);
    else if (rest.length < limit) rest.push(e.person);
  }
  return { results: [...exact, ...rest].slice(0, limit), total };
}
